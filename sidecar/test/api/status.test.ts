import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queueStatus } from '../../src/outbox/queue-status.js';
import type { Store } from '../../src/store/store.js';
import { queueVerdicts } from '../outbox/outbox-fixture.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { buildTestApp } from './build-test-app.js';
import { fakeOrg } from './fakes.js';

const ORG_A = '00D5g000004Cx1aEAC';
const ORG_B = '00D5g000007Zz9bEAC';
const ORG_C = '00D5g000009Yy8cEAC';
const SECRETS = new Map([
  [ORG_A.slice(0, 15), 'secret-of-org-a-0123456789'],
  [ORG_B.slice(0, 15), 'secret-of-org-b-0123456789'],
  [ORG_C.slice(0, 15), 'secret-of-org-c-0123456789'],
]);
const bearer = (orgId: string) => ({ authorization: `Bearer ${SECRETS.get(orgId.slice(0, 15))}` });

/** Stores events of an org in a state, due only tomorrow so that the app's workers leave them alone. */
async function storeEvents(store: Store, orgId: string, state: 'pending' | 'failed', count: number): Promise<void> {
  for (let i = 0; i < count; i += 1) {
    await store.query(
      `INSERT INTO ingested_event (event_id, org_id, batch_id, kind, classified, state, next_attempt_at)
       VALUES ($1, $2, $3, 'dml', '{}'::jsonb, $4, clock_timestamp() + interval '1 day')`,
      [randomUUID(), orgId, randomUUID(), state],
    );
  }
}

describe('GET /v1/status per org', () => {
  let testStore: TestStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    testStore = await openTestStore('pglite');
    const { store } = testStore;
    await storeEvents(store, ORG_A, 'pending', 2);
    await storeEvents(store, ORG_A, 'failed', 1);
    await storeEvents(store, ORG_B, 'pending', 1);
    const [deadOfA] = await queueVerdicts(store, 2, ORG_A);
    await queueVerdicts(store, 1, ORG_B);
    await store.query("UPDATE outbox SET next_attempt_at = clock_timestamp() + interval '1 day'");
    await store.query("UPDATE outbox SET state = 'dead' WHERE event_id = $1 AND sobject = 'LeakVerdict__c'", [deadOfA]);
    const org = fakeOrg();
    ({ app } = await buildTestApp(store, {
      orgSecrets: SECRETS,
      orgClientFor: (orgId) => (orgId.slice(0, 15) === ORG_A.slice(0, 15) ? org.client : undefined),
    }));
  });
  afterAll(async () => {
    await app.close();
    await testStore.dispose();
  });

  const status = async (orgId: string) => {
    const res = await app.inject({ method: 'GET', url: '/v1/status', headers: bearer(orgId) });
    expect(res.statusCode).toBe(200);
    return res.json();
  };

  it("reports the calling org's queues, dead letters and connection", async () => {
    expect(await status(ORG_A)).toEqual({
      orgId: ORG_A,
      store: 'pglite',
      modelLoaded: false,
      connection: { configured: true, identity: 'unchecked' },
      queues: { eventsPending: 2, eventsFailed: 1, writeBacksPending: 3 },
      oldestPendingWriteBack: expect.any(String),
      deadLetters: 1,
      notifications: { pending: 0, dead: 0, delivered: 0 },
      feedback: { lastPolledAt: null },
    });
  });

  it("does not show one org's queue to another", async () => {
    expect(await status(ORG_B)).toMatchObject({
      orgId: ORG_B,
      connection: { configured: false, identity: 'unchecked' },
      queues: { eventsPending: 1, eventsFailed: 0, writeBacksPending: 2 },
      deadLetters: 0,
      notifications: { pending: 0, dead: 0, delivered: 0 },
    });
    expect(await status(ORG_C)).toMatchObject({
      orgId: ORG_C,
      queues: { eventsPending: 0, eventsFailed: 0, writeBacksPending: 0 },
      oldestPendingWriteBack: null,
      deadLetters: 0,
      notifications: { pending: 0, dead: 0, delivered: 0 },
    });
  });

  it("adds up every org's queues for the operator when no org is given", async () => {
    expect(await queueStatus(testStore.store)).toMatchObject({
      eventsPending: 3,
      eventsFailed: 1,
      writeBacksPending: 5,
      deadLetters: 1,
    });
  });

  it('counts one org on the org index', async () => {
    await testStore.store.query('SET enable_seqscan = off');
    const plan = await testStore.store.query<{ 'QUERY PLAN': string }>("EXPLAIN SELECT count(*) FROM ingested_event WHERE state = 'failed' AND org_id = $1", [
      ORG_A,
    ]);
    await testStore.store.query('SET enable_seqscan = on');
    expect(plan.map((row) => row['QUERY PLAN']).join('\n')).toContain('ingested_event_org_open');
  });
});
