import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './build-test-app.js';
import { AUTH, dmlEvent, envelope } from './envelopes.js';

const JSON_HEADERS = { 'content-type': 'application/json', ...AUTH };
const many = (n: number) => Array.from({ length: n }, () => dmlEvent({ fields: undefined }));

interface Case {
  name: string;
  status: number;
  /** A word the message must contain, so the admin knows what to fix. */
  says: RegExp;
  payload: string | Buffer;
  headers?: Record<string, string>;
  method?: 'POST' | 'GET' | 'PUT';
}

const body = (value: unknown) => JSON.stringify(value);

const CASES: Case[] = [
  { name: 'broken JSON', status: 400, says: /not valid JSON/, payload: '{"schemaVersion":1,' },
  { name: 'trailing garbage', status: 400, says: /not valid JSON/, payload: `${body(envelope([dmlEvent()]))}}` },
  { name: 'empty body', status: 400, says: /empty/, payload: '' },
  { name: 'whitespace body', status: 400, says: /empty/, payload: '   ' },
  { name: 'JSON null', status: 400, says: /object/, payload: 'null' },
  { name: 'JSON array', status: 400, says: /object/, payload: '[]' },
  { name: 'JSON number', status: 400, says: /object/, payload: '42' },
  { name: 'JSON string', status: 400, says: /object/, payload: '"events"' },
  {
    name: 'text/plain content type',
    status: 400,
    says: /"text\/plain" is not accepted.*Content-Type: application\/json/,
    payload: body(envelope([dmlEvent()])),
    headers: { ...AUTH, 'content-type': 'text/plain' },
  },
  {
    name: 'XML content type',
    status: 400,
    says: /Content-Type: application\/json/,
    payload: '<events/>',
    headers: { ...AUTH, 'content-type': 'application/xml' },
  },
  {
    name: 'form content type',
    status: 400,
    says: /Content-Type: application\/json/,
    payload: 'a=1',
    headers: { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' },
  },
  {
    name: 'multipart content type',
    status: 400,
    says: /"multipart\/form-data" is not accepted/,
    payload: '--b\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--b--\r\n',
    headers: { ...AUTH, 'content-type': 'multipart/form-data; boundary=b' },
  },
  {
    name: 'missing content type',
    status: 400,
    says: /no Content-Type header.*Content-Type: application\/json/,
    payload: body(envelope([dmlEvent()])),
    headers: { ...AUTH },
  },
  {
    name: 'unparsable content type',
    status: 400,
    says: /Content-Type: application\/json/,
    payload: body(envelope([dmlEvent()])),
    headers: { ...AUTH, 'content-type': 'json please' },
  },
  {
    name: 'invalid UTF-8',
    status: 400,
    says: /UTF-8/,
    payload: Buffer.concat([Buffer.from('{"schemaVersion":1,"orgId":"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}')]),
  },
  {
    name: 'missing Authorization',
    status: 401,
    says: /bearer secret/,
    payload: body(envelope([dmlEvent()])),
    headers: { 'content-type': 'application/json' },
  },
  {
    name: 'wrong secret',
    status: 401,
    says: /bearer secret/,
    payload: body(envelope([dmlEvent()])),
    headers: { 'content-type': 'application/json', authorization: 'Bearer not-the-secret-at-all' },
  },
  {
    name: 'empty bearer',
    status: 401,
    says: /bearer secret/,
    payload: body(envelope([dmlEvent()])),
    headers: { 'content-type': 'application/json', authorization: 'Bearer ' },
  },
  {
    name: 'basic auth',
    status: 401,
    says: /bearer secret/,
    payload: body(envelope([dmlEvent()])),
    headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
  },
  {
    name: 'unknown schemaVersion',
    status: 400,
    says: /schemaVersion must be 1/,
    payload: body(envelope([dmlEvent()], { schemaVersion: 2 })),
  },
  {
    name: 'schemaVersion as string',
    status: 400,
    says: /schemaVersion/,
    payload: body(envelope([dmlEvent()], { schemaVersion: '1' })),
  },
  {
    name: 'schemaVersion missing',
    status: 400,
    says: /schemaVersion is required/,
    payload: body({ ...envelope([dmlEvent()]), schemaVersion: undefined }),
  },
  {
    name: 'orgId missing',
    status: 400,
    says: /orgId is required/,
    payload: body({ ...envelope([dmlEvent()]), orgId: undefined }),
  },
  {
    name: 'orgId malformed',
    status: 400,
    says: /Organization id/,
    payload: body(envelope([dmlEvent()], { orgId: '001000000000001' })),
  },
  {
    name: 'orgId huge string',
    status: 400,
    says: /orgId/,
    payload: body(envelope([dmlEvent()], { orgId: `00D${'x'.repeat(1_000_000)}` })),
  },
  { name: 'orgId as number', status: 400, says: /orgId/, payload: body(envelope([dmlEvent()], { orgId: 42 })) },
  {
    name: 'batchId not a UUID',
    status: 400,
    says: /batchId must be a UUID/,
    payload: body(envelope([dmlEvent()], { batchId: 'batch-1' })),
  },
  {
    name: 'sentAt not a date',
    status: 400,
    says: /sentAt/,
    payload: body(envelope([dmlEvent()], { sentAt: 'yesterday' })),
  },
  {
    name: 'unknown envelope property',
    status: 400,
    says: /unknown property "extra"/,
    payload: body(envelope([dmlEvent()], { extra: true })),
  },
  {
    name: 'events not an array',
    status: 400,
    says: /events must be an array/,
    payload: body(envelope([], { events: { id: 1 } })),
  },
  { name: 'events empty', status: 400, says: /at least one event/, payload: body(envelope([])) },
  { name: '2,001 events', status: 400, says: /2,000/, payload: body(envelope(many(2001))) },
  { name: '10,000 events', status: 400, says: /2,000/, payload: body(envelope(many(10_000))) },
  {
    name: 'body over 5 MB',
    status: 413,
    says: /5 MB/,
    payload: body(envelope([dmlEvent({ fields: [{ name: 'Description', value: 'x'.repeat(6 * 1024 * 1024) }] })])),
  },
  {
    name: 'every event of the wrong type',
    status: 400,
    says: /None of the 3 events/,
    payload: body(envelope([1, 'two', null])),
  },
  {
    name: 'event id not a UUID',
    status: 400,
    says: /None of the 1 events/,
    payload: body(envelope([dmlEvent({ id: '42' })])),
  },
  {
    name: 'occurredAt not a date',
    status: 400,
    says: /None of the 1 events/,
    payload: body(envelope([dmlEvent({ occurredAt: 'Tuesday' })])),
  },
  {
    name: 'over 200 record ids',
    status: 400,
    says: /None of the 1 events/,
    payload: body(envelope([dmlEvent({ recordIds: Array(201).fill('0035g00000Qw1AaAAJ') })])),
  },
  {
    name: 'field value as a number',
    status: 400,
    says: /None of the 1 events/,
    payload: body(envelope([dmlEvent({ fields: [{ name: 'Amount', value: 12 }] })])),
  },
  {
    name: 'prototype pollution in the envelope',
    status: 400,
    says: /unknown property "__proto__"/,
    payload: `{"schemaVersion":1,"__proto__":{"admin":true},"orgId":"00D5g000004Cx1aEAC","batchId":"${randomUUID()}","events":[]}`,
  },
  {
    name: 'envelope nested 100,000 deep',
    status: 400,
    says: /unknown property "deep"/,
    payload: body(envelope([dmlEvent()])).replace(/}$/, `,"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}}`),
  },
  {
    name: 'details nested 100,000 deep',
    status: 400,
    says: /None of the 1 events/,
    payload: body(envelope([dmlEvent({ details: { deep: 0 } })])).replace('"deep":0', `"deep":${'['.repeat(100_000)}${']'.repeat(100_000)}`),
  },
  { name: 'GET on the ingest route', status: 404, says: /No route GET/, payload: '', method: 'GET' },
];

describe('malformed requests to POST /v1/events', () => {
  const test = useTestApp('pglite');

  it('has at least 30 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$name → $status with a message that says what to fix', async (c) => {
    const res = await test.app.inject({
      method: c.method ?? 'POST',
      url: '/v1/events',
      headers: c.headers ?? JSON_HEADERS,
      payload: c.payload,
    });
    expect(res.statusCode).toBe(c.status);
    const reply = res.json();
    expect(reply.message).toMatch(c.says);
    expect(reply.requestId).toEqual(expect.any(String));
  });

  it('accepts JSON whose content type names its charset', async () => {
    const res = await test.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { ...AUTH, 'content-type': 'application/json; charset=utf-8' },
      payload: body(envelope([dmlEvent()])),
    });
    expect(res.statusCode).toBe(202);
  });

  it('stays up and accepts a good batch afterwards', async () => {
    expect((await test.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const res = await test.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: JSON_HEADERS,
      payload: body(envelope([dmlEvent()])),
    });
    expect(res.statusCode).toBe(202);
  });
});
