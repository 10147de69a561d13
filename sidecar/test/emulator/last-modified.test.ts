import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { rawSession, type Reply } from './session.js';

let emulator: OrgEmulator;
let call: (method: string, path: string, body?: unknown) => Promise<Reply>;
const query = (soql: string) => call('GET', `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`);
const upsert = (records: Record<string, unknown>[]) =>
  call('PATCH', '/services/data/v62.0/composite/sobjects/LeakVerdict__c/EventId__c', {
    allOrNone: true,
    records: records.map((record) => ({ attributes: { type: 'LeakVerdict__c' }, ...record })),
  });
const eventId = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const nextSecond = () => new Promise((resolve) => setTimeout(resolve, 1_005 - (Date.now() % 1_000)));

beforeAll(async () => {
  emulator = await startOrgEmulator();
  call = await rawSession(emulator);
});
afterAll(() => emulator.close());

describe('LastModifiedDate in the emulated org', () => {
  it('is kept to the second, as Salesforce keeps it, and moves on every update', async () => {
    await upsert([1, 2, 3].map((n) => ({ EventId__c: eventId(n), OrgEventKind__c: 'dml' })));
    const [created] = emulator.records('LeakVerdict__c');
    expect(created?.LastModifiedDate).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000\+0000$/);
    expect(created?.CreatedDate).toBe(created?.LastModifiedDate);
    await nextSecond();
    await upsert([{ EventId__c: eventId(2), Status__c: 'FalsePositive' }]);
    const updated = emulator.records('LeakVerdict__c').find((record) => record.EventId__c === eventId(2));
    expect(Date.parse(String(updated?.LastModifiedDate).replace('+0000', 'Z'))).toBeGreaterThan(Date.parse(String(updated?.CreatedDate).replace('+0000', 'Z')));
  });

  it('answers a keyset query on Status__c, LastModifiedDate and Id, ordered by both', async () => {
    await nextSecond();
    await upsert([
      { EventId__c: eventId(3), Status__c: 'FalsePositive' },
      { EventId__c: eventId(1), Status__c: 'FalsePositive' },
    ]);
    const all = await query("SELECT Id, EventId__c, LastModifiedDate FROM LeakVerdict__c WHERE Status__c = 'FalsePositive' ORDER BY LastModifiedDate, Id");
    const rows = all.body.records as Array<{ Id: string; EventId__c: string; LastModifiedDate: string }>;
    expect(rows.map((row) => row.EventId__c)).toEqual([eventId(2), eventId(1), eventId(3)]);
    const [first, second] = rows;
    const at = (row: { LastModifiedDate: string }) => `${row.LastModifiedDate.slice(0, 19)}Z`;
    const page = await query(
      `SELECT EventId__c FROM LeakVerdict__c WHERE Status__c = 'FalsePositive' AND LastModifiedDate < 2999-01-01T00:00:00Z ` +
        `AND (LastModifiedDate > ${at(second!)} OR (LastModifiedDate = ${at(second!)} AND Id > '${second!.Id}')) ` +
        'ORDER BY LastModifiedDate, Id LIMIT 200',
    );
    expect(page.body.records.map((row: { EventId__c: string }) => row.EventId__c)).toEqual([eventId(3)]);
    const since = await query(
      `SELECT EventId__c FROM LeakVerdict__c WHERE Status__c = 'FalsePositive' AND LastModifiedDate >= ${at(first!)} ` +
        `AND LastModifiedDate < ${at(second!)} ORDER BY LastModifiedDate, Id LIMIT 1`,
    );
    expect(since.body.records.map((row: { EventId__c: string }) => row.EventId__c)).toEqual([eventId(2)]);
  });
});
