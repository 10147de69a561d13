import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import type { IncidentNotification } from '../../src/notify/notification.js';
import { alertFields, createOrgTarget, type OrgTargetClient } from '../../src/notify/org-target.js';
import { createOrgClient, OrgRequestError, type OrgClient } from '../../src/writeback/index.js';

const ORG_ID = '00D5g000004Cx1aEAC';
const INCIDENT_KEY = '7a2b3c4d-0000-4000-8000-00000000beef';
const keyOf = (revision: number) => `${INCIDENT_KEY}:${revision}:org-alerts`;
/** A raw value the incident came from; only its masked form may reach the org. */
const RAW = 'jane.doe@example.com';

const notification = (overrides: Partial<IncidentNotification> = {}): IncidentNotification => ({
  orgId: ORG_ID,
  incidentKey: INCIDENT_KEY,
  revision: 1,
  title: 'Contacts exported by an integration user from a new network',
  severity: 'Critical',
  status: 'Triage',
  detectedAt: '2026-03-02T09:15:00.000Z',
  awarenessAt: '2026-03-02T09:15:00.000Z',
  deadlines: { gdprAuthorityBy: '2026-03-05T09:15:00.000Z', nis2EarlyWarningBy: '2026-03-03T09:15:00.000Z' },
  dataCategories: ['EMAIL_ADDRESS', 'PHONE_NUMBER'],
  estimatedRecords: 1200,
  estimatedSubjects: 1150,
  systems: ['Contact'],
  actors: ['s•••@•••.example'],
  summary: 'An integration user exported 1,200 contacts from a network never seen before.',
  verdicts: [{ eventId: 'evt-1', severity: 'Critical', riskScore: 93, reasons: ['bulk export'], occurredAt: '2026-03-02T09:10:00.000Z' }],
  maskedSamples: ['j•••@•••.com'],
  ...overrides,
});

