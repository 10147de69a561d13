import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LeakEvent } from '../../src/contract/event.js';
import { createStoredDetector } from '../../src/detect/index.js';
import type { StoredEvent } from '../../src/ingest/stored-event.js';
import { persistEvents } from '../../src/ingest/persist-events.js';
import { scoreStep } from '../../src/pipeline/score-events.js';
import type { Sql, Store } from '../../src/store/store.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import { AUTH, envelope, ORG_ID } from '../api/envelopes.js';
import { at } from '../detect/helpers.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const OWNER = 'failed-record-test-replica';

/** 1,000 Contacts deleted in one session: a mass delete that alerts once for its window. */
function massDelete(userId: string, minute = 0): StoredEvent {
  return {
    orgId: ORG_ID,
    event: {
      id: randomUUID(),
      kind: 'dml',
      occurredAt: at(0, 14, minute),
      actor: { userId, sessionId: `api-${userId}` },
      object: 'Contact',
      operation: 'delete',
      recordCount: 1_000,
    },
    findings: [],
    notes: [],
  };
}

/** An integration user logging in through a browser: alerts once per user and hour. */
function browserLogin(userId: string, minute = 0): StoredEvent {
  return {
    orgId: ORG_ID,
    event: {
      id: randomUUID(),
      kind: 'login',
      occurredAt: at(0, 15, minute),
      actor: { userId, isIntegration: true },
      operation: 'login',
      details: { loginType: 'Application' },
    },
    findings: [],
    notes: [],
  };
}

/**
 * The store, except that its next transaction runs its statements and then fails, as when the
 * connection drops before the commit; `meanwhile` runs while that transaction is failing.
 */
function failingOnce(store: Store, meanwhile?: () => void): Store {
  let fail = true;
  return {
    kind: store.kind,
    query: (text, params) => store.query(text, params),
    exec: (script) => store.exec(script),
    close: () => store.close(),
    transaction: <T>(fn: (tx: Sql) => Promise<T>) =>
      store.transaction(async (tx) => {
        const result = await fn(tx);
        if (fail) {
          fail = false;
          meanwhile?.();
          throw new Error('connection lost');
        }
        return result;
      }),
  };
}

