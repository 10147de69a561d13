import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import type { LeakEvent } from '../../src/contract/event.js';
import type { ClassifiedEvent, Detector, Severity, Verdict } from '../../src/contract/verdict.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { correlate, DEFAULT_INCIDENT_SETTINGS, titleOf, type CorrelationInput } from '../../src/incidents/correlate.js';
import { incidentRecord, timelineOf } from '../../src/incidents/incident-record.js';
import { deadlinesFrom } from '../../src/notify/clocks.js';
import type { StoredEvent } from '../../src/ingest/stored-event.js';
import { createOrgClient } from '../../src/writeback/client.js';
import { AUTH, envelope, ORG_ID, ORG_SECRETS } from '../api/envelopes.js';
import { eventually } from '../api/build-test-app.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1aEAC';
const ALICE = '0055g00000AlIcEAAZ';
const BOB = '0055g00000BoBbbAAZ';
const APP = '0H45g000000ShSyCAK';
const HOUR = 3_600_000;
const T0 = Date.parse('2026-11-30T10:00:00Z');

let n = 0;
function input(
  at: number,
  actor: string,
  severity: Severity,
  extra: { codes?: string[]; app?: string; session?: string; object?: string; records?: number; piiTypes?: string[] } = {},
): CorrelationInput {
  n += 1;
  const event: LeakEvent = {
    id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
    kind: 'export',
    operation: 'query',
    occurredAt: new Date(at).toISOString(),
    actor: {
      userId: actor,
      username: `${actor.slice(10, 13).toLowerCase()}•••@•••.example`,
      ...(extra.app ? { connectedAppId: extra.app } : {}),
      ...(extra.session ? { sessionId: extra.session } : {}),
    },
    object: extra.object ?? 'Contact',
    recordCount: extra.records ?? 100,
  };
  const stored = { orgId: ORG, event, findings: [], notes: [] } as unknown as StoredEvent;
  const verdict: Verdict = {
    eventId: event.id,
    orgId: ORG,
    severity,
    riskScore: { Info: 10, Low: 25, Medium: 45, High: 70, Critical: 90 }[severity],
    reasons: (extra.codes ?? ['volume_anomaly']).map((code) => ({ code, weight: 40, message: `${code} by the actor.` })),
    piiTypes: (extra.piiTypes ?? []) as Verdict['piiTypes'],
    zScore: null,
  };
  return { orgId: ORG, stored, verdict, detectedAt: new Date(at + 1_000) };
}

let keys = 0;
const newKey = () => `10000000-0000-4000-8000-${String((keys += 1)).padStart(12, '0')}`;