describe('org notification target (Case and LeakAlert__e) against the org emulator of a subscriber org', () => {
  let org: OrgEmulator;
  let client: OrgClient;
  const target = (clientFor: (orgId: string) => OrgTargetClient | undefined = (orgId) => (orgId === ORG_ID ? client : undefined)) =>
    createOrgTarget({ name: 'org-alerts', clientFor });
  const cases = () => org.records('Case').filter((record) => record['leakwatch__IncidentKey__c'] === INCIDENT_KEY);
  const alerts = () => org.published('leakwatch__LeakAlert__e');

  beforeAll(async () => {
    org = await startOrgEmulator({ namespace: 'leakwatch', pubsub: false, orgId: ORG_ID });
    client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
      namespace: 'leakwatch',
    });
  });
  afterAll(() => org.close());

  it('opens one Case and publishes one alert for the first revision', async () => {
    const result = await target().deliver(notification(), keyOf(1));
    const [opened] = cases();
    expect(cases()).toHaveLength(1);
    expect(result).toEqual({ ok: true, remoteId: opened!.Id, created: true });
    expect(opened).toMatchObject({ Subject: '[Leakwatch Critical] Contacts exported by an integration user from a new network', Priority: 'High' });
    // Status is left to the org's default case status.
    expect(opened!.Status ?? null).toBeNull();
    expect(String(opened!.Description)).toContain(`Leakwatch incident ${INCIDENT_KEY} (org ${ORG_ID}), revision 1`);
    const [alert] = alerts();
    expect(alerts()).toHaveLength(1);
    expect(alert).toMatchObject({
      leakwatch__IncidentKey__c: INCIDENT_KEY,
      leakwatch__Revision__c: 1,
      leakwatch__Kind__c: 'revision',
      leakwatch__Severity__c: 'Critical',
      leakwatch__IdempotencyKey__c: keyOf(1),
      leakwatch__CaseId__c: opened!.Id,
      leakwatch__DataCategories__c: 'EMAIL_ADDRESS;PHONE_NUMBER',
      leakwatch__EstimatedRecords__c: 1200,
      leakwatch__GdprNotifyBy__c: '2026-03-05T09:15:00.000+0000',
      leakwatch__Drill__c: false,
    });
    expect(typeof alert!.EventUuid).toBe('string');
    expect(JSON.stringify([cases(), alerts()])).not.toContain(RAW);
  });

  it('updates the same Case for a later revision, and publishes its alert', async () => {
    const [opened] = cases();
    const result = await target().deliver(notification({ revision: 2, severity: 'High', estimatedRecords: 2400 }), keyOf(2));
    expect(result).toEqual({ ok: true, remoteId: opened!.Id, created: false });
    expect(cases()).toHaveLength(1);
    expect(cases()[0]).toMatchObject({ Id: opened!.Id, Subject: '[Leakwatch High] Contacts exported by an integration user from a new network' });
    expect(String(cases()[0]!.Description)).toContain('revision 2');
    expect(alerts().map((alert) => alert['leakwatch__IdempotencyKey__c'])).toEqual([keyOf(1), keyOf(2)]);
  });

  it('makes no second Case on a retry: the alert repeats with the same key for subscribers to drop', async () => {
    const result = await target().deliver(notification({ revision: 2, severity: 'High' }), keyOf(2));
    expect(result).toMatchObject({ ok: true, created: false });
    expect(cases()).toHaveLength(1);
    expect(alerts().filter((alert) => alert['leakwatch__IdempotencyKey__c'] === keyOf(2))).toHaveLength(2);
  });

  it('labels a drill and a reminder, with its clock, state and deadline', async () => {
    const reminder = { clock: 'nis2EarlyWarning24h', state: 'past50', dueAt: '2026-03-03T09:15:00.000Z' } as const;
    await target().deliver(notification({ revision: 2, severity: 'High', drill: true, kind: 'reminder', reminder }), `${keyOf(2)}:nis2EarlyWarning24h:past50`);
    expect(cases()[0]!.Subject).toBe('[Leakwatch High] Drill: Contacts exported by an integration user from a new network');
    expect(String(cases()[0]!.Description)).toContain('DRILL: synthetic canary data only');
    expect(alerts().at(-1)).toMatchObject({
      leakwatch__Kind__c: 'reminder',
      leakwatch__Drill__c: true,
      leakwatch__Title__c: 'Drill: Reminder: Contacts exported by an integration user from a new network',
      leakwatch__ReminderClock__c: 'nis2EarlyWarning24h',
      leakwatch__ReminderState__c: 'past50',
      leakwatch__ReminderDueAt__c: '2026-03-03T09:15:00.000+0000',
    });
  });

  it('dead-letters a field the org does not have, before publishing anything', async () => {
    const before = alerts().length;
    const withStrayField: OrgTargetClient = {
      upsertOne: (sobject, field, value, record) => client.upsertOne(sobject, field, value, { ...record, Severity__c: 'High' }),
      publishEvent: (event, fields) => client.publishEvent(event, fields),
    };
    const result = await target(() => withStrayField).deliver(notification({ revision: 3 }), keyOf(3));
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(result.ok === false && result.error).toMatch(/^upserting the Case: INVALID_FIELD/);
    expect(alerts()).toHaveLength(before);
  });

  it('dead-letters an alert the integration user may not publish, and retries an org that is down', async () => {
    const denied: OrgTargetClient = {
      upsertOne: (...args) => client.upsertOne(...args),
      publishEvent: () => Promise.reject(new OrgRequestError('INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id', false)),
    };
    expect(await target(() => denied).deliver(notification({ revision: 3 }), keyOf(3))).toMatchObject({
      ok: false,
      retryable: false,
      error: 'publishing LeakAlert__e: INSUFFICIENT_ACCESS_OR_READONLY: insufficient access rights on object id',
    });
    org.setFaults({ unavailable: 1 });
    expect(await target().deliver(notification({ revision: 3 }), keyOf(3))).toMatchObject({ ok: false, retryable: true });
    expect(await target().deliver(notification({ revision: 3 }), keyOf(3))).toMatchObject({ ok: true, created: false });
    expect(cases()).toHaveLength(1);
  });

  it('dead-letters an org without a connection', async () => {
    expect(await target().deliver(notification({ orgId: '00D5g000009ZZZZEAA' }), keyOf(1))).toMatchObject({ ok: false, retryable: false });
  });

  it('leaves optional alert fields out rather than sending nulls', () => {
    const fields = alertFields(notification({ estimatedSubjects: undefined, deadlines: {}, dataCategories: [] }), keyOf(1), undefined);
    expect(Object.keys(fields)).not.toEqual(expect.arrayContaining(['EstimatedSubjects__c', 'GdprNotifyBy__c', 'DataCategories__c', 'CaseId__c']));
  });
});

