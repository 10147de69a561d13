import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { orgKey } from '../../src/contract/salesforce-id.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { readEvidence } from '../../src/evidence/log.js';
import { verifyChain } from '../../src/evidence/chain.js';
import { clockStatus } from '../../src/incidents/clocks-status.js';
import { DEFAULT_INCIDENT_SETTINGS, type IncidentState } from '../../src/incidents/correlate.js';
import { orgFactsOf, readBackOrg, readbackSoql } from '../../src/incidents/org-readback.js';
import type { NotificationTarget } from '../../src/notify/notification.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { incidentState, insertIncident } from './incident-state.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const ORG = orgKey('00D5g000004Cx1a');
const DPO_USER = '0055g00000DpOaaAAA';
const REVIEWER = '0055g00000ReViEAAA';
const KEY = 'a3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const EVENT = '00000000-0000-4000-8000-000000000101';
/** Detected at 08:00 on 2 March; the DPO confirms at 14:00, records the early warning at 20:00. */
const DETECTED = '2026-03-02T08:00:00.000Z';
const CONFIRMED = '2026-03-02T14:00:00.000Z';
const WARNED = '2026-03-02T20:00:00.000Z';
const MINUTE_AGO = () => new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();

function incident(overrides: Partial<IncidentState> = {}): IncidentState {
  return incidentState({
    key: KEY,
    orgId: ORG,
    openedAt: DETECTED,
    verdicts: [
      {
        eventId: EVENT,
        severity: 'High',
        riskScore: 80,
        codes: ['volume_anomaly'],
        occurredAt: '2026-03-02T07:41:00.000Z',
        detectedAt: DETECTED,
        summary: 'Unusual volume.',
        actorId: '0055g00000AlIcEAAZ',
        actorName: 's•••@•••.example',
      },
    ],
    ...overrides,
  });
}

/** The milestone log `IncidentController.recordMilestone` appends: the DPO's name is in it, and must not leave the org. */
const milestoneLog = (entries: Array<[string, string]>) =>
  JSON.stringify(entries.map(([milestone, at]) => ({ milestone, at, who: 'Jana Berg', userId: DPO_USER })));

