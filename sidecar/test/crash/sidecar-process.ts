import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrgEmulator } from '../../src/emulator/index.js';
import { ORG_ID, SECRET } from '../api/envelopes.js';

const SERVER = fileURLToPath(new URL('../../src/server.ts', import.meta.url));

/** A free loopback port. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The environment of a sidecar that writes back into `emulator` (JWT key written to `keyDir`),
 * with the recognizers only so the runs do not depend on the model.
 */
export function emulatorSidecarEnv(emulator: OrgEmulator, keyDir: string): Record<string, string> {
  const keyPath = join(keyDir, 'server.key');
  writeFileSync(keyPath, emulator.connectedApp.privateKey ?? '', { mode: 0o600 });
  return {
    LEAKWATCH_ORG_SECRETS: `${ORG_ID}=${SECRET}`,
    SF_LOGIN_URL: emulator.url,
    SF_CLIENT_ID: emulator.connectedApp.clientId,
    SF_USERNAME: emulator.identity.username,
    SF_PRIVATE_KEY_PATH: keyPath,
    LOG_LEVEL: 'warn',
    LEAKWATCH_MODEL_DIR: 'none',
    WORKER_POLL_MS: '20',
  };
}

/** The real sidecar (`src/server.ts`) in a child process, which the test can SIGKILL and start again. */
export class SidecarProcess {
  private child: ChildProcess | undefined;
  private log = '';
  readonly url: string;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the process and resolves once /healthz answers. */
  async start(timeoutMs = 90_000): Promise<void> {
    const child = spawn(process.execPath, ['--import', 'tsx', SERVER], {
      env: { ...process.env, ...this.env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (child.exitCode !== null) throw new Error(`sidecar exited with ${child.exitCode}:\n${this.log}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sidecar did not start in time:\n${this.log}`);
  }

  /** SIGKILL: no shutdown hooks, no flush; whatever was in flight is cut off. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM and wait for the graceful exit; returns the exit code. */
  async terminate(): Promise<number | null> {
    const child = this.child;
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    return exited;
  }

  get recentLog(): string {
    return this.log;
  }
}
