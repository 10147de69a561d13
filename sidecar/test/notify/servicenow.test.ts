import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServiceNowEmulator, type ServiceNowEmulator } from '../../src/emulator/servicenow.js';
import type { IncidentNotification } from '../../src/notify/notification.js';
import { createServiceNowTarget, type ServiceNowAuth } from '../../src/notify/servicenow.js';

const USER = { username: 'leakwatch.integration', password: 'correct horse battery staple' };
const CLIENT = { clientId: 'a329c4515612210071a5e0c298ee2be8', clientSecret: 'client-secret-22' };
const INCIDENT_KEY = '6f1c2b9e-3d4a-4c5b-9e8f-0a1b2c3d4e5f';
/** What the collectors saw before masking; the notification never carries it, so no ticket may. */
const RAW_EMAIL = 'jane.doe@acme-shop.example';

const notification = (overrides: Partial<IncidentNotification> = {}): IncidentNotification => ({
  orgId: '00D5g000004Cx1aEAC',
  incidentKey: INCIDENT_KEY,
  revision: 1,
  title: 'Contacts exported by an integration user from a new network',
  severity: 'High',
  status: 'Triage',
  detectedAt: '2026-12-05T03:04:05.000Z',
  awarenessAt: '2026-12-05T03:10:00.000Z',
  deadlines: { gdprAuthorityBy: '2026-12-08T03:10:00.000Z', nis2EarlyWarningBy: '2026-12-06T03:10:00.000Z' },
  dataCategories: ['EMAIL_ADDRESS', 'PHONE_NUMBER'],
  estimatedRecords: 1200,
  estimatedSubjects: 950,
  systems: ['Contact', 'ShopSync Connector'],
  actors: ['s•••@•••.example'],
  summary: 'An integration user read 1,200 contacts from an address never seen before.',
  verdicts: [{ eventId: 'evt-1', severity: 'High', riskScore: 0.91, reasons: ['new network'], occurredAt: '2026-12-05T03:04:05.000Z' }],
  maskedSamples: ['j•••@•••.example', '+44 •••• ••• 123'],
  ...overrides,
});

const keyOf = (revision: number) => `${INCIDENT_KEY}:${revision}:servicenow-main`;

let emulator: ServiceNowEmulator;

const target = (auth: ServiceNowAuth = { kind: 'basic', ...USER }, timeoutMs?: number) =>
  createServiceNowTarget({ name: 'servicenow-main', instanceUrl: emulator.url, auth, ...(timeoutMs ? { timeoutMs } : {}) });

const workNotes = () => emulator.records('sys_journal_field').filter((entry) => entry.element === 'work_notes');

beforeEach(async () => {
  emulator = await startServiceNowEmulator({ users: [USER], oauthClients: [CLIENT] });
});
afterEach(() => emulator.close());

