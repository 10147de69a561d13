import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { createOrgClient, OrgRequestError, type OrgClient } from '../../src/writeback/index.js';

let emulator: OrgEmulator;
let client: OrgClient;

const verdict = (eventId: string, extra: Record<string, unknown> = {}) => ({
  EventId__c: eventId,
  OrgEventKind__c: 'dml',
  Severity__c: 'High',
  RiskScore__c: 70,
  OccurredAt__c: '2026-11-02T03:04:05.000Z',
  ...extra,
});
const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const rejection = async (promise: Promise<unknown>): Promise<OrgRequestError> => {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OrgRequestError);
  return error as OrgRequestError;
};

beforeAll(async () => {
  emulator = await startOrgEmulator();
  client = createOrgClient({
    loginUrl: emulator.url,
    clientId: emulator.connectedApp.clientId,
    username: emulator.identity.username,
    privateKey: emulator.connectedApp.privateKey,
    timeoutMs: 1_000,
  });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.setFaults({ unavailable: 0, requestLimit: 0, lockRows: 0, dropConnections: 0, loginUnavailable: 0, latencyMs: 0 }));

describe('the write-back client', () => {
  it('logs in with the JWT bearer flow and upserts verdicts and their findings by external id', async () => {
    const results = await client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(1)), verdict(eventId(2), { Severity__c: 'Critical' })]);
    expect(results).toEqual([
      { externalId: eventId(1), success: true, created: true, id: expect.any(String) },
      { externalId: eventId(2), success: true, created: true, id: expect.any(String) },
    ]);
    const again = await client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(1), { RiskScore__c: 75 })]);
    expect(again[0]).toMatchObject({ success: true, created: false, id: results[0]?.success ? results[0].id : '' });
    const findings = await client.upsert('PiiFinding__c', 'FindingKey__c', [
      {
        FindingKey__c: `${eventId(1)}:-:Description:CREDIT_CARD`,
        LeakVerdict__r: { EventId__c: eventId(1) },
        EntityType__c: 'CREDIT_CARD',
        MaskedSample__c: '4111 •••• •••• 1111',
      },
    ]);
    expect(findings[0]?.success).toBe(true);
    const rows = await client.query<{ LeakVerdict__r: { EventId__c: string } }>('SELECT LeakVerdict__r.EventId__c FROM PiiFinding__c');
    expect(rows.map((row) => row.LeakVerdict__r.EventId__c)).toEqual([eventId(1)]);
    expect(emulator.stats.tokensIssued).toBe(1);
  });

  it('reports per-record errors record by record, marking lock errors retryable', async () => {
    emulator.setFaults({ lockRows: 1 });
    const results = await client.upsert('LeakVerdict__c', 'EventId__c', [
      verdict(eventId(10)),
      verdict(eventId(11), { Severity__c: 'Apocalyptic' }),
      verdict(eventId(12), { ReasonSummary__c: 'x'.repeat(256) }),
    ]);
    expect(results.map((result) => (result.success ? 'ok' : `${result.error.code}:${result.retryable}`))).toEqual([
      'UNABLE_TO_LOCK_ROW:true',
      'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST:false',
      'STRING_TOO_LONG:false',
    ]);
    expect(results[2]).toMatchObject({ errorCode: 'STRING_TOO_LONG', error: { fields: ['ReasonSummary__c'] } });
  });

  it('gets a new token when the session expires and carries on', async () => {
    const before = emulator.stats.tokensIssued;
    emulator.setFaults({ expireSessions: true });
    const [result] = await client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(20))]);
    expect(result?.success).toBe(true);
    expect(emulator.stats.tokensIssued).toBe(before + 1);
  });

  it('reports a login service outage during a session refresh as retryable, then recovers', async () => {
    emulator.setFaults({ expireSessions: true, loginUnavailable: 1 });
    expect(await rejection(client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(25))]))).toMatchObject({ code: 'ERROR_HTTP_503', retryable: true });
    const [result] = await client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(25))]);
    expect(result?.success).toBe(true);
  });

  it('classifies whole-request failures: 503, request limit and lost connections retryable; a bad request not', async () => {
    emulator.setFaults({ unavailable: 1 });
    expect(await rejection(client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(30))]))).toMatchObject({
      code: 'SERVER_UNAVAILABLE',
      retryable: true,
    });
    emulator.setFaults({ requestLimit: 1 });
    expect(await rejection(client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(30))]))).toMatchObject({
      code: 'REQUEST_LIMIT_EXCEEDED',
      retryable: true,
    });
    emulator.setFaults({ dropConnections: 1 });
    expect(await rejection(client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(30))]))).toMatchObject({ retryable: true });
    expect(await rejection(client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(30), { Mood__c: 'calm' })]))).toMatchObject({
      code: 'INVALID_FIELD',
      retryable: false,
    });
  });

  it('gives up on a slow org after its timeout, as a retryable failure', async () => {
    emulator.setFaults({ latencyMs: 1_500 });
    expect(await rejection(client.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(40))]))).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('splits large upserts into requests of 200 records and keeps the input order', async () => {
    const before = emulator.stats.upsertRequests;
    const records = Array.from({ length: 450 }, (_, index) => verdict(eventId(1_000 + index)));
    const results = await client.upsert('LeakVerdict__c', 'EventId__c', records);
    expect(emulator.stats.upsertRequests - before).toBe(3);
    expect(results.map((result) => result.externalId)).toEqual(records.map((record) => record.EventId__c));
    expect(results.every((result) => result.success)).toBe(true);
  });

  it('fails fast when the login itself is refused, without retrying', async () => {
    const stranger = createOrgClient({
      loginUrl: emulator.url,
      clientId: 'not-the-app',
      username: emulator.identity.username,
      privateKey: emulator.connectedApp.privateKey,
    });
    expect(await rejection(stranger.upsert('LeakVerdict__c', 'EventId__c', [verdict(eventId(50))]))).toMatchObject({
      code: 'invalid_client_id',
      retryable: false,
    });
  });
});
