import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { SECRET } from '../api/envelopes.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { startDrillHarness, type DrillHarness } from './drill-harness.js';

/** A port nothing listens on: one just let go. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('leakwatch drill', () => {
  let testStore: TestStore;
  let harness: DrillHarness | undefined;

  beforeAll(async () => {
    testStore = await openTestStore('pglite');
  });
  afterAll(async () => testStore.dispose());
  afterEach(async () => {
    await harness?.close();
    harness = undefined;
  });

  const listening = async (policy?: Parameters<typeof startDrillHarness>[1]) => {
    harness = await startDrillHarness(testStore.store, policy);
    return { h: harness, url: await harness.app.listen({ host: '127.0.0.1', port: 0 }) };
  };

  const run = async (args: string[], env: NodeJS.ProcessEnv = { LEAKWATCH_SECRET: SECRET }) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (c) => out.push(String(c)));
    stderr.on('data', (c) => err.push(String(c)));
    const code = await main(['drill', ...args], { stdin: new PassThrough(), stdout, stderr, env });
    return { code, stdout: out.join(''), stderr: err.join('') };
  };

  it('prints one row per target with its time and remote id, and exits 0 when every target got it', async () => {
    const { url } = await listening();
    const result = await run(['--url', url, '--interval', '0.1']);
    expect(result.stderr).toMatch(/^drill [0-9a-f-]{36} started; waiting up to 120 s/);
    expect(result.stderr).toMatch(/incident [0-9a-f-]{36} r1: Drill: Canary records read/);
    expect(result.stderr).toMatch(/soc \(servicenow\): delivered after \d+\.\d s/);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^drill [0-9a-f-]{36}: done, incident [0-9a-f-]{36} \(Critical\)$/);
    expect(lines[1]).toMatch(/^target\s+kind\s+arrived\s+time\s+remote id \/ error$/);
    expect(lines.slice(2).map((l) => l.split(/\s+/).slice(0, 3))).toEqual([
      ['soc', 'servicenow', 'yes'],
      ['dpo-desk', 'jira', 'yes'],
      ['siem', 'webhook', 'yes'],
    ]);
    expect(lines[2]).toMatch(/yes\s+\d+\.\d s\s+INC\d+/);
    expect(result.code).toBe(0);
  });

  it('exits 1 and names the target that did not receive it within --timeout', async () => {
    const { h, url } = await listening({ maxAttempts: 50, baseDelayMs: 200, maxDelayMs: 400 });
    h.jira.setFaults({ unavailable: 1_000 });
    const result = await run(['--url', url, '--timeout', '2', '--interval', '0.2']);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/: timed-out, incident/);
    expect(result.stdout).toMatch(/dpo-desk\s+jira\s+no\s+—\s+.*503/);
    expect(result.stdout).toMatch(/soc\s+servicenow\s+yes/);
    expect(result.stderr).toContain('leakwatch drill: dpo-desk did not receive the drill within 2 s');
  });

  it('says so when the sidecar cannot be reached, the secret is refused or missing, or an option is wrong', async () => {
    const { url } = await listening();
    const closed = `http://127.0.0.1:${await closedPort()}`;
    const unreachable = await run(['--url', closed]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toBe(
      `leakwatch drill: cannot reach the sidecar at ${closed} (ECONNREFUSED): is it running? Give its address with --url or LEAKWATCH_URL.\n`,
    );
    const refused = await run(['--url', url], { LEAKWATCH_SECRET: 'wrong-secret-0123456789' });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^leakwatch drill: 401 Missing or invalid bearer secret/);
    expect((await run(['--url', url], {})).code).toBe(2);
    expect((await run(['--url', url, '--timeout', '0'])).code).toBe(2);
  });
});
