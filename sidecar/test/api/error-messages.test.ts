import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS } from '../../src/config.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { buildTestApp } from './build-test-app.js';
import { AUTH, dmlEvent, envelope } from './envelopes.js';

const JSON_HEADERS = { 'content-type': 'application/json', ...AUTH };
const body = (value: unknown) => JSON.stringify(value);

describe('error messages say what to do, with the configured limits', () => {
  let testStore: TestStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    testStore = await openTestStore('pglite');
    ({ app } = await buildTestApp(testStore.store, { http: { ...DEFAULT_HTTP_LIMITS, bodyLimitBytes: 256 * 1024 } }));
  }, 120_000);
  afterAll(async () => {
    await app?.close();
    await testStore?.dispose();
  });

  const post = (payload: string, headers: Record<string, string> = JSON_HEADERS) => app.inject({ method: 'POST', url: '/v1/events', headers, payload });

  it('names the configured body limit when a body is too large', async () => {
    const res = await post(body(envelope([dmlEvent({ fields: [{ name: 'Description', value: 'x'.repeat(300 * 1024) }] })])));
    expect(res.statusCode).toBe(413);
    expect(res.json().message).toBe(
      'The request body is larger than 256 KB (counted after decompression when it is sent compressed). Send smaller batches: at most 2,000 events and 256 KB per request.',
    );
  });

  it('names the configured body limit when a batch has too many events', async () => {
    const events = Array.from({ length: 2001 }, () => ({ id: 'x' }));
    const res = await post(body(envelope(events)));
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toBe('events holds more than 2,000 events: split the batch (at most 2,000 events and 256 KB per request).');
  });

  it('says which settings hold the bearer secret', async () => {
    const res = await post(body(envelope([dmlEvent()])), { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(401);
    expect(res.json().message).toMatch(/LeakwatchSidecar External Credential .* LEAKWATCH_ORG_SECRETS, LEAKWATCH_SECRETS_FILE or LEAKWATCH_ORGS_FILE\.$/);
  });

  it('says how to fix a Content-Length that does not match the body', async () => {
    const payload = body(envelope([dmlEvent()]));
    const res = await post(payload, { ...JSON_HEADERS, 'content-length': String(Buffer.byteLength(payload) + 10) });
    expect(res.statusCode).toBe(400);
    expect(res.json().message).toMatch(/Let the HTTP client set Content-Length, or send the exact byte length/);
  });

  it('points to the API document for an unknown route', async () => {
    const missing = await app.inject({ method: 'GET', url: '/v1/verdicts?limit=5', headers: AUTH });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().message).toBe('No route GET /v1/verdicts. See /docs/openapi.json for the API.');
  });
});
