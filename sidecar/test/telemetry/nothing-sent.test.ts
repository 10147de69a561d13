import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { VALID_ENV } from '../api/config-env.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import { AUTH, dmlEvent, envelope } from '../api/envelopes.js';
import type { fakeOrg } from '../api/fakes.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { startCollector } from './collector.js';

/** The port OTLP/HTTP exporters send to when nothing names another (the specification's default). */
const OTLP_DEFAULT_PORT = 4318;

/** A collector on the OTLP default port when it is free (so a default endpoint would reach it), else on any port. */
async function collectorOnDefaultPort() {
  try {
    return await startCollector(OTLP_DEFAULT_PORT);
  } catch {
    return startCollector();
  }
}

describe.each(STORE_KINDS)('telemetry that is not configured on %s', (kind) => {
  let testStore: TestStore;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let app: FastifyInstance | undefined;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    collector = await collectorOnDefaultPort();
  });
  afterEach(async () => {
    await app?.close();
    app = undefined;
    collector.received.length = 0;
  });
  afterAll(async () => {
    await collector?.close();
    await testStore?.dispose();
  });

  /** Builds the app from `env` as the server does, sends a batch through to the org, and closes the app (a final flush). */
  async function runBatch(env: Record<string, string>) {
    const config = loadConfig({ ...VALID_ENV, ...env });
    let org: ReturnType<typeof fakeOrg>;
    ({ app, org } = await buildTestApp(testStore.store, config.telemetry ? { telemetry: config.telemetry } : {}));
    const event = dmlEvent();
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...AUTH },
      payload: JSON.stringify(envelope([event])),
    });
    expect(res.statusCode).toBe(202);
    await eventually(() => org.records('PiiFinding__c').length > 0);
    await app.close();
    app = undefined;
    return { config, eventId: event.id };
  }

  async function storedTraceParents(eventId: string) {
    return testStore.store.query<{ trace_parent: string | null }>(
      `SELECT trace_parent FROM ingested_event WHERE event_id = $1
       UNION ALL SELECT trace_parent FROM outbox WHERE event_id = $1`,
      [eventId],
    );
  }

  it('sends nothing anywhere and stores no trace context when no OTLP endpoint is set', async () => {
    const { config, eventId } = await runBatch({});
    expect(config.telemetry).toBeUndefined();
    expect(collector.connections).toBe(0);
    const stored = await storedTraceParents(eventId);
    expect(stored.length).toBeGreaterThan(1);
    expect(stored.every((r) => r.trace_parent === null)).toBe(true);
  });

  it('sends nothing when OTEL_SDK_DISABLED=true, whatever endpoint is set', async () => {
    const { config } = await runBatch({ OTEL_EXPORTER_OTLP_ENDPOINT: collector.url, OTEL_SDK_DISABLED: 'true', OTEL_METRIC_EXPORT_INTERVAL: '100' });
    expect(config.telemetry).toBeUndefined();
    expect(collector.connections).toBe(0);
  });

  it('sends metrics but no span when OTEL_TRACES_EXPORTER=none', async () => {
    const { config, eventId } = await runBatch({
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      OTEL_TRACES_EXPORTER: 'none',
      OTEL_METRIC_EXPORT_INTERVAL: '100',
    });
    expect(config.telemetry?.traces).toBeUndefined();
    expect(collector.received.some((r) => r.path === '/v1/metrics')).toBe(true);
    expect(collector.received.some((r) => r.path === '/v1/traces')).toBe(false);
    expect((await storedTraceParents(eventId)).every((r) => r.trace_parent === null)).toBe(true);
  });

  it('stores the trace context of the batch once traces are on', async () => {
    const { eventId } = await runBatch({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${collector.url}/v1/traces` });
    const [event, ...records] = await storedTraceParents(eventId);
    expect(event?.trace_parent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const traceId = event?.trace_parent?.split('-')[1];
    expect(records.length).toBeGreaterThan(0);
    for (const r of records) {
      expect(r.trace_parent?.split('-')[1]).toBe(traceId);
      expect(r.trace_parent).not.toBe(event?.trace_parent);
    }
    expect(collector.received.some((r) => r.path === '/v1/metrics')).toBe(false);
  });
});
