import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { queueStatus } from '../../src/outbox/queue-status.js';
import { AUTH, ORG_ID, SECRET } from '../api/envelopes.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import type { fakeOrg } from '../api/fakes.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { queueVerdicts } from './outbox-fixture.js';

describe('leakwatch redrive', () => {
  let testStore: TestStore;
  let app: FastifyInstance;
  let org: ReturnType<typeof fakeOrg>;
  let url: string;

  beforeAll(async () => {
    testStore = await openTestStore('postgres');
    ({ app, org } = await buildTestApp(testStore.store));
    url = await app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await app.close();
    await testStore.dispose();
  });

  const run = async (args: string[], env: NodeJS.ProcessEnv) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const chunks: string[] = [];
    stdout.on('data', (c) => chunks.push(String(c)));
    stderr.on('data', (c) => chunks.push(String(c)));
    const code = await main(['redrive', ...args], { stdin: new PassThrough(), stdout, stderr, env });
    return { code, output: chunks.join('') };
  };

  it('re-queues the dead letters shown by /v1/status and they reach the org', async () => {
    const [eventId] = await queueVerdicts(testStore.store, 2);
    org.inject({ kind: 'throw', retryable: false });
    await eventually(async () => (await queueStatus(testStore.store)).deadLetters === 2);
    const status = await app.inject({ method: 'GET', url: '/v1/status', headers: AUTH });
    expect(status.json().deadLetters).toBe(2);

    const one = await run(['--url', url, '--event', eventId as string], { LEAKWATCH_SECRET: SECRET });
    expect(one).toEqual({ code: 0, output: 're-queued 1 record(s)\n' });
    const rest = await run(['--url', url], { LEAKWATCH_SECRET: SECRET });
    expect(rest).toEqual({ code: 0, output: 're-queued 1 record(s)\n' });
    await eventually(() => org.records('PiiFinding__c').length === 2);
    expect((await queueStatus(testStore.store)).deadLetters).toBe(0);
  });

  it('re-queues dead notifications, of one target or all, and refuses mixed flags', async () => {
    for (const target of ['dpo-desk', 'soc-servicenow'])
      await testStore.store.query(
        `INSERT INTO notification (org_id, incident_key, revision, target, idempotency_key, payload, state, attempts)
         VALUES ($1, gen_random_uuid(), 1, $2, $3, '{}'::jsonb, 'dead', 8)`,
        [ORG_ID, target, `k-${target}`],
      );
    const one = await run(['--url', url, '--notifications', '--target', 'dpo-desk'], { LEAKWATCH_SECRET: SECRET });
    expect(one).toEqual({ code: 0, output: 're-queued 1 notification(s)\n' });
    const rest = await run(['--url', url, '--notifications'], { LEAKWATCH_SECRET: SECRET });
    expect(rest).toEqual({ code: 0, output: 're-queued 1 notification(s)\n' });
    expect((await testStore.store.query("SELECT 1 FROM notification WHERE state = 'dead'")).length).toBe(0);
    expect((await run(['--url', url, '--target', 'dpo-desk'], { LEAKWATCH_SECRET: SECRET })).code).toBe(2);
    expect((await run(['--url', url, '--notifications', '--event', 'x'], { LEAKWATCH_SECRET: SECRET })).code).toBe(2);
  });

  it('refuses without the secret and reports a wrong one', async () => {
    expect((await run(['--url', url], {})).code).toBe(2);
    const wrong = await run(['--url', url], { LEAKWATCH_SECRET: 'wrong-secret-0123456789' });
    expect(wrong.code).toBe(1);
    expect(wrong.output).toContain('401');
  });
});