describe.each(STORE_KINDS)('a scored batch whose outcomes could not be recorded, on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    store = testStore.store;
  });
  afterAll(async () => {
    await testStore.dispose();
  });

  const stateOf = async (eventId: string) =>
    (await store.query<{ state: string }>('SELECT state FROM ingested_event WHERE event_id = $1', [eventId]))[0]?.state;
  const verdictsOf = async (eventId: string) =>
    store.query<{ record: { Reasons__c: string } }>("SELECT record FROM outbox WHERE event_id = $1 AND sobject = 'LeakVerdict__c'", [eventId]);
  const reasonCodes = (row: { record: { Reasons__c: string } } | undefined) =>
    (JSON.parse(row?.record.Reasons__c ?? '[]') as Array<{ code: string }>).map((r) => r.code);
  const volumeOf = async (userId: string) =>
    Number(
      (
        await store.query<{ n: number | string | null }>("SELECT sum(total) AS n FROM detect_hourly WHERE metric = 'volume' AND series LIKE $1", [
          `${userId}|%`,
        ])
      )[0]?.n ?? 0,
    );
  const alertMarks = async (userId: string) => store.query<{ key: string }>('SELECT key FROM detect_alert WHERE key LIKE $1', [`mass|${userId}|%`]);

  it('scores its events again and queues their verdict exactly once, counting them once', async () => {
    const stored = createStoredDetector(store);
    const step = scoreStep({
      store: failingOnce(store),
      detector: stored.detector,
      owner: OWNER,
      leaseMs: 50,
      afterBatch: stored.flush,
      rollback: stored.discard,
    });
    const deleted = massDelete('0055g00000ReTrYAAZ');
    const login = browserLogin('0055g00000ReTrYAAZ');
    await persistEvents(store, randomUUID(), [deleted, login]);

    await expect(step()).rejects.toThrow('connection lost');
    expect(await stateOf(deleted.event.id)).toBe('pending');
    expect(await stateOf(login.event.id)).toBe('pending');
    expect(await verdictsOf(deleted.event.id)).toEqual([]);

    // The two leases end a few microseconds apart: a retry at that moment takes one event, the next one the other.
    let scored = 0;
    await eventually(async () => (scored += await step()) === 2);
    expect(await stateOf(deleted.event.id)).toBe('scored');
    expect(await stateOf(login.event.id)).toBe('scored');
    const deletions = await verdictsOf(deleted.event.id);
    const logins = await verdictsOf(login.event.id);
    expect(deletions.map(reasonCodes)).toEqual([['mass_delete_pii']]);
    expect(logins.map(reasonCodes)).toEqual([['integration_interactive']]);
    expect(await volumeOf('0055g00000ReTrYAAZ')).toBe(1_000);
    expect(await alertMarks('0055g00000ReTrYAAZ')).toHaveLength(1);
    expect(await step()).toBe(0);
  });

  it('keeps what a reviewer taught while the batch was failing, and never writes the batch’s changes early', async () => {
    const stored = createStoredDetector(store);
    const suppressed: LeakEvent = {
      id: randomUUID(),
      kind: 'login',
      occurredAt: at(0, 15),
      actor: { userId: '0055g00000LeArNAAZ', isIntegration: true },
      operation: 'login',
      details: { loginType: 'Application' },
    };
    let feedback: Promise<unknown> | undefined;
    // The feedback stage learns a false positive and flushes while the batch's recording fails.
    const meanwhile = () => {
      feedback = stored.detector
        .suppress({
          verdict: {
            eventId: suppressed.id,
            orgId: ORG_ID,
            severity: 'Medium',
            riskScore: 50,
            reasons: [{ code: 'integration_interactive', weight: 50, message: 'Browser login by an integration user.' }],
            piiTypes: [],
            zScore: null,
          },
          event: suppressed,
        })
        .then(() => stored.flushLearnt());
    };
    const step = scoreStep({
      store: failingOnce(store, meanwhile),
      detector: stored.detector,
      owner: OWNER,
      leaseMs: 50,
      afterBatch: stored.flush,
      rollback: stored.discard,
    });
    const deleted = massDelete('0055g00000FlUsHAAZ');
    const login = browserLogin('0055g00000FlUsHAAZ');
    await persistEvents(store, randomUUID(), [deleted, login]);

    await expect(step()).rejects.toThrow('connection lost');
    await feedback;
    expect(await store.query('SELECT id FROM detect_suppression WHERE id = $1', [`fp:${suppressed.id}`])).toHaveLength(1);
    expect(await volumeOf('0055g00000FlUsHAAZ')).toBe(0);
    expect(await alertMarks('0055g00000FlUsHAAZ')).toEqual([]);

    // The two leases end a few microseconds apart: a retry at that moment takes one event, the next one the other.
    let scored = 0;
    await eventually(async () => (scored += await step()) === 2);
    expect((await verdictsOf(deleted.event.id)).map(reasonCodes)).toEqual([['mass_delete_pii']]);
    expect((await verdictsOf(login.event.id)).map(reasonCodes)).toEqual([['integration_interactive']]);
    const again = await stored.detector.score({ orgId: ORG_ID, event: { ...suppressed, id: randomUUID() }, findings: [] });
    expect(again).toBeNull();
  });

  it('in the service: once its leases are free again, the events score as if the first attempt never happened', async () => {
    const stored = createStoredDetector(store);
    const start = (sql: Store) => buildTestApp(sql, { detector: stored.detector, detectorState: stored, replicaId: OWNER });
    let { app } = await start(failingOnce(store));
    const event = {
      id: randomUUID(),
      kind: 'login',
      occurredAt: at(1, 9),
      actor: { userId: '0055g00000SeRvEAAZ', username: 'shopsync@acme-shop.example', isIntegration: true },
      operation: 'login',
      details: { loginType: 'Application' },
    };
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...AUTH },
      payload: JSON.stringify(envelope([event])),
    });
    expect(res.statusCode).toBe(202);
    const leased = async () =>
      (
        await store.query<{ attempts: number; lease_owner: string | null }>('SELECT attempts, lease_owner FROM ingested_event WHERE event_id = $1', [event.id])
      )[0];
    await eventually(async () => (await leased())?.attempts === 1);
    await app.close();
    expect(await stateOf(event.id)).toBe('pending');

    // A restart under the same replica name frees its leases at once.
    ({ app } = await start(store));
    try {
      await eventually(async () => (await stateOf(event.id)) !== 'pending');
      expect(await stateOf(event.id)).toBe('scored');
      expect((await verdictsOf(event.id)).map(reasonCodes)).toEqual([['integration_interactive']]);
    } finally {
      await (app as FastifyInstance).close();
    }
  });
});
