import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { loadConfig, type MetricsExposure, type SidecarConfig } from '../../src/config.js';
import { startSidecar, type RunningSidecar } from '../../src/server.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { buildTestApp } from './build-test-app.js';
import { AUTH, dmlEvent, envelope, ORG_SECRETS } from './envelopes.js';
import { everyEventScores, fakeOrg } from './fakes.js';
import { VALID_ENV } from './config-env.js';

const TOKEN = 'metrics-token-0123456789abcdef';
const ENV = VALID_ENV;

describe('where /metrics is served, from the environment', () => {
  it.each<[string, Record<string, string>, MetricsExposure]>([
    ['open on the API listener outside production', {}, { listener: 'public' }],
    ['off in production', { NODE_ENV: 'production' }, { listener: 'off' }],
    ['behind the token', { NODE_ENV: 'production', LEAKWATCH_METRICS_TOKEN: TOKEN }, { listener: 'public', token: TOKEN }],
    ['on its own loopback port', { NODE_ENV: 'production', LEAKWATCH_METRICS_PORT: '9464' }, { listener: 'own', host: '127.0.0.1', port: 9464 }],
    [
      'on its own port and interface, behind the token',
      { LEAKWATCH_METRICS_PORT: '9464', LEAKWATCH_METRICS_HOST: '0.0.0.0', LEAKWATCH_METRICS_TOKEN: TOKEN },
      { listener: 'own', host: '0.0.0.0', port: 9464, token: TOKEN },
    ],
  ])('%s', (_name, variables, exposure) => {
    expect(loadConfig({ ...ENV, ...variables }).metrics).toEqual(exposure);
  });

  it.each([
    [{ LEAKWATCH_METRICS_PORT: '8787' }, /^LEAKWATCH_METRICS_PORT must differ from PORT/],
    [{ LEAKWATCH_METRICS_PORT: 'nine' }, /^LEAKWATCH_METRICS_PORT must be integer/],
    [
      { LEAKWATCH_METRICS_TOKEN: 'short-token' },
      /^LEAKWATCH_METRICS_TOKEN must not have fewer than 16 characters \(got a value of 11 characters, not shown\)$/,
    ],
  ])('rejects %o', (variables, message) => {
    expect(() => loadConfig({ ...ENV, ...variables })).toThrow(message);
  });
});

describe('/metrics on the API listener', () => {
  let testStore: TestStore;
  let withToken: FastifyInstance;
  let off: FastifyInstance;

  beforeAll(async () => {
    testStore = await openTestStore('pglite');
    ({ app: withToken } = await buildTestApp(testStore.store, { metrics: { listener: 'public', token: TOKEN } }));
    ({ app: off } = await buildTestApp(testStore.store, { metrics: { listener: 'off' } }));
  });
  afterAll(async () => {
    await withToken.close();
    await off.close();
    await testStore.dispose();
  });

  it.each([
    ['no Authorization', {}],
    ['a wrong token', { authorization: 'Bearer not-the-metrics-token-at-all' }],
    ['an org secret', AUTH],
    ['the token without Bearer', { authorization: TOKEN }],
  ])('answers 401 to %s when a token is set, saying how to scrape', async (_name, headers) => {
    const res = await withToken.inject({ method: 'GET', url: '/metrics', headers });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="leakwatch-metrics"');
    expect(res.json().message).toMatch(/Scrape \/metrics with Authorization: Bearer <the LEAKWATCH_METRICS_TOKEN/);
  });

  it('serves the metrics with the token', async () => {
    const res = await withToken.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('leakwatch_ingest_events_total');
  });

  it('answers 404 in production without metrics settings, naming the variables that turn them on', async () => {
    const res = await off.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(404);
    expect(res.body).not.toContain('leakwatch_');
    expect(res.json().message).toMatch(/set LEAKWATCH_METRICS_PORT .* or LEAKWATCH_METRICS_TOKEN/);
    expect((await off.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});

describe('startSidecar', () => {
  const started: RunningSidecar[] = [];
  const start = async (metrics?: MetricsExposure) => {
    const org = { ...fakeOrg().client, query: async <T>(): Promise<T[]> => [] };
    const config: SidecarConfig = {
      host: '127.0.0.1',
      port: 0,
      logLevel: 'silent',
      dataDir: 'memory://',
      orgSecrets: ORG_SECRETS,
      outbox: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
      pollMs: 20,
      ...(metrics ? { metrics } : {}),
    };
    const sidecar = await startSidecar(config, {
      classifier: createClassifier({ salt: 'test-salt-0123456789' }),
      detector: everyEventScores(),
      orgClientFor: () => org,
    });
    started.push(sidecar);
    return sidecar;
  };
  afterAll(async () => {
    for (const sidecar of started) await sidecar.close();
  });

  it('serves the metrics on a listener of their own, and only there', async () => {
    const sidecar = await start({ listener: 'own', host: '127.0.0.1', port: 0, token: TOKEN });
    expect(sidecar.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sidecar.metricsUrl).not.toBe(sidecar.url);
    const sent = await fetch(`${sidecar.url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH },
      body: JSON.stringify(envelope([dmlEvent()])),
    });
    expect(sent.status).toBe(202);
    const scrape = await fetch(`${sidecar.metricsUrl}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await scrape.text()).toMatch(/leakwatch_ingest_events_total\{outcome="accepted"\} 1/);
    expect((await fetch(`${sidecar.metricsUrl}/metrics`)).status).toBe(401);
    const elsewhere = await fetch(`${sidecar.metricsUrl}/v1/status`, { headers: AUTH });
    expect(elsewhere.status).toBe(404);
    expect((await elsewhere.json()).message).toMatch(/serves GET \/metrics only/);
    const onApi = await fetch(`${sidecar.url}/metrics`);
    expect(onApi.status).toBe(404);
    expect((await onApi.json()).message).toMatch(/own listener \(LEAKWATCH_METRICS_PORT\)/);
  });

  it('serves them open on the API listener when the config says nothing, as the demo links them', async () => {
    const sidecar = await start();
    expect(sidecar.metricsUrl).toBeUndefined();
    const scrape = await fetch(`${sidecar.url}/metrics`);
    expect(scrape.status).toBe(200);
    expect(await scrape.text()).toContain('leakwatch_ingest_events_total');
  });
});