describe('the ServiceNow target', () => {
  it('opens one incident holding the notification, with impact and urgency from the severity', async () => {
    const result = await target().deliver(notification(), keyOf(1));

    const [ticket, ...others] = emulator.records('incident');
    expect(others).toEqual([]);
    expect(result).toEqual({ ok: true, remoteId: 'INC0010001', remoteUrl: `${emulator.url}/incident.do?sys_id=${ticket?.sys_id}`, created: true });
    expect(ticket).toMatchObject({
      short_description: '[Leakwatch] Contacts exported by an integration user from a new network',
      impact: '1',
      urgency: '2',
      priority: '2',
      state: '1',
      correlation_id: INCIDENT_KEY,
      correlation_display: 'Leakwatch r1',
      work_notes: '',
      sys_created_by: USER.username,
    });
    expect(ticket?.sys_id).toMatch(/^[0-9a-f]{32}$/);
    expect(ticket?.description).toBe(
      [
        `Leakwatch incident ${INCIDENT_KEY} (org 00D5g000004Cx1aEAC), revision 1`,
        'Severity: High',
        'Status: Triage',
        'Detected: 2026-12-05T03:04:05.000Z',
        'Aware since: 2026-12-05T03:10:00.000Z',
        '',
        'Summary:',
        'An integration user read 1,200 contacts from an address never seen before.',
        '',
        'Deadlines:',
        '- GDPR: notify the supervisory authority by 2026-12-08T03:10:00.000Z',
        '- NIS2: early warning by 2026-12-06T03:10:00.000Z',
        '',
        'Data categories: EMAIL_ADDRESS, PHONE_NUMBER',
        'Records: 1200',
        'Data subjects: 950',
        'Systems: Contact, ShopSync Connector',
        'Actors (masked): s•••@•••.example',
        'Verdicts: 1, highest risk score 0.91',
        'Masked samples:',
        '- j•••@•••.example',
        '- +44 •••• ••• 123',
      ].join('\n'),
    );
    expect(workNotes()).toMatchObject([
      {
        element_id: ticket?.sys_id,
        name: 'incident',
        value: `[leakwatch ${keyOf(1)}] Revision 1: status Triage, severity High. An integration user read 1,200 contacts from an address never seen before.`,
      },
    ]);
    expect(emulator.stats.ignoredFields).toEqual([]);
    expect(emulator.stats.choiceViolations).toEqual([]);
  });

  it('updates the same incident for a later revision and adds a work note naming it', async () => {
    const servicenow = target();
    await servicenow.deliver(notification(), keyOf(1));

    const result = await servicenow.deliver(notification({ revision: 2, status: 'Confirmed', severity: 'Critical' }), keyOf(2));

    const [ticket, ...others] = emulator.records('incident');
    expect(others).toEqual([]);
    expect(result).toMatchObject({ ok: true, remoteId: 'INC0010001', created: false });
    expect(ticket).toMatchObject({ impact: '1', urgency: '1', priority: '1', correlation_display: 'Leakwatch r2', sys_mod_count: '1' });
    expect(ticket?.description).toContain('revision 2\nSeverity: Critical\nStatus: Confirmed');
    expect(workNotes().map((note) => note.value?.split(']')[0])).toEqual([`[leakwatch ${keyOf(1)}`, `[leakwatch ${keyOf(2)}`]);
  });

  it('adds one work note when the same revision is delivered twice', async () => {
    const servicenow = target();
    await servicenow.deliver(notification(), keyOf(1));
    await servicenow.deliver(notification({ revision: 2 }), keyOf(2));

    const again = await servicenow.deliver(notification({ revision: 2 }), keyOf(2));

    expect(again).toMatchObject({ ok: true, remoteId: 'INC0010001', created: false });
    expect(workNotes().filter((note) => note.value?.includes(keyOf(2)))).toHaveLength(1);
    expect(emulator.stats.updated).toBe(1);
  });

  it('leaves the incident alone when an older revision arrives after a newer one', async () => {
    const servicenow = target();
    await servicenow.deliver(notification({ revision: 3, status: 'Contained' }), keyOf(3));

    const late = await servicenow.deliver(notification({ revision: 2, status: 'Confirmed' }), keyOf(2));

    expect(late).toMatchObject({ ok: true, created: false });
    expect(emulator.records('incident')[0]).toMatchObject({ correlation_display: 'Leakwatch r3' });
    expect(emulator.records('incident')[0]?.description).toContain('Status: Contained');
    expect(workNotes()).toHaveLength(1);
  });

  it('raises impact and urgency with the severity but never lowers what the ticket holds', async () => {
    const servicenow = target();
    await servicenow.deliver(notification({ severity: 'Critical' }), keyOf(1));

    await servicenow.deliver(notification({ revision: 2, severity: 'Low' }), keyOf(2));

    expect(emulator.records('incident')[0]).toMatchObject({ impact: '1', urgency: '1', priority: '1' });
    expect(emulator.records('incident')[0]?.description).toContain('Severity: Low');
  });

  it('finds the incident it opened when the answer to the create was lost, instead of opening another', async () => {
    const servicenow = target();
    emulator.setFaults({ dropResponses: 1 });

    // The instance saves the incident, then the connection drops before its answer.
    expect(await servicenow.deliver(notification(), keyOf(1))).toMatchObject({ ok: false, retryable: true });
    expect(emulator.records('incident')).toHaveLength(1);
    const retried = await servicenow.deliver(notification(), keyOf(1));

    expect(retried).toMatchObject({ ok: true, remoteId: 'INC0010001', created: false });
    expect(emulator.records('incident')).toHaveLength(1);
    expect(workNotes()).toHaveLength(1);
  });

  it('authenticates with OAuth client credentials and reuses the token until it stops working', async () => {
    const servicenow = target({ kind: 'oauth', ...CLIENT });
    await servicenow.deliver(notification(), keyOf(1));
    await servicenow.deliver(notification({ revision: 2 }), keyOf(2));
    expect(emulator.stats.tokensIssued).toBe(1);

    emulator.setFaults({ expireTokens: true });
    const result = await servicenow.deliver(notification({ revision: 3 }), keyOf(3));

    expect(result).toMatchObject({ ok: true, created: false });
    expect(emulator.stats.tokensIssued).toBe(2);
    expect(emulator.records('incident')[0]).toMatchObject({ sys_created_by: CLIENT.clientId, correlation_display: 'Leakwatch r3' });
  });

  it('gives up on a wrong password with the instance’s message', async () => {
    const result = await target({ kind: 'basic', username: USER.username, password: 'wrong' }).deliver(notification(), keyOf(1));

    expect(result).toEqual({
      ok: false,
      retryable: false,
      status: 401,
      error: 'ServiceNow refused the ticket lookup with 401: User Not Authenticated (Required to provide Auth information)',
    });
    expect(JSON.stringify(result)).not.toContain('wrong');
  });

  it('gives up on a wrong OAuth client secret with the token endpoint’s message', async () => {
    const result = await target({ kind: 'oauth', clientId: CLIENT.clientId, clientSecret: 'wrong' }).deliver(notification(), keyOf(1));

    expect(result).toEqual({
      ok: false,
      retryable: false,
      status: 401,
      error: 'ServiceNow refused the OAuth client credentials with 401: server_error: access_denied',
    });
  });

  it('asks to retry after the instance’s Retry-After when rate limited', async () => {
    emulator.setFaults({ rateLimited: 1, retryAfterSeconds: 1800 });

    const result = await target().deliver(notification(), keyOf(1));

    expect(result).toEqual({
      ok: false,
      retryable: true,
      status: 429,
      retryAfterMs: 1_800_000,
      error: 'ServiceNow refused the ticket lookup with 429: Rate limit exceeded (Rate limit of 10 requests per hour for Table API exceeded)',
    });
    expect(emulator.records('incident')).toEqual([]);
  });

  it('asks to retry when the instance is unavailable', async () => {
    emulator.setFaults({ unavailable: 1 });

    expect(await target().deliver(notification(), keyOf(1))).toEqual({
      ok: false,
      retryable: true,
      status: 503,
      error: 'ServiceNow refused the ticket lookup with 503',
    });
  });

  it('asks to retry when the connection drops, and the retry opens one incident', async () => {
    const servicenow = target();
    emulator.setFaults({ dropConnections: 1 });

    expect(await servicenow.deliver(notification(), keyOf(1))).toMatchObject({
      ok: false,
      retryable: true,
      error: expect.stringMatching(/^network error during the ticket lookup/),
    });
    expect(await servicenow.deliver(notification(), keyOf(1))).toMatchObject({ ok: true, created: true });
    expect(emulator.records('incident')).toHaveLength(1);
  });

  it('asks to retry when the instance answers too late', async () => {
    emulator.setFaults({ latencyMs: 400 });

    expect(await target({ kind: 'basic', ...USER }, 100).deliver(notification(), keyOf(1))).toEqual({
      ok: false,
      retryable: true,
      error: 'ServiceNow did not answer the ticket lookup within 100 ms',
    });
  });

  it('writes only the notification’s masked content: the raw value behind a sample is nowhere in the instance', async () => {
    await target().deliver(notification(), keyOf(1));
    await target().deliver(notification({ revision: 2, status: 'Contained' }), keyOf(2));

    const stored = JSON.stringify([emulator.records('incident'), emulator.records('sys_journal_field')]);
    expect(stored).toContain('j•••@•••.example');
    expect(stored).not.toContain(RAW_EMAIL);
    expect(stored).not.toContain('jane.doe');
    expect(emulator.stats.ignoredFields).toEqual([]);
  });
});

