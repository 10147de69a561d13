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
    // Real-time subscriptions only where a test asks for them (`realtimeEnv`).
    LEAKWATCH_REALTIME: 'off',
  };
}

/** Subscriptions to the emulator's Pub/Sub API (plaintext gRPC on loopback). */
export function realtimeEnv(emulator: OrgEmulator, topics: readonly string[]): Record<string, string> {
  if (!emulator.pubsubEndpoint) throw new Error('the org emulator serves no Pub/Sub API');
  return {
    LEAKWATCH_REALTIME: 'on',
    LEAKWATCH_PUBSUB_ENDPOINT: emulator.pubsubEndpoint,
    LEAKWATCH_PUBSUB_TLS: 'off',
    LEAKWATCH_REALTIME_TOPICS: topics.join(','),
  };
}

/** The real sidecar (`src/server.ts`) in a child process, which the test can SIGKILL and start again. */
export class SidecarProcess {
  private child: ChildProcess | undefined;
  private log = '';
  readonly url: string;

  /**
   * `options.imports`: modules loaded into the process before the server (`--import`), e.g. the
   * crash tests' kill points (`kill-point.mjs`).
   */
  constructor(
    private readonly env: NodeJS.ProcessEnv,
    readonly port: number,
    private readonly options: { imports?: string[] } = {},
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  /** Starts the process and resolves once /healthz answers. */
  async start(timeoutMs = 90_000): Promise<void> {
    const child = this.launch();
    const until = Date.now() + timeoutMs;
    while (Date.now() < until) {
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`sidecar exited with ${child.exitCode ?? child.signalCode}:\n${this.log}`);
      }
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`sidecar did not start in time:\n${this.log}`);
  }

  /**
   * Spawns the process without waiting for it to listen (it may be meant to die before it does);
   * `env` adds to the constructor's for this run only.
   */
  launch(env: NodeJS.ProcessEnv = {}): ChildProcess {
    const imports = ['tsx', ...(this.options.imports ?? [])].flatMap((m) => ['--import', m]);
    const child = spawn(process.execPath, [...imports, SERVER], {
      env: { ...process.env, ...this.env, ...env, PORT: String(this.port), HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-8_000);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  /** Resolves when the process has ended, with its exit code or the signal that ended it; rejects after `timeoutMs`. */
  async exited(timeoutMs = 60_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child) throw new Error('the sidecar was never started');
    if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the sidecar did not end within ${timeoutMs} ms:\n${this.log}`)), timeoutMs);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal });
      });
    });
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
