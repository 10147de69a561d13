import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { FIXTURE_OBJECTS, rawSession, type Reply } from './session.js';

let emulator: OrgEmulator;
let call: (method: string, path: string, body?: unknown) => Promise<Reply>;
const query = (soql: string) => call('GET', `/services/data/v62.0/query?q=${encodeURIComponent(soql)}`);

beforeAll(async () => {
  emulator = await startOrgEmulator({ metadataDir: FIXTURE_OBJECTS, queryBatchSize: 3 });
  call = await rawSession(emulator);
  const records = [
    { Code__c: 'Q-1', Amount__c: 10, Kind__c: 'Alpha', When__c: '2026-11-01T03:00:00Z', Email__c: 'a@shop.example' },
    { Code__c: 'Q-2', Amount__c: 20, Kind__c: 'Beta', When__c: '2026-11-02T03:00:00Z' },
    { Code__c: 'Q-3', Amount__c: 30, Kind__c: 'Beta', When__c: '2026-11-03T03:00:00Z', Flag__c: true },
    { Code__c: 'Q-4', Kind__c: 'Alpha' },
    { Code__c: 'Q-5', Amount__c: 50, Kind__c: 'Beta', Parent__r: { Code__c: 'Q-1' } },
  ];
  const typed = records.map((record) => ({ attributes: { type: 'Probe__c' }, ...record }));
  await call('PATCH', '/services/data/v62.0/composite/sobjects/Probe__c/Code__c', { allOrNone: true, records: typed.slice(0, 4) });
  await call('PATCH', '/services/data/v62.0/composite/sobjects/Probe__c/Code__c', { allOrNone: true, records: typed.slice(4) });
});
afterAll(() => emulator.close());

const codes = (reply: Reply): string[] => reply.body.records.map((record: { Code__c: string }) => record.Code__c);

describe('the SOQL subset of the query endpoint', () => {
  it('filters with AND, OR, NOT, parentheses, IN, LIKE, null and date-time comparisons', async () => {
    expect(codes(await query("SELECT Code__c FROM Probe__c WHERE Kind__c = 'beta' AND (Amount__c > 25 OR Flag__c = true) ORDER BY Code__c"))).toEqual([
      'Q-3',
      'Q-5',
    ]);
    expect(codes(await query("SELECT Code__c FROM Probe__c WHERE NOT Kind__c IN ('Beta') ORDER BY Code__c"))).toEqual(['Q-1', 'Q-4']);
    expect(codes(await query('SELECT Code__c FROM Probe__c WHERE Amount__c = null'))).toEqual(['Q-4']);
    expect(codes(await query("SELECT Code__c FROM Probe__c WHERE Email__c LIKE 'A@%'"))).toEqual(['Q-1']);
    expect(codes(await query('SELECT Code__c FROM Probe__c WHERE When__c >= 2026-11-02T00:00:00Z ORDER BY When__c DESC'))).toEqual(['Q-3', 'Q-2']);
  });

  it('orders with nulls placed as Salesforce does, and applies LIMIT and OFFSET', async () => {
    expect(codes(await query('SELECT Code__c FROM Probe__c ORDER BY Amount__c DESC LIMIT 2'))).toEqual(['Q-5', 'Q-3']);
    expect(codes(await query('SELECT Code__c FROM Probe__c ORDER BY Amount__c ASC LIMIT 2 OFFSET 1'))).toEqual(['Q-1', 'Q-2']);
    expect(codes(await query('SELECT Code__c FROM Probe__c ORDER BY Amount__c ASC LIMIT 1'))).toEqual(['Q-4']);
  });

  it('returns parent fields nested under the relationship with attributes', async () => {
    const reply = await query("SELECT Name, Parent__r.Code__c FROM Probe__c WHERE Parent__r.Code__c = 'Q-1'");
    expect(reply.body.records).toEqual([
      {
        attributes: { type: 'Probe__c', url: expect.stringMatching(/^\/services\/data\/v62\.0\/sobjects\/Probe__c\/a/) },
        Name: 'PB-0005',
        Parent__r: { attributes: { type: 'Probe__c', url: expect.any(String) }, Code__c: 'Q-1' },
      },
    ]);
  });

  it('counts and groups', async () => {
    expect((await query('SELECT COUNT() FROM Probe__c')).body).toMatchObject({ totalSize: 5, done: true, records: [] });
    const grouped = await query('SELECT Kind__c, COUNT(Id) n, SUM(Amount__c) total FROM Probe__c GROUP BY Kind__c');
    expect(grouped.body.records).toEqual(
      expect.arrayContaining([
        { attributes: { type: 'AggregateResult' }, Kind__c: 'Alpha', n: 2, total: 10 },
        { attributes: { type: 'AggregateResult' }, Kind__c: 'Beta', n: 3, total: 100 },
      ]),
    );
  });

  it('pages with nextRecordsUrl', async () => {
    const first = await query('SELECT Code__c FROM Probe__c ORDER BY Code__c');
    expect(first.body).toMatchObject({ totalSize: 5, done: false });
    const second = await call('GET', first.body.nextRecordsUrl);
    expect(second.body).toMatchObject({ totalSize: 5, done: true });
    expect([...codes(first), ...codes(second)]).toEqual(['Q-1', 'Q-2', 'Q-3', 'Q-4', 'Q-5']);
  });

  it('keeps ten query locators open at most, dropping the oldest', async () => {
    const pages = [];
    for (let count = 0; count < 11; count += 1) pages.push(await query('SELECT Code__c FROM Probe__c'));
    expect(await call('GET', pages[0]?.body.nextRecordsUrl)).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_QUERY_LOCATOR' }] });
    expect((await call('GET', pages[10]?.body.nextRecordsUrl)).status).toBe(200);
  });

  it('rejects unknown objects and fields as the REST API does', async () => {
    expect(await query('SELECT Id FROM Nope__c')).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_TYPE' }] });
    expect(await query('SELECT Colour__c FROM Probe__c')).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_FIELD' }] });
    expect(await query('SELECT FROM')).toMatchObject({ status: 400, body: [{ errorCode: 'MALFORMED_QUERY' }] });
  });
});

describe('ids in queries', () => {
  it('match in their 15- and 18-character forms, case-sensitively', async () => {
    const [probe] = emulator.records('Probe__c').filter((record) => record.Code__c === 'Q-1');
    const id = String(probe?.Id);
    expect(codes(await query(`SELECT Code__c FROM Probe__c WHERE Id = '${id.slice(0, 15)}'`))).toEqual(['Q-1']);
    expect(codes(await query(`SELECT Code__c FROM Probe__c WHERE Parent__c = '${id}'`))).toEqual(['Q-5']);
    expect(codes(await query(`SELECT Code__c FROM Probe__c WHERE Id = '${id.toLowerCase()}'`))).toEqual([]);
  });
});
