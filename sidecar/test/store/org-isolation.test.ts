import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { orgKey } from '../../src/contract/salesforce-id.js';
import type { Verdict } from '../../src/contract/verdict.js';
import { createStoredDetector } from '../../src/detect/index.js';
import type { StoredEvent } from '../../src/ingest/stored-event.js';
import { advanceWatermark, lastFeedbackPoll, notePolled, readWatermark } from '../../src/feedback/watermark.js';
import { queueStatus } from '../../src/outbox/queue-status.js';
import { redriveDeadLetters } from '../../src/outbox/redrive.js';
import { claimEvents } from '../../src/pipeline/claim-events.js';
import { recordScoredEvents, recordScoringFailure } from '../../src/pipeline/record-outcomes.js';
import type { Store } from '../../src/store/store.js';
import { verdictRecords } from '../../src/verdicts/verdict-records.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import { dmlEvent } from '../api/envelopes.js';
import { fakeOrg } from '../api/fakes.js';
import { openTestStore, STORE_KINDS, type TestStore } from './test-stores.js';

// Two orgs whose ids differ only in letter case: their 15-character ids are distinct orgs.
const ORG_A = '00D5g000004Cx1aEAC';
const ORG_B = '00D5g000004CX1aEAG';
const SECRET_A = 'secret-of-org-a-0123456789';
const SECRET_B = 'secret-of-org-b-0123456789';
const SECRETS = new Map([
  [ORG_A.slice(0, 15), SECRET_A],
  [ORG_B.slice(0, 15), SECRET_B],
]);

const storedEventOf = (orgId: string, eventId: string): StoredEvent => ({
  orgId,
  event: {
    id: eventId,
    kind: 'dml',
    occurredAt: '2026-11-02T03:04:05.000Z',
    actor: { userId: '0055g00000AbCdEAAZ' },
    object: 'Contact',
    operation: 'delete',
    recordCount: 3,
    recordIds: ['0035g00000Qw1AaAAJ'],
  },
  findings: [],
  notes: [],
});

const verdictOf = (orgId: string, eventId: string): Verdict => ({
  eventId,
  orgId,
  severity: 'Medium',
  riskScore: 50,
  reasons: [{ code: 'mass_delete_pii', weight: 50, message: 'Deleted records holding personal data.' }],
  piiTypes: [],
  zScore: null,
});

/** Queues one verdict of `orgId` for `eventId` straight into the outbox. */
async function queueVerdict(store: Store, orgId: string, eventId: string): Promise<void> {
  const stored = storedEventOf(orgId, eventId);
  await store.transaction((tx) =>
    recordScoredEvents(tx, 'nobody', [{ eventId, orgId, receivedAt: new Date(), records: verdictRecords(stored, verdictOf(orgId, eventId), new Date()) }]),
  );
}

describe('the two test orgs', () => {
  it('are distinct orgs whose 15-character ids differ only in case, with valid 18-character forms', () => {
    expect(ORG_A.slice(0, 15).toLowerCase()).toBe(ORG_B.slice(0, 15).toLowerCase());
    expect(orgKey(ORG_A.slice(0, 15))).toBe(ORG_A);
    expect(orgKey(ORG_B.slice(0, 15))).toBe(ORG_B);
  });
});

