import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { FIXTURE_OBJECTS, rawSession, type Reply } from './session.js';

const UPSERT = '/services/data/v62.0/composite/sobjects/Probe__c/Code__c';
const CREATE = '/services/data/v62.0/composite/sobjects';

let emulator: OrgEmulator;
let call: (method: string, path: string, body?: unknown) => Promise<Reply>;
const upsert = (records: Record<string, unknown>[], allOrNone = false) =>
  call('PATCH', UPSERT, { allOrNone, records: records.map((record) => ({ attributes: { type: 'Probe__c' }, ...record })) });

beforeAll(async () => {
  emulator = await startOrgEmulator({ metadataDir: FIXTURE_OBJECTS });
  call = await rawSession(emulator);
});
afterAll(() => emulator.close());

describe('sObject Collections upsert by external id', () => {
  it('inserts, then updates the same record, reporting created and the record id', async () => {
    const first = await upsert([{ Code__c: 'A-1', Amount__c: 12.345, Email__c: 'ops@shop.example', When__c: '2026-11-02T10:15:00Z' }]);
    expect(first.status).toBe(200);
    expect(first.body).toEqual([{ id: expect.stringMatching(/^a[0-9A-Za-z]{17}$/), success: true, errors: [], created: true }]);
    const second = await upsert([{ Code__c: 'a-1', Kind__c: 'Beta' }]);
    expect(second.body[0]).toMatchObject({ id: first.body[0].id, success: true, created: false });
    const stored = emulator.records('Probe__c').find((record) => record.Id === first.body[0].id);
    expect(stored).toMatchObject({
      Code__c: 'a-1',
      Name: 'PB-0001',
      Amount__c: 12.35,
      Kind__c: 'Beta',
      Flag__c: false,
      When__c: '2026-11-02T10:15:00.000+0000',
    });
  });

  it('reports per-record errors while saving the valid records beside them', async () => {
    const reply = await upsert([
      { Code__c: 'B-1', Email__c: 'x'.repeat(81) },
      { Code__c: 'B-2', Kind__c: 'Gamma' },
      { Code__c: 'B-3', Amount__c: 1000 },
      { Code__c: 'B-4', Email__c: 'not-an-address' },
      { Code__c: 'B-5', Name: 'chosen' },
      { Code__c: 'B-6', Tags__c: 'a;b' },
    ]);
    expect(reply.status).toBe(200);
    expect(
      reply.body.map((result: { success: boolean; errors: { statusCode: string; fields: string[] }[] }) => [
        result.success,
        result.errors[0]?.statusCode,
        result.errors[0]?.fields,
      ]),
    ).toEqual([
      [false, 'STRING_TOO_LONG', ['Email__c']],
      [false, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', ['Kind__c']],
      [false, 'NUMBER_OUTSIDE_VALID_RANGE', ['Amount__c']],
      [false, 'INVALID_EMAIL_ADDRESS', ['Email__c']],
      [false, 'INVALID_FIELD_FOR_INSERT_UPDATE', ['Name']],
      [true, undefined, undefined],
    ]);
    expect(emulator.records('Probe__c').map((record) => record.Code__c)).not.toContain('B-1');
  });

  it('fails every record that repeats an external id within one request', async () => {
    const reply = await upsert([{ Code__c: 'C-1' }, { Code__c: 'C-2' }, { Code__c: 'c-1' }]);
    expect(reply.body.map((result: { errors: { statusCode: string }[] }) => result.errors[0]?.statusCode)).toEqual([
      'DUPLICATE_EXTERNAL_ID',
      undefined,
      'DUPLICATE_EXTERNAL_ID',
    ]);
  });

  it('refuses a second record holding the value of a unique field', async () => {
    await upsert([{ Code__c: 'D-1', Serial__c: 'S-77' }]);
    const reply = await upsert([{ Code__c: 'D-2', Serial__c: 'S-77' }]);
    expect(reply.body[0]).toMatchObject({ success: false, errors: [{ statusCode: 'DUPLICATE_VALUE', fields: ['Serial__c'] }] });
  });

  it('resolves a parent by its external id, or fails the record when there is none', async () => {
    const parent = await upsert([{ Code__c: 'P-1' }]);
    const reply = await upsert([
      { Code__c: 'K-1', Parent__r: { Code__c: 'P-1' } },
      { Code__c: 'K-2', Parent__r: { Code__c: 'P-404' } },
    ]);
    expect(reply.body[0].success).toBe(true);
    expect(reply.body[1]).toMatchObject({
      success: false,
      errors: [{ statusCode: 'INVALID_FIELD', message: expect.stringContaining('Foreign key external ID: P-404 not found') }],
    });
    expect(emulator.records('Probe__c').find((record) => record.Code__c === 'K-1')?.Parent__c).toBe(parent.body[0].id);
  });

  it('rolls every record back under allOrNone when one fails', async () => {
    const reply = await upsert([{ Code__c: 'E-1' }, { Code__c: 'E-2', Kind__c: 'Nope' }], true);
    expect(reply.body[0].errors[0].statusCode).toBe('ALL_OR_NONE_OPERATION_ROLLED_BACK');
    expect(emulator.records('Probe__c').map((record) => record.Code__c)).not.toContain('E-1');
  });

  it('fails the whole request for an unknown field, an undeserialisable value, too many records or a non-external-id field', async () => {
    expect(await upsert([{ Code__c: 'F-1', Colour__c: 'red' }])).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_FIELD' }] });
    expect(await upsert([{ Code__c: 'F-1', Amount__c: 'lots' }])).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
    expect(await upsert([{ Code__c: 'F-1', Flag__c: 'yes' }])).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
    expect(await upsert([{ Code__c: 'F-1', When__c: 'yesterday' }])).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
    const many = Array.from({ length: 201 }, (_, index) => ({ Code__c: `G-${index}` }));
    expect(await upsert(many)).toMatchObject({ status: 400, body: [{ errorCode: 'EXCEEDED_ID_LIMIT' }] });
    expect(await call('PATCH', UPSERT, { records: [{ Code__c: 'F-2' }] })).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_TYPE' }] });
    expect(await call('PATCH', UPSERT, { records: [{ attributes: { type: 'Account' }, Code__c: 'F-2' }] })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_TYPE' }],
    });
    expect(await call('PATCH', '/services/data/v62.0/composite/sobjects/Probe__c/Email__c', { records: [] })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_FIELD' }],
    });
    expect(await call('PATCH', '/services/data/v62.0/composite/sobjects/Nope__c/Code__c', { records: [] })).toMatchObject({
      status: 404,
      body: [{ errorCode: 'NOT_FOUND' }],
    });
  });

  it('requires required fields on insert through the create endpoint', async () => {
    const reply = await call('POST', CREATE, {
      allOrNone: false,
      records: [
        { attributes: { type: 'Probe__c' }, Amount__c: 1 },
        { attributes: { type: 'Probe__c' }, Code__c: 'H-1' },
      ],
    });
    expect(reply.body[0]).toMatchObject({ success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', fields: ['Code__c'] }] });
    expect(reply.body[1]).toMatchObject({ success: true, id: expect.any(String) });
    expect(reply.body[1].created).toBeUndefined();
  });
});