describe('correlating verdicts into incidents', () => {
  it('one actor within the window is one incident; another actor, or the same much later, another', () => {
    const first = correlate(
      [],
      [input(T0, ALICE, 'High'), input(T0 + HOUR, ALICE, 'Critical'), input(T0 + 2 * HOUR, BOB, 'High')],
      DEFAULT_INCIDENT_SETTINGS,
      newKey,
    );
    expect(first.changed).toHaveLength(2);
    const alice = first.changed.find((s) => s.actors.includes(ALICE))!;
    expect(alice).toMatchObject({ revision: 1, verdictCount: 2, severity: 'Critical', estimatedRecords: 200, estimatedSubjects: 200 });
    // A later batch: Alice again within 24 h joins (revision 2); Alice two days on opens another.
    const second = correlate(first.changed, [input(T0 + 20 * HOUR, ALICE, 'High'), input(T0 + 72 * HOUR, ALICE, 'High')], DEFAULT_INCIDENT_SETTINGS, newKey);
    const joined = second.changed.find((s) => s.key === alice.key)!;
    expect(joined).toMatchObject({ revision: 2, verdictCount: 3 });
    expect(second.changed.filter((s) => s.key !== alice.key)).toEqual([expect.objectContaining({ revision: 1, verdictCount: 1 })]);
  });

  it('joins by connected app or session too, and ignores verdicts below the threshold unless they touch a canary', () => {
    const result = correlate(
      [],
      [
        input(T0, ALICE, 'High', { app: APP }),
        input(T0 + 10 * 60_000, BOB, 'High', { app: APP }),
        input(T0 + 20 * 60_000, BOB, 'Medium'),
        input(T0 + 30 * 60_000, '0055g00000CaRoLAAZ', 'Low', { codes: ['canary_touched'] }),
      ],
      DEFAULT_INCIDENT_SETTINGS,
      newKey,
    );
    expect(result.changed).toHaveLength(2);
    const byApp = result.changed.find((s) => s.apps.includes(APP))!;
    expect(byApp.actors.sort()).toEqual([ALICE, BOB].sort());
    expect(result.membership.size).toBe(3);
    const canary = result.changed.find((s) => s.canary)!;
    expect(canary.title).toMatch(/^Canary records read/);
    expect(canary.severity).toBe('Low');
  });

  it('names data categories from findings and query shapes, and never a raw value in the record', () => {
    const withQuery = input(T0, ALICE, 'Critical', { piiTypes: ['EMAIL_ADDRESS'] });
    withQuery.stored.event.details = { query: { parsed: true, piiTypes: ['PHONE_NUMBER', 'PERSON'] }, piiColumns: ['Birthdate (DATE_OF_BIRTH)'] };
    const [state] = correlate([], [withQuery], DEFAULT_INCIDENT_SETTINGS, newKey).changed;
    expect(state!.dataCategories).toEqual(['DATE_OF_BIRTH', 'EMAIL_ADDRESS', 'PERSON', 'PHONE_NUMBER']);
    const record = incidentRecord(state!);
    expect(record).toMatchObject({ sobject: 'Incident__c', externalIdField: 'IncidentKey__c', externalId: `${state!.key}#1` });
    expect(record.fields).toMatchObject({
      IncidentKey__c: state!.key,
      Severity__c: 'Critical',
      DataCategories__c: 'DATE_OF_BIRTH;EMAIL_ADDRESS;PERSON;PHONE_NUMBER',
    });
    expect(record.parentExternalId).toBeUndefined();
    // The clocks count from detection, as the notifications' deadlines do.
    const detected = Date.parse(state!.openedAt);
    expect(record.fields).toMatchObject({
      Revision__c: 1,
      AwarenessAt__c: state!.openedAt,
      AwarenessBasis__c: 'Detection',
      GdprNotifyBy__c: new Date(detected + 72 * HOUR).toISOString(),
      Nis2EarlyWarningBy__c: new Date(detected + 24 * HOUR).toISOString(),
      Nis2NotificationBy__c: new Date(detected + 72 * HOUR).toISOString(),
      Nis2FinalReportBy__c: deadlinesFrom(state!.openedAt).nis2FinalReportBy,
    });
    // What a person records is never sent, so a revision cannot erase it.
    for (const field of [
      'Status__c',
      'ConfirmedAt__c',
      'EarlyWarningSentAt__c',
      'AuthorityNotifiedAt__c',
      'Nis2NotificationSentAt__c',
      'FinalReportSentAt__c',
      'Milestones__c',
    ]) {
      expect(record.fields).not.toHaveProperty(field);
    }
    const timeline = timelineOf(state!);
    expect(timeline.map((t) => t.who)).toContain('Leakwatch');
    expect(titleOf(state!).length).toBeLessThanOrEqual(80);
    // A second revision waits for the first.
    const [again] = correlate([state!], [input(T0 + HOUR, ALICE, 'High')], DEFAULT_INCIDENT_SETTINGS, newKey).changed;
    expect(incidentRecord(again!)).toMatchObject({ externalId: `${state!.key}#2`, parentSobject: 'Incident__c', parentExternalId: `${state!.key}#1` });
    expect(incidentRecord(again!).fields['Revision__c']).toBe(2);
  });

  it('counts the deadlines from a DPO confirmation when awareness was read back from the org', () => {
    const [state] = correlate([], [input(T0, ALICE, 'High')], DEFAULT_INCIDENT_SETTINGS, newKey).changed;
    const confirmedAt = new Date(T0 + 5 * HOUR).toISOString();
    const record = incidentRecord({ ...state!, awarenessAt: confirmedAt, awarenessBasis: 'confirmation' });
    expect(record.fields).toMatchObject({
      AwarenessAt__c: confirmedAt,
      AwarenessBasis__c: 'DPO confirmation',
      Nis2EarlyWarningBy__c: new Date(T0 + 29 * HOUR).toISOString(),
      GdprNotifyBy__c: new Date(T0 + 77 * HOUR).toISOString(),
      // One calendar month after the notification deadline: 2026-12-03T15:00Z → 2027-01-03T15:00Z.
      Nis2FinalReportBy__c: '2027-01-03T15:00:00.000Z',
    });
    expect(incidentRecord({ ...state!, awarenessAt: state!.openedAt, awarenessBasis: 'detection' }).fields['AwarenessBasis__c']).toBe('Detection');
  });
});

/** Scores events by `details.severity`; no verdict for `Info`. */
const bySeverity = (): Detector => ({
  async score(c: ClassifiedEvent): Promise<Verdict | null> {
    const severity = (c.event.details?.['severity'] as Severity | undefined) ?? 'Info';
    if (severity === 'Info') return null;
    return {
      eventId: c.event.id,
      orgId: c.orgId,
      severity,
      riskScore: 70,
      reasons: [{ code: 'volume_anomaly', weight: 70, message: 'Unusual volume.' }],
      piiTypes: [],
      zScore: null,
    };
  },
});