describe.each(STORE_KINDS)('tenant isolation on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  let app: FastifyInstance | undefined;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    store = testStore.store;
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    for (const table of ['outbox', 'ingested_event', 'detect_suppression', 'detect_canary', 'feedback_watermark', 'detect_hourly']) {
      await store.query(`DELETE FROM ${table}`);
    }
  });
  afterAll(() => testStore.dispose());

  it('an event id one org already used is accepted, stored and scored for another org', async () => {
    const orgA = fakeOrg();
    const orgB = fakeOrg();
    ({ app } = await buildTestApp(store, {
      orgSecrets: SECRETS,
      orgClientFor: (orgId) => (orgKey(orgId) === ORG_A ? orgA.client : orgKey(orgId) === ORG_B ? orgB.client : undefined),
    }));
    const event = dmlEvent({ operation: 'export', recordCount: 50_000 });
    const post = (orgId: string, secret: string) =>
      app!.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${secret}` },
        payload: { schemaVersion: 1, orgId, batchId: randomUUID(), events: [event] },
      });

    expect((await post(ORG_A, SECRET_A)).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    expect((await post(ORG_B.slice(0, 15), SECRET_B)).json()).toMatchObject({ accepted: 1, duplicates: 0 });
    // A retry is still a duplicate, of its own org only.
    expect((await post(ORG_B, SECRET_B)).json()).toMatchObject({ accepted: 0, duplicates: 1 });

    await eventually(
      () => orgA.records('LeakVerdict__c').some((r) => r.EventId__c === event.id) && orgB.records('LeakVerdict__c').some((r) => r.EventId__c === event.id),
    );
    const rows = await store.query<{ org_id: string; state: string }>('SELECT org_id, state FROM ingested_event WHERE event_id = $1 ORDER BY org_id', [
      event.id,
    ]);
    expect(rows).toEqual(
      [
        { org_id: ORG_B, state: 'scored' },
        { org_id: ORG_A, state: 'scored' },
      ].sort((x, y) => (x.org_id < y.org_id ? -1 : 1)),
    );
    const outbox = () =>
      store.query<{ org_id: string; state: string }>("SELECT org_id, state FROM outbox WHERE external_id = $1 AND sobject = 'LeakVerdict__c' ORDER BY org_id", [
        event.id,
      ]);
    expect((await outbox()).map((r) => r.org_id).sort()).toEqual([ORG_A, ORG_B].sort());
    // The org has the record before the write-back step marks its row done.
    await eventually(async () => (await outbox()).every((r) => r.state === 'done'));
  });

  it('a scoring failure of one org’s event leaves the other org’s event with the same id alone', async () => {
    const eventId = randomUUID();
    for (const orgId of [ORG_A, ORG_B]) {
      await store.query(`INSERT INTO ingested_event (event_id, org_id, batch_id, kind, classified) VALUES ($1, $2, $3, 'dml', $4)`, [
        eventId,
        orgId,
        randomUUID(),
        JSON.stringify(storedEventOf(orgId, eventId)),
      ]);
    }
    const claimed = await claimEvents(store, 'replica-1', 10, 60_000);
    expect(claimed.map((c) => c.orgId).sort()).toEqual([ORG_A, ORG_B].sort());
    await recordScoringFailure(store, 'replica-1', ORG_A, eventId, 8, 8, 0, 'detector failed');
    const [ofB] = claimed.filter((c) => c.orgId === ORG_B);
    await store.transaction((tx) => recordScoredEvents(tx, 'replica-1', [{ eventId, orgId: ORG_B, receivedAt: ofB!.receivedAt, records: [] }]));
    const rows = await store.query<{ org_id: string; state: string }>('SELECT org_id, state FROM ingested_event WHERE event_id = $1', [eventId]);
    expect(Object.fromEntries(rows.map((r) => [r.org_id, r.state]))).toEqual({ [ORG_A]: 'failed', [ORG_B]: 'quiet' });
  });

  it('status and redrive see only the calling org’s dead letters, even for a shared event id', async () => {
    const eventId = randomUUID();
    await queueVerdict(store, ORG_A, eventId);
    await queueVerdict(store, ORG_B, eventId);
    await store.query("UPDATE outbox SET state = 'dead'");

    expect((await queueStatus(store, ORG_A)).deadLetters).toBe(1);
    expect((await queueStatus(store, ORG_B.slice(0, 15))).deadLetters).toBe(1);
    expect(await redriveDeadLetters(store, ORG_A.slice(0, 15), [eventId])).toBe(1);
    expect((await queueStatus(store, ORG_A)).deadLetters).toBe(0);
    expect((await queueStatus(store, ORG_B)).deadLetters).toBe(1);
    expect(await redriveDeadLetters(store, ORG_A)).toBe(0);
  });

  it('suppressions with the same id are kept per org, and lifting one leaves the other', async () => {
    const eventId = randomUUID();
    const stored = createStoredDetector(store);
    for (const orgId of [ORG_A, ORG_B]) {
      await stored.detector.suppress({ verdict: verdictOf(orgId, eventId), event: storedEventOf(orgId, eventId).event });
    }
    await stored.flushLearnt();
    const ids = async () =>
      (await store.query<{ org_id: string }>('SELECT org_id FROM detect_suppression WHERE id = $1', [`fp:${eventId}`])).map((r) => r.org_id).sort();
    expect(await ids()).toEqual([ORG_A, ORG_B].sort());

    expect(await stored.detector.lift(ORG_A, `fp:${eventId}`)).toBe(true);
    await stored.flushLearnt();
    expect(await ids()).toEqual([ORG_B]);

    // A fresh replica reads each org's own suppressions.
    const fresh = createStoredDetector(store);
    await fresh.detector.openOrg(ORG_A);
    await fresh.detector.openOrg(ORG_B);
    expect(fresh.detector.heldSuppressions(ORG_A)).toEqual([]);
    expect(fresh.detector.heldSuppressions(ORG_B).map((r) => r.id)).toEqual([`fp:${eventId}`]);
  });

  it('a canary registered in one org is not hit by the same record id in another', async () => {
    const stored = createStoredDetector(store);
    await stored.detector.registerCanary(ORG_A, { kind: 'record', recordId: '0035g00000Qw1AaAAJ', label: 'canary' });
    await stored.flush();
    const fresh = createStoredDetector(store);
    const codesFor = async (orgId: string) => {
      const verdict = await fresh.detector.score(storedEventOf(orgId, randomUUID()));
      return verdict?.reasons.map((r) => r.code) ?? [];
    };
    expect(await codesFor(ORG_A)).toContain('canary_touched');
    expect(await codesFor(ORG_B)).not.toContain('canary_touched');
    const rows = await store.query<{ org_id: string }>('SELECT org_id FROM detect_canary');
    expect(rows).toEqual([{ org_id: ORG_A }]);
  });

  it('feedback watermarks and polls are kept per org, whichever form of the id is given', async () => {
    const cursor = { lastModified: new Date('2026-11-30T10:00:00.000Z'), id: 'a045g0000000001AAA' };
    await advanceWatermark(store, ORG_A.slice(0, 15), 'replica-1', cursor);
    await notePolled(store, ORG_A, 'replica-1', new Date('2026-11-30T10:00:05.000Z'));
    expect(await readWatermark(store, ORG_A, 'replica-1')).toEqual(cursor);
    expect(await readWatermark(store, ORG_B, 'replica-1')).toBeUndefined();
    expect(await lastFeedbackPoll(store, ORG_A.slice(0, 15))).toBe('2026-11-30T10:00:05.000Z');
    expect(await lastFeedbackPoll(store, ORG_B)).toBeNull();
  });

  it("one org's record volumes never count toward another's baseline", async () => {
    const stored = createStoredDetector(store);
    await stored.detector.score(storedEventOf(ORG_A, randomUUID()));
    await stored.flush();
    const rows = await store.query<{ org_id: string }>('SELECT DISTINCT org_id FROM detect_hourly');
    expect(rows).toEqual([{ org_id: ORG_A }]);
  });
});