describe('reading back what people decided in the org', () => {
  it('takes each milestone from its field, who from the log, and never the name', () => {
    const facts = orgFactsOf({
      Id: 'a025g00000IncAAAAA',
      LastModifiedDate: '2026-03-02T20:00:01.000+0000',
      LastModifiedById: REVIEWER,
      Status__c: 'Confirmed',
      ConfirmedAt__c: '2026-03-02T14:00:00.000+0000',
      EarlyWarningSentAt__c: '2026-03-02T20:00:00.000+0000',
      Milestones__c: milestoneLog([
        ['confirm', CONFIRMED],
        ['contain', '2026-03-02T21:00:00.000Z'],
      ]),
    });
    expect(facts).toEqual({
      status: 'Confirmed',
      milestones: {
        confirm: { at: CONFIRMED, userId: DPO_USER },
        earlyWarning: { at: WARNED, userId: REVIEWER },
        contain: { at: '2026-03-02T21:00:00.000Z', userId: DPO_USER },
      },
    });
    expect(JSON.stringify(facts)).not.toContain('Jana');
    expect(orgFactsOf({ Id: 'a025g00000IncAAAAA', LastModifiedDate: '2026-03-02T20:00:01.000+0000', Milestones__c: '{not json' })).toEqual({ milestones: {} });
  });

  it('pages by LastModifiedDate and Id, so a second with many changes is neither skipped nor repeated', () => {
    const soql = readbackSoql(
      { name: 'LeakVerdict__c', fields: ['EventId__c', 'Status__c'], where: "Status__c != 'New'" },
      { lastModified: new Date('2026-03-02T20:00:01.000Z'), id: 'a015g00000VerAAAAA' },
      new Date('2026-03-02T21:00:00.000Z'),
      200,
    );
    expect(soql).toBe(
      "SELECT Id, LastModifiedDate, EventId__c, Status__c FROM LeakVerdict__c WHERE LastModifiedDate < 2026-03-02T21:00:00Z AND (LastModifiedDate > 2026-03-02T20:00:01Z OR (LastModifiedDate = 2026-03-02T20:00:01Z AND Id > 'a015g00000VerAAAAA')) AND Status__c != 'New' ORDER BY LastModifiedDate, Id LIMIT 200",
    );
    expect(() => readbackSoql({ name: 'LeakVerdict__c', fields: [] }, { lastModified: new Date(), id: "x' OR Id != '" }, new Date(), 1)).toThrow(TypeError);
  });

  describe.each(STORE_KINDS)('against the org emulator, on %s', (kind) => {
    let test: TestStore;
    let org: OrgEmulator;
    let client: OrgClient;
    const delivered: string[] = [];
    const target: NotificationTarget = {
      kind: 'webhook',
      name: 'soc',
      async deliver(_n, key) {
        delivered.push(key);
        return { ok: true, remoteId: key, created: true };
      },
    };
    const readBack = (awareness: 'detection' | 'confirmation') =>
      readBackOrg(
        {
          store: test.store,
          clientFor: (orgId) => (orgId === ORG ? client : undefined),
          incidents: { ...DEFAULT_INCIDENT_SETTINGS, awareness },
          notifyTargets: [{ target, orgs: [], minSeverity: 'High' }],
          settleMs: 0,
        },
        ORG,
      );
    const stateOf = async () =>
      (await test.store.query<{ state: IncidentState; revision: number }>('SELECT state, revision FROM incident WHERE incident_key = $1::uuid', [KEY]))[0];

    beforeAll(async () => {
      test = await openTestStore(kind);
      org = await startOrgEmulator({ orgId: ORG });
      client = createOrgClient({
        loginUrl: org.url,
        clientId: org.connectedApp.clientId,
        username: org.identity.username,
        privateKey: org.connectedApp.privateKey,
      });
    });
    afterAll(async () => {
      await test.dispose();
      await org.close();
    });
    beforeEach(async () => {
      for (const table of ['incident', 'org_decision', 'org_readback', 'evidence_entry', 'outbox', 'notification'])
        await test.store.query(`DELETE FROM ${table}`);
      for (const object of ['Incident__c', 'LeakVerdict__c', 'PermissionReview__c'])
        await fetch(`${org.url}/__emulator/records/${object}`, { method: 'DELETE' });
      delivered.length = 0;
      await insertIncident(test.store, incident());
    });

    it('records each milestone, review and permission decision once in the evidence log, with who and when', async () => {
      org.seed('Incident__c', [
        {
          Name: 'Unusual volume',
          IncidentKey__c: KEY,
          Status__c: 'Confirmed',
          ConfirmedAt__c: CONFIRMED,
          EarlyWarningSentAt__c: WARNED,
          Milestones__c: milestoneLog([
            ['confirm', CONFIRMED],
            ['earlyWarning', WARNED],
          ]),
          LastModifiedDate: MINUTE_AGO(),
          LastModifiedById: DPO_USER,
        },
      ]);
      const [verdictId] = org.seed('LeakVerdict__c', [
        { EventId__c: EVENT, Status__c: 'Escalated', LastModifiedDate: MINUTE_AGO(), LastModifiedById: REVIEWER },
      ]);
      org.seed('LeakVerdict__c', [{ EventId__c: '00000000-0000-4000-8000-000000000102', Status__c: 'New', LastModifiedDate: MINUTE_AGO() }]);
      const [reviewId] = org.seed('PermissionReview__c', [
        {
          ReviewKey__c: 'r-1',
          AssignmentId__c: '0Pa5g00000AsSiGAAA',
          Status__c: 'Rejected',
          DecidedAt__c: '2026-03-02T16:00:00.000Z',
          DecidedBy__c: REVIEWER,
          LastModifiedDate: MINUTE_AGO(),
        },
      ]);

      expect(await readBack('detection')).toEqual({ decisions: 4, revised: 0 });
      expect(await readBack('detection')).toEqual({ decisions: 0, revised: 0 });

      const entries = await readEvidence(test.store, ORG);
      expect(verifyChain(entries).ok).toBe(true);
      expect(entries.map((e) => [e.kind, e.subject, e.data])).toEqual([
        ['milestone', `${KEY}:milestone:confirm`, { milestone: 'confirm', recordId: expect.any(String), userId: DPO_USER }],
        ['milestone', `${KEY}:milestone:earlyWarning`, { milestone: 'earlyWarning', recordId: expect.any(String), userId: DPO_USER }],
        ['review-decision', EVENT, { object: 'LeakVerdict__c', recordId: verdictId, status: 'Escalated', userId: REVIEWER }],
        [
          'review-decision',
          `PermissionReview__c:${reviewId}`,
          { object: 'PermissionReview__c', recordId: reviewId, status: 'Rejected', assignmentId: '0Pa5g00000AsSiGAAA', userId: REVIEWER },
        ],
      ]);
      expect(entries.map((e) => e.at)).toContain(CONFIRMED);
      expect(JSON.stringify(entries)).not.toContain('Jana');

      // A status taken back and given again is a decision each time; the same status saved again is not.
      org.seed('LeakVerdict__c', [{ Id: verdictId, Status__c: 'Escalated', LastModifiedDate: new Date(Date.parse(MINUTE_AGO()) + 10_000).toISOString() }]);
      expect((await readBack('detection')).decisions).toBe(0);
      org.seed('LeakVerdict__c', [{ Id: verdictId, Status__c: 'Resolved', LastModifiedDate: new Date(Date.parse(MINUTE_AGO()) + 20_000).toISOString() }]);
      expect((await readBack('detection')).decisions).toBe(1);
    });

    it('stops the clocks at the milestones, and starts them at the confirmation where awareness waits for it', async () => {
      org.seed('Incident__c', [
        {
          Name: 'Unusual volume',
          IncidentKey__c: KEY,
          Status__c: 'Confirmed',
          ConfirmedAt__c: CONFIRMED,
          EarlyWarningSentAt__c: WARNED,
          Milestones__c: milestoneLog([
            ['confirm', CONFIRMED],
            ['earlyWarning', WARNED],
          ]),
          LastModifiedDate: MINUTE_AGO(),
        },
      ]);
      // PGlite runs the incident opened under awareness by confirmation, PostgreSQL the default.
      const awareness = kind === 'pglite' ? 'confirmation' : 'detection';
      if (awareness === 'confirmation')
        await test.store.query('UPDATE incident SET state = $1::jsonb', [JSON.stringify(incident({ awarenessBasis: 'confirmation' }))]);
      const result = await readBack(awareness);
      const row = await stateOf();
      expect(row?.state.org?.milestones.earlyWarning).toEqual({ at: WARNED, userId: DPO_USER });
      expect(row?.state.org?.status).toBe('Confirmed');
      const clocks = clockStatus(row!.state, new Date('2026-03-03T12:00:00.000Z'));
      if (awareness === 'confirmation') {
        // Aware from the confirmation: a new revision, written back and notified, with deadlines from 14:00.
        expect(result.revised).toBe(1);
        expect(row?.revision).toBe(2);
        expect(row?.state.awarenessAt).toBe(CONFIRMED);
        expect(clocks?.gdpr72h.dueAt).toBe('2026-03-05T14:00:00.000Z');
        expect(clocks?.nis2EarlyWarning24h).toMatchObject({ state: 'met', metAt: WARNED });
        const queued = await test.store.query<{ external_id: string; record: Record<string, unknown> }>(
          "SELECT external_id, record FROM outbox WHERE sobject = 'Incident__c'",
        );
        expect(queued.map((q) => q.external_id)).toEqual([`${KEY}#2`]);
        expect(queued[0]?.record).toMatchObject({ AwarenessAt__c: CONFIRMED, GdprNotifyBy__c: '2026-03-05T14:00:00.000Z' });
        expect(queued[0]?.record).not.toHaveProperty('ConfirmedAt__c');
        const notified = await test.store.query<{ idempotency_key: string }>('SELECT idempotency_key FROM notification');
        expect(notified.map((n) => n.idempotency_key)).toEqual([`${KEY}:2:soc`]);
        expect((await readBack(awareness)).revised).toBe(0);
      } else {
        // Aware from detection: the confirmation changes no deadline, and nothing is written back.
        expect(result.revised).toBe(0);
        expect(row?.revision).toBe(1);
        expect(clocks?.gdpr72h.dueAt).toBe('2026-03-05T08:00:00.000Z');
        expect(clocks?.nis2EarlyWarning24h).toMatchObject({ state: 'met' });
        expect(await test.store.query('SELECT 1 FROM outbox')).toEqual([]);
      }
    });

    it('reads nothing for an org without a connection, and leaves incidents of other keys alone', async () => {
      expect(await readBackOrg({ store: test.store, clientFor: () => undefined, incidents: DEFAULT_INCIDENT_SETTINGS }, ORG)).toEqual({
        decisions: 0,
        revised: 0,
      });
      org.seed('Incident__c', [
        { Name: 'By hand', IncidentKey__c: 'b3c1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b', ConfirmedAt__c: CONFIRMED, LastModifiedDate: MINUTE_AGO() },
      ]);
      expect(await readBack('confirmation')).toEqual({ decisions: 1, revised: 0 });
      expect((await stateOf())?.state.org).toBeUndefined();
    });
  });
});
