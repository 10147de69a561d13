import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { createClassifier } from '../../src/classify/index.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { AUTH, dmlEvent, envelope, ORG_SECRETS } from './envelopes.js';
import { everyEventScores, fakeOrg } from './fakes.js';

const JSON_HEADERS = { 'content-type': 'application/json', ...AUTH };
const body = (value: unknown) => JSON.stringify(value);

describe('security headers', () => {
  let testStore: TestStore;
  let app: FastifyInstance;

  beforeAll(async () => {
    testStore = await openTestStore('pglite');
    const org = fakeOrg();
    app = await buildApp({
      store: testStore.store,
      classifier: createClassifier({ salt: 'test-salt-0123456789' }),
      detector: everyEventScores(),
      orgClientFor: () => org.client,
      orgSecrets: ORG_SECRETS,
      pollMs: 20,
    });
    // Handlers that fail, to see the headers on the replies of the error handler's 5xx paths.
    app.get('/v1/test-failure', async () => {
      throw new Error('a bug');
    });
    app.get('/v1/test-unavailable', async () => {
      throw Object.assign(new Error('store down'), { statusCode: 503 });
    });
    await app.ready();
  });
  afterAll(async () => {
    await app.close();
    await testStore.dispose();
  });

  it.each([
    ['liveness', 200, 'GET', '/healthz', {}, undefined],
    ['metrics', 200, 'GET', '/metrics', {}, undefined],
    ['the OpenAPI document', 200, 'GET', '/docs/openapi.json', {}, undefined],
    ['status', 200, 'GET', '/v1/status', AUTH, undefined],
    ['an accepted batch', 202, 'POST', '/v1/events', JSON_HEADERS, body(envelope([dmlEvent()]))],
    ['broken JSON', 400, 'POST', '/v1/events', JSON_HEADERS, '{"schemaVersion":'],
    ['a text body', 400, 'POST', '/v1/events', { 'content-type': 'text/plain', ...AUTH }, 'x'],
    ['no secret', 401, 'POST', '/v1/events', { 'content-type': 'application/json' }, body(envelope([dmlEvent()]))],
    ['status without a secret', 401, 'GET', '/v1/status', {}, undefined],
    ['another org', 403, 'POST', '/v1/events', JSON_HEADERS, body(envelope([dmlEvent()], { orgId: '00D000000000001' }))],
    ['an unknown route', 404, 'GET', '/v1/nothing-here', AUTH, undefined],
    ['a body over the limit', 413, 'POST', '/v1/events', JSON_HEADERS, 'x'.repeat(6 * 1024 * 1024)],
    ['a UTF-16 body', 415, 'POST', '/v1/events', { ...JSON_HEADERS, 'content-type': 'application/json; charset=utf-16' }, '{}'],
    ['an empty redrive list', 400, 'POST', '/v1/dead-letters/redrive', JSON_HEADERS, '{"eventIds":[]}'],
    ['a failing handler', 500, 'GET', '/v1/test-failure', AUTH, undefined],
    ['an unavailable store', 503, 'GET', '/v1/test-unavailable', AUTH, undefined],
  ] as const)('%s (%i) carries nosniff and no-store', async (_name, status, method, url, headers, payload) => {
    const res = await app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload }) });
    expect(res.statusCode).toBe(status);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['cache-control']).toBe('no-store');
  });
});