describe('the org emulator and platform events', () => {
  let org: OrgEmulator;
  let token: string;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${org.url}/services/data/v62.0${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers },
    });

  beforeAll(async () => {
    org = await startOrgEmulator({ pubsub: false });
    const client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
    token = (await client.session()).accessToken;
  });
  afterAll(() => org.close());

  it('publishes with the documented reply and keeps the message for GET /__emulator/published/:event', async () => {
    const response = await api('/sobjects/LeakAlert__e', {
      method: 'POST',
      body: JSON.stringify({ IncidentKey__c: INCIDENT_KEY, IdempotencyKey__c: keyOf(1), Revision__c: 1 }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { id: string; success: boolean; errors: Array<{ statusCode: string; message: string }> };
    expect(body).toMatchObject({ success: true, errors: [{ statusCode: 'OPERATION_ENQUEUED' }] });
    expect(body.id).toMatch(/^e00/);
    const published = (await (await fetch(`${org.url}/__emulator/published/LeakAlert__e`)).json()) as Array<Record<string, unknown>>;
    expect(published).toEqual([expect.objectContaining({ IncidentKey__c: INCIDENT_KEY, EventUuid: body.errors[0]!.message, Drill__c: false })]);
  });

  it('refuses an unknown event field, a missing required one, and SOQL on an event', async () => {
    const unknown = await api('/sobjects/LeakAlert__e', {
      method: 'POST',
      body: JSON.stringify({ IncidentKey__c: INCIDENT_KEY, IdempotencyKey__c: 'k', Nope__c: 1 }),
    });
    expect([unknown.status, ((await unknown.json()) as Array<{ errorCode: string }>)[0]!.errorCode]).toEqual([400, 'INVALID_FIELD']);
    const missing = await api('/sobjects/LeakAlert__e', { method: 'POST', body: JSON.stringify({ IncidentKey__c: INCIDENT_KEY }) });
    expect([missing.status, ((await missing.json()) as Array<{ errorCode: string }>)[0]!.errorCode]).toEqual([400, 'REQUIRED_FIELD_MISSING']);
    const query = await api(`/query?q=${encodeURIComponent('SELECT IncidentKey__c FROM LeakAlert__e')}`);
    expect([query.status, ((await query.json()) as Array<{ errorCode: string }>)[0]!.errorCode]).toEqual([400, 'INVALID_TYPE_FOR_OPERATION']);
  });

  it('upserts a Case by the package field with 201 then 200, and refuses what the Case object does not have', async () => {
    const upsert = (body: Record<string, unknown>, field = 'IncidentKey__c') =>
      api(`/sobjects/Case/${field}/${INCIDENT_KEY}`, { method: 'PATCH', body: JSON.stringify(body) });
    const created = await upsert({ Subject: 'First' });
    expect([created.status, ((await created.json()) as { created: boolean }).created]).toEqual([201, true]);
    const updated = await upsert({ Subject: 'Second' });
    expect([updated.status, ((await updated.json()) as { created: boolean }).created]).toEqual([200, false]);
    expect(org.records('Case')).toEqual([expect.objectContaining({ Subject: 'Second', IncidentKey__c: INCIDENT_KEY })]);
    expect((await upsert({ Subject: 'x', Severity__c: 'High' })).status).toBe(400);
    expect((await upsert({ Subject: 'x' }, 'Subject')).status).toBe(404);
    expect((await upsert({ Subject: 'x', IncidentKey__c: INCIDENT_KEY })).status).toBe(400);
  });
});