describe('the ServiceNow emulator', () => {
  const basic = `Basic ${Buffer.from(`${USER.username}:${USER.password}`).toString('base64')}`;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${emulator.url}${path}`, {
      ...init,
      headers: { accept: 'application/json', authorization: basic, 'content-type': 'application/json', ...init.headers },
    });

  it('ignores unknown and system fields, keeps unlisted choice values as given and calculates the priority', async () => {
    const created = await api('/api/now/table/incident', {
      method: 'POST',
      body: JSON.stringify({ short_description: 'x', u_not_a_field: 'y', sys_created_by: 'mallory', priority: '1', impact: '2', urgency: '9' }),
    });

    expect(created.status).toBe(201);
    const { result } = (await created.json()) as { result: Record<string, unknown> };
    expect(result).toMatchObject({ number: 'INC0010001', urgency: '9', priority: '4', sys_created_by: USER.username });
    expect(result.opened_by).toMatchObject({ link: expect.stringContaining('/api/now/table/sys_user/') });
    expect(created.headers.get('location')).toBe(`${emulator.url}/api/now/table/incident/${String(result.sys_id)}`);
    expect(emulator.stats.ignoredFields).toEqual(['u_not_a_field', 'sys_created_by', 'priority']);
    expect(emulator.stats.choiceViolations).toEqual([{ field: 'urgency', value: '9' }]);
  });

  it('answers encoded queries with AND, OR, ordering, fields and limit, and 404 for a missing record', async () => {
    for (const [text, correlation] of [
      ['a', 'k1'],
      ['b', 'k2'],
      ['c', 'k1'],
    ]) {
      await api('/api/now/table/incident', { method: 'POST', body: JSON.stringify({ short_description: text, correlation_id: correlation }) });
    }
    const query = new URLSearchParams({
      sysparm_query: 'correlation_id=k1^short_description=a^ORshort_description=c^ORDERBYDESCnumber',
      sysparm_fields: 'short_description,nonsense',
      sysparm_limit: '1',
    });

    const list = await api(`/api/now/table/incident?${query}`);

    expect(await list.json()).toEqual({ result: [{ short_description: 'c' }] });
    expect(list.headers.get('x-total-count')).toBe('2');
    const missing = await api('/api/now/table/incident/0123456789abcdef0123456789abcdef');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: { message: 'No Record found', detail: "Record doesn't exist or ACL restricts the record retrieval" },
      status: 'failure',
    });
  });
});