const event = (actor: string, severity: Severity, minutes: number) => ({
  id: crypto.randomUUID(),
  kind: 'export',
  operation: 'export',
  occurredAt: new Date(T0 + minutes * 60_000).toISOString(),
  actor: { userId: actor, username: 'ops@acme-shop.example' },
  object: 'Contact',
  recordCount: 500,
  details: { severity },
});

describe.each(STORE_KINDS)('incidents written into the org on %s', (kind) => {
  let testStore: TestStore;
  let emulator: OrgEmulator;
  let app: FastifyInstance;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
  });
  afterAll(async () => testStore.dispose());
  beforeEach(async () => {
    for (const table of ['outbox', 'incident_member', 'incident', 'ingested_event']) await testStore.store.query(`DELETE FROM ${table}`);
    emulator = await startOrgEmulator({ orgId: ORG, pubsub: false });
    const client = createOrgClient({
      loginUrl: emulator.url,
      clientId: emulator.connectedApp.clientId,
      username: emulator.identity.username,
      privateKey: emulator.connectedApp.privateKey,
    });
    app = await buildApp({
      store: testStore.store,
      classifier: createClassifier({ salt: 'incident-test-salt-01' }),
      detector: bySeverity(),
      orgClientFor: () => client,
      orgSecrets: ORG_SECRETS,
      pollMs: 20,
      retryPolicy: { maxAttempts: 5, baseDelayMs: 10, maxDelayMs: 40 },
      incidents: DEFAULT_INCIDENT_SETTINGS,
      logger: false,
    });
    await app.ready();
  });
  afterEach(async () => {
    await app.close();
    await emulator.close();
  });

  const post = async (events: unknown[]) => {
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...AUTH },
      payload: JSON.stringify(envelope(events)),
    });
    expect(res.statusCode).toBe(202);
  };
  const drained = async () =>
    Number((await testStore.store.query<{ n: number | string }>("SELECT count(*) AS n FROM outbox WHERE state <> 'done'"))[0]?.n) === 0;

  it('opens one incident per actor, updates it with later verdicts, and links every verdict to it', async () => {
    const aliceFirst = [event(ALICE, 'High', 0), event(ALICE, 'Critical', 5), event(ALICE, 'Medium', 6)];
    await post([...aliceFirst, event(BOB, 'High', 7), event(BOB, 'Info', 8)]);
    await eventually(async () => emulator.records('LeakVerdict__c').length === 4 && (await drained()));
    // A later verdict of Alice's: the open incident is updated, not another opened.
    const later = event(ALICE, 'High', 120);
    await post([later]);
    await eventually(async () => emulator.records('LeakVerdict__c').length === 5 && (await drained()));

    const incidents = emulator.records('Incident__c');
    expect(incidents).toHaveLength(2);
    const alice = incidents.find((i) => String(i.Severity__c) === 'Critical')!;
    expect(alice.Status__c).toBe('Triage');
    // The last revision is what the org holds: Alice's three High and Critical verdicts (her Medium
    // one is below the threshold and joins nothing).
    expect(String(alice.Summary__c)).toMatch(/^3 verdicts/);
    expect(JSON.parse(String(alice.Timeline__c))).toHaveLength(4);
    // The org emulator validates against the package: the clock fields exist and hold the revision's deadlines.
    expect(alice.Revision__c).toBe(2);
    expect(alice.AwarenessBasis__c).toBe('Detection');
    expect(Date.parse(String(alice.Nis2EarlyWarningBy__c)) - Date.parse(String(alice.AwarenessAt__c))).toBe(24 * HOUR);
    expect(Date.parse(String(alice.GdprNotifyBy__c)) - Date.parse(String(alice.DetectedAt__c))).toBe(72 * HOUR);
    expect(alice.Nis2FinalReportBy__c).toBeTruthy();
    const verdicts = emulator.records('LeakVerdict__c');
    const byIncident = new Map<string, number>();
    for (const v of verdicts) byIncident.set(String(v.Incident__c ?? 'none'), (byIncident.get(String(v.Incident__c ?? 'none')) ?? 0) + 1);
    expect(byIncident.get(String(alice.Id))).toBe(3);
    expect(byIncident.get('none')).toBe(1);
    expect(verdicts.find((v) => v.EventId__c === aliceFirst[2]!.id)?.Incident__c ?? null).toBeNull();
    const rows = await testStore.store.query<{ revision: number }>('SELECT revision FROM incident WHERE org_id = $1 ORDER BY revision', [ORG]);
    expect(rows.map((r) => Number(r.revision))).toEqual([1, 2]);
  });

  it('a verdict below the threshold opens nothing and is written without an incident', async () => {
    await post([event(ALICE, 'Medium', 0), event(BOB, 'Low', 1)]);
    await eventually(async () => emulator.records('LeakVerdict__c').length === 2 && (await drained()));
    expect(emulator.records('Incident__c')).toEqual([]);
    expect(emulator.records('LeakVerdict__c').every((v) => !v.Incident__c)).toBe(true);
  });
});

void ORG_ID;
