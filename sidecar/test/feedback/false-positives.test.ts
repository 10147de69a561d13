import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import { createStoredDetector } from '../../src/detect/index.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { pollFeedback } from '../../src/feedback/index.js';
import type { Store } from '../../src/store/store.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { eventually, logSink } from '../api/build-test-app.js';
import { AUTH, dmlEvent, envelope, ORG_ID, ORG_SECRETS } from '../api/envelopes.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const REPLICA = 'feedback-test-replica';
/** What a reviewer types in the org; the sidecar must neither read nor log it. */
const REVIEWER_NOTE = 'Nightly ShopSync run approved by Maria Rossi';
const OTHER_ACTOR = { userId: '0055g00000XyZwVAAZ', username: 'ops@acme-shop.example', isIntegration: true };
const afterThisSecond = () => new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));

describe.each(STORE_KINDS)('false positives marked in the org, on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  let org: OrgEmulator;
  let client: OrgClient;
  let app: FastifyInstance | undefined;
  const logs: string[] = [];

  /** The sidecar as `startSidecar` builds it, with the detector over the store and feedback every 100 ms. */
  const startApp = async () => {
    const stored = createStoredDetector(store);
    const started = await buildApp({
      store,
      classifier: createClassifier({ salt: 'test-salt-0123456789' }),
      detector: stored.detector,
      detectorState: stored,
      orgClientFor: () => client,
      orgSecrets: ORG_SECRETS,
      pollMs: 20,
      retryPolicy: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
      replicaId: REPLICA,
      feedback: {
        detector: stored.detector,
        orgIds: [ORG_ID.slice(0, 15)],
        clientFor: () => client,
        intervalMs: 100,
        settleMs: 0,
      },
      logger: { level: 'debug', stream: logSink(logs) },
    });
    await started.ready();
    app = started;
    return started;
  };
  const stopApp = async () => {
    await app?.close();
    app = undefined;
  };

  const post = async (events: unknown[]) => {
    const res = await app!.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...AUTH },
      payload: JSON.stringify(envelope(events)),
    });
    expect(res.statusCode).toBe(202);
  };
  const verdictOf = (eventId: string) => org.records('LeakVerdict__c').find((record) => record.EventId__c === eventId);
  const stateOf = async (eventId: string) =>
    (await store.query<{ state: string }>('SELECT state FROM ingested_event WHERE event_id = $1', [eventId]))[0]?.state;
  const outboxDone = async () => Number((await store.query<{ n: string | number }>("SELECT count(*) AS n FROM outbox WHERE state <> 'done'"))[0]?.n) === 0;
  /** What VerdictController.markFalsePositive does in the org. */
  const markFalsePositive = async (eventId: string) => {
    const [result] = await client.upsert('LeakVerdict__c', 'EventId__c', [
      { EventId__c: eventId, Status__c: 'FalsePositive', FalsePositiveReason__c: REVIEWER_NOTE },
    ]);
    expect(result).toMatchObject({ success: true, created: false });
  };
  const suppressionsOf = (eventId: string) =>
    store.query<{ org_id: string; reason_codes: unknown; actor_user_id: string; object: string; operation: string }>(
      'SELECT org_id, reason_codes, actor_user_id, object, operation FROM detect_suppression WHERE id = $1',
      [`fp:${eventId}`],
    );
  const watermark = async (replica = REPLICA) =>
    (
      await store.query<{ last_id: string | null; polled_at: Date | string | null }>(
        'SELECT last_id, polled_at FROM feedback_watermark WHERE org_id = $1 AND replica = $2',
        [ORG_ID, replica],
      )
    )[0];
  const metric = async (series: string) => {
    const text = (await app!.inject({ method: 'GET', url: '/metrics' })).body;
    const line = text.split('\n').find((l) => l.startsWith(`${series} `));
    return line ? Number(line.slice(series.length + 1)) : 0;
  };
  /** Scores an event into a verdict in the org and waits until every record of it is written. */
  const verdictInOrg = async (event: ReturnType<typeof dmlEvent>) => {
    await post([event]);
    await eventually(async () => verdictOf(event.id) !== undefined && (await outboxDone()));
    return verdictOf(event.id)!;
  };

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    store = testStore.store;
    org = await startOrgEmulator();
    client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
  });
  afterAll(async () => {
    await stopApp();
    await testStore.dispose();
    await org.close();
  });

  it('learns a false positive: the same event by the same actor no longer scores, by another actor it does', async () => {
    await startApp();
    const learnt = dmlEvent();
    const verdict = await verdictInOrg(learnt);
    expect(JSON.parse(String(verdict.Reasons__c)).map((r: { code: string }) => r.code)).toContain('pii_in_free_text');

    await markFalsePositive(learnt.id);
    await eventually(async () => (await watermark())?.last_id === verdict.Id);
    expect(await suppressionsOf(learnt.id)).toEqual([
      {
        org_id: ORG_ID,
        reason_codes: ['pii_in_free_text'],
        actor_user_id: learnt.actor.userId,
        object: 'Contact',
        operation: 'update',
      },
    ]);

    const again = dmlEvent();
    const byAnother = dmlEvent({ actor: OTHER_ACTOR });
    await post([again, byAnother]);
    await eventually(async () => (await stateOf(again.id)) === 'quiet' && verdictOf(byAnother.id) !== undefined);
    expect(verdictOf(again.id)).toBeUndefined();

    expect(await metric('leakwatch_feedback_suppressions_total{outcome="suppressed"}')).toBe(1);
    const status = await app!.inject({ method: 'GET', url: '/v1/status', headers: AUTH });
    expect(status.json().feedback.lastPolledAt).toEqual(expect.any(String));
    expect(logs.join('')).toContain('learnt suppressions from false positives');
    expect(logs.join('')).not.toContain(REVIEWER_NOTE);
  });

  it('reads feedback again after the org failed a query, losing none', async () => {
    const event = dmlEvent({ actor: { ...OTHER_ACTOR, userId: '0055g00000FaUlTAAZ' } });
    const verdict = await verdictInOrg(event);
    const errorsBefore = await metric('leakwatch_feedback_polls_total{result="error"}');
    await markFalsePositive(event.id);
    // Over its API limit, the org refuses queries (the client retries a 503 by itself, not this).
    org.setFaults({ requestLimit: 2 });
    await eventually(async () => (await watermark())?.last_id === verdict.Id);
    expect(await suppressionsOf(event.id)).toHaveLength(1);
    expect(org.stats.faultsInjected.requestLimit).toBe(2);
    expect(await metric('leakwatch_feedback_polls_total{result="error"}')).toBe(errorsBefore + 2);
    expect(logs.join('')).toContain('reading false positives from the org failed');
  });

  it('keeps its watermark across a restart: nothing is read twice, and what was learnt still holds', async () => {
    const before = await watermark();
    await stopApp();
    const restartedAt = Date.now();
    await startApp();
    await eventually(async () => Date.parse(String((await watermark())?.polled_at)) >= restartedAt);
    expect(await metric('leakwatch_feedback_suppressions_total{outcome="suppressed"}')).toBe(0);
    expect((await watermark())?.last_id).toBe(before?.last_id);

    const again = dmlEvent();
    await post([again]);
    await eventually(async () => (await stateOf(again.id)) === 'quiet');
    await stopApp();
  });

  it('re-applies a page harmlessly when it stopped between persisting the suppressions and moving the watermark', async () => {
    const eventId = randomUUID();
    await client.upsert('LeakVerdict__c', 'EventId__c', [
      {
        EventId__c: eventId,
        OrgEventKind__c: 'export',
        Severity__c: 'High',
        RiskScore__c: 70,
        ActorUserId__c: '0055g00000ExPoRAAZ',
        ObjectName__c: 'Account',
        Operation__c: 'export',
        Reasons__c: JSON.stringify([{ code: 'volume_anomaly', weight: 70, message: 'Exported far more than usual.' }]),
      },
    ]);
    await markFalsePositive(eventId);
    await afterThisSecond();
    const before = await watermark();
    const stored = createStoredDetector(store);
    const crashing: Store = Object.create(store, {
      query: {
        value: (text: string, params?: unknown[]) =>
          text.includes('last_id = EXCLUDED.last_id') ? Promise.reject(new Error('killed')) : store.query(text, params),
      },
    });
    const poll = (sql: Store) =>
      pollFeedback(
        { store: sql, detector: stored.detector, flush: stored.flushLearnt, clientFor: () => client, replica: REPLICA, settleMs: 0 },
        ORG_ID.slice(0, 15),
      );

    await expect(poll(crashing)).rejects.toThrow('killed');
    expect(await suppressionsOf(eventId)).toHaveLength(1);
    expect((await watermark())?.last_id).toBe(before?.last_id);

    expect(await poll(store)).toEqual({ suppressed: 1, skipped: 0, lifted: 0 });
    expect(await suppressionsOf(eventId)).toEqual([
      {
        org_id: ORG_ID,
        reason_codes: ['volume_anomaly'],
        actor_user_id: '0055g00000ExPoRAAZ',
        object: 'Account',
        operation: 'export',
      },
    ]);
    expect((await watermark())?.last_id).toBe(verdictOf(eventId)?.Id);
    expect(await poll(store)).toEqual({ suppressed: 0, skipped: 0, lifted: 0 });
  });

  it('passes over a verdict nothing can be learnt from, once, and lets every replica learn the others', async () => {
    const canary = randomUUID();
    await client.upsert('LeakVerdict__c', 'EventId__c', [
      {
        EventId__c: canary,
        OrgEventKind__c: 'dml',
        ActorUserId__c: '0055g00000CaNaRAAZ',
        Reasons__c: JSON.stringify([{ code: 'canary_touched', weight: 90, message: 'A canary record was touched.' }]),
        Status__c: 'FalsePositive',
      },
    ]);
    await afterThisSecond();
    const stored = createStoredDetector(store);
    const skipped: string[] = [];
    const poll = (replica: string) =>
      pollFeedback(
        {
          store,
          detector: stored.detector,
          flush: stored.flushLearnt,
          clientFor: () => client,
          replica,
          settleMs: 0,
          onSkipped: (verdict) => skipped.push(`${verdict.eventId}: ${verdict.why}`),
        },
        ORG_ID.slice(0, 15),
      );

    expect(await poll(REPLICA)).toEqual({ suppressed: 0, skipped: 1, lifted: 0 });
    expect(skipped).toEqual([`${canary}: none of its reasons can be suppressed`]);
    expect(await suppressionsOf(canary)).toEqual([]);
    expect(await poll(REPLICA)).toEqual({ suppressed: 0, skipped: 0, lifted: 0 });

    expect(await poll('another-replica')).toEqual({ suppressed: 3, skipped: 1, lifted: 0 });
  });

  it('pages through verdicts changed within one second without skipping or repeating one', async () => {
    const eventIds = Array.from({ length: 5 }, () => randomUUID());
    await client.upsert(
      'LeakVerdict__c',
      'EventId__c',
      eventIds.map((eventId) => ({
        EventId__c: eventId,
        OrgEventKind__c: 'dml',
        ActorUserId__c: '0055g00000PaGeSAAZ',
        ObjectName__c: 'Lead',
        Operation__c: 'delete',
        Reasons__c: JSON.stringify([{ code: 'mass_delete_pii', weight: 60, message: 'Deleted 1,200 leads.' }]),
        Status__c: 'FalsePositive',
      })),
    );
    await afterThisSecond();
    const stored = createStoredDetector(store);
    const queriesBefore = org.stats.queries;
    const poll = () =>
      pollFeedback(
        { store, detector: stored.detector, flush: stored.flushLearnt, clientFor: () => client, replica: 'paging-replica', settleMs: 0, pageSize: 2 },
        ORG_ID.slice(0, 15),
      );

    // Everything of the last 30 days: the four verdicts above (one of them a canary), then these five,
    // after one query for the verdicts of the suppressions already held, in case a mark was taken back.
    expect(await poll()).toEqual({ suppressed: 8, skipped: 1, lifted: 0 });
    expect(org.stats.queries - queriesBefore).toBe(6);
    for (const eventId of eventIds) expect(await suppressionsOf(eventId)).toHaveLength(1);
    expect((await watermark('paging-replica'))?.last_id).toBe(verdictOf(eventIds[4]!)?.Id);
    expect(await poll()).toEqual({ suppressed: 0, skipped: 0, lifted: 0 });
  });

  it('lifts a suppression once its false positive is taken back, and only that one', async () => {
    await startApp();
    const actor = { userId: '0055g00000UnMaRAAZ', username: 'feeds@acme-shop.example', isIntegration: true };
    const [first, second] = [dmlEvent({ actor }), dmlEvent({ actor })];
    await verdictInOrg(first);
    const secondVerdict = await verdictInOrg(second);
    await markFalsePositive(first.id);
    await markFalsePositive(second.id);
    await eventually(async () => (await watermark())?.last_id === secondVerdict.Id);
    expect(await suppressionsOf(first.id)).toHaveLength(1);
    const quietWhile = async () => {
      const event = dmlEvent({ actor });
      await post([event]);
      await eventually(async () => (await stateOf(event.id)) !== 'pending');
      return (await stateOf(event.id)) === 'quiet';
    };
    expect(await quietWhile()).toBe(true);

    // A reviewer takes the first mark back: its suppression goes, the second verdict's still covers the actor.
    await client.upsert('LeakVerdict__c', 'EventId__c', [{ EventId__c: first.id, Status__c: 'Acknowledged' }]);
    await eventually(async () => (await suppressionsOf(first.id)).length === 0);
    expect(await suppressionsOf(second.id)).toHaveLength(1);
    expect(await quietWhile()).toBe(true);

    await client.upsert('LeakVerdict__c', 'EventId__c', [{ EventId__c: second.id, Status__c: 'New' }]);
    await eventually(async () => (await suppressionsOf(second.id)).length === 0);
    const alerting = dmlEvent({ actor });
    await post([alerting]);
    await eventually(async () => verdictOf(alerting.id) !== undefined);
    expect(await metric('leakwatch_feedback_suppressions_total{outcome="lifted"}')).toBe(2);
    expect(logs.join('')).toContain('lifted the suppressions of false positives taken back');
    await stopApp();
  });
});
