import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelemetrySettings } from '../../src/telemetry/start-telemetry.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import { AUTH, envelope, ORG_ID } from '../api/envelopes.js';
import type { fakeOrg } from '../api/fakes.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { startCollector, type ReceivedSpan } from './collector.js';

/** What the org sends that must never reach the collector: a person's name and e-mail address. */
const EMAIL = 'marta.kowalczyk@example.org';
const FIRST_NAME = 'Marta';
const LAST_NAME = 'Kowalczyk';

function personEvent() {
  return {
    id: randomUUID(),
    kind: 'dml',
    occurredAt: '2026-11-02T03:04:05.000Z',
    actor: { userId: '0055g00000AbCdEAAZ', username: EMAIL, isIntegration: false },
    object: 'Contact',
    operation: 'update',
    recordCount: 1,
    recordIds: ['0035g00000Qw1AaAAJ'],
    fields: [
      { name: 'FirstName', type: 'STRING', recordId: '0035g00000Qw1AaAAJ', value: FIRST_NAME },
      { name: 'LastName', type: 'STRING', recordId: '0035g00000Qw1AaAAJ', value: LAST_NAME },
      { name: 'Email', type: 'EMAIL', recordId: '0035g00000Qw1AaAAJ', value: EMAIL },
      { name: 'Description', type: 'TEXTAREA', recordId: '0035g00000Qw1AaAAJ', value: `Call ${FIRST_NAME} ${LAST_NAME} at ${EMAIL}` },
    ],
  };
}

const byName = (spans: ReceivedSpan[], name: string) => spans.filter((s) => s.name === name);

describe.each(STORE_KINDS)('the sidecar’s own telemetry on %s', (kind) => {
  let testStore: TestStore;
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let app: FastifyInstance;
  let org: ReturnType<typeof fakeOrg>;
  const plain = [personEvent(), personEvent()];
  const propagated = [personEvent()];
  const incoming = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };
  let metricNamesWithTelemetry: string[];

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    collector = await startCollector();
    const telemetry: TelemetrySettings = {
      traces: { url: `${collector.url}/v1/traces`, headers: { authorization: 'Bearer collector-token-0123456789' } },
      metrics: { url: `${collector.url}/v1/metrics`, headers: {}, intervalMs: 200 },
      serviceName: 'leakwatch-sidecar-test',
      timeoutMs: 2_000,
    };
    ({ app, org } = await buildTestApp(testStore.store, { telemetry, replicaId: 'replica-under-test' }));
    const sent = [
      { events: plain, headers: AUTH },
      { events: propagated, headers: { ...AUTH, traceparent: `00-${incoming.traceId}-${incoming.spanId}-01` } },
    ];
    for (const { events, headers } of sent) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...headers },
        payload: JSON.stringify(envelope(events)),
      });
      expect(res.statusCode).toBe(202);
    }
    // Verdicts first, then the findings that refer to them: both write-back steps are in each trace.
    await eventually(async () => org.records('LeakVerdict__c').length === 3 && (await unsettled(testStore)) === 0);
    metricNamesWithTelemetry = metricNames((await app.inject({ method: 'GET', url: '/metrics' })).body);
    await eventually(() => collector.points().some((p) => p.metric === 'leakwatch.stage.duration' && p.attributes.stage === 'writeback'));
    await app.close();
  });
  afterAll(async () => {
    await collector?.close();
    await testStore?.dispose();
  });

  it('covers a batch with one trace: ingest, classify as its child, detect as its child, write-back under detect', () => {
    const spans = collector.spans();
    const ingests = byName(spans, 'leakwatch.ingest');
    expect(ingests).toHaveLength(2);
    for (const ingest of ingests) {
      const trace = spans.filter((s) => s.traceId === ingest.traceId);
      const [classify] = byName(trace, 'leakwatch.classify');
      const detects = byName(trace, 'leakwatch.detect');
      const writeBacks = byName(trace, 'leakwatch.writeback');
      expect(classify?.parentSpanId).toBe(ingest.spanId);
      expect(detects.length).toBeGreaterThanOrEqual(1);
      for (const detect of detects) expect(detect.parentSpanId).toBe(ingest.spanId);
      expect(writeBacks.length).toBeGreaterThanOrEqual(2);
      for (const writeBack of writeBacks) expect(detects.map((d) => d.spanId)).toContain(writeBack.parentSpanId);
      const written = writeBacks.flatMap((w) => w.attributes['leakwatch.sobjects'] as string[]);
      expect(new Set(written)).toEqual(new Set(['LeakVerdict__c', 'PiiFinding__c']));
      expect(trace.every((s) => s.attributes['leakwatch.org_id'] === ORG_ID)).toBe(true);
    }
    expect(new Set(ingests.map((s) => s.traceId)).size).toBe(2);
  });

  it('counts, not values: events, findings, verdicts and settled records of the batch', () => {
    const spans = collector.spans();
    const ingest = byName(spans, 'leakwatch.ingest').find((s) => s.attributes['leakwatch.events'] === 2) as ReceivedSpan;
    expect(ingest.attributes).toMatchObject({
      'leakwatch.events.accepted': 2,
      'leakwatch.events.duplicate': 0,
      'leakwatch.events.rejected': 0,
      'http.response.status_code': 202,
      'http.route': '/v1/events',
    });
    const trace = spans.filter((s) => s.traceId === ingest.traceId);
    expect(byName(trace, 'leakwatch.classify')[0]?.attributes['leakwatch.findings']).toBeGreaterThanOrEqual(2 * 3);
    const detected = byName(trace, 'leakwatch.detect').reduce((n, s) => n + (s.attributes['leakwatch.verdicts'] as number), 0);
    expect(detected).toBe(2);
    expect(ingest.resource).toMatchObject({ 'service.name': 'leakwatch-sidecar-test', 'service.instance.id': 'replica-under-test' });
    const done = byName(spans, 'leakwatch.writeback').reduce((n, s) => n + (s.attributes['leakwatch.records.done'] as number), 0);
    expect(done).toBe(org.records('LeakVerdict__c').length + org.records('PiiFinding__c').length);
  });

  it('continues the trace of an incoming traceparent', () => {
    const spans = collector.spans();
    const ingest = byName(spans, 'leakwatch.ingest').find((s) => s.attributes['leakwatch.events'] === 1) as ReceivedSpan;
    expect(ingest.traceId).toBe(incoming.traceId);
    expect(ingest.parentSpanId).toBe(incoming.spanId);
    expect(byName(spans, 'leakwatch.writeback').some((s) => s.traceId === incoming.traceId)).toBe(true);
  });

  it('sends no value of the events: neither the name nor the e-mail address is in any byte received', () => {
    expect(collector.received.length).toBeGreaterThan(1);
    for (const { body } of collector.received) {
      for (const value of [EMAIL, FIRST_NAME, LAST_NAME, 'example.org']) expect(body.includes(value)).toBe(false);
    }
  });

  it('sends the export headers it was given', () => {
    const traces = collector.received.filter((r) => r.path === '/v1/traces');
    expect(traces.length).toBeGreaterThan(0);
    expect(traces.every((r) => r.headers.authorization === 'Bearer collector-token-0123456789')).toBe(true);
    expect(traces.every((r) => r.headers['content-type'] === 'application/x-protobuf')).toBe(true);
  });

  it('exports the Prometheus counters and histograms under their names, and stage durations and queue depths', () => {
    const points = collector.points();
    const accepted = points.filter((p) => p.metric === 'leakwatch_ingest_events_total' && p.attributes.outcome === 'accepted');
    expect(Math.max(...accepted.map((p) => p.value))).toBe(3);
    const classify = points.filter((p) => p.metric === 'leakwatch_classify_duration_seconds');
    const last = classify.at(-1);
    expect(last?.value).toBe(2);
    expect(last?.buckets?.counts.reduce((a, b) => a + b, 0)).toBe(2);
    expect(last?.buckets?.bounds).toEqual([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);
    const stages = new Set(points.filter((p) => p.metric === 'leakwatch.stage.duration').map((p) => p.attributes.stage));
    expect(stages).toEqual(new Set(['ingest', 'classify', 'detect', 'writeback']));
    const depths = points.filter((p) => p.metric === 'leakwatch.queue.depth');
    expect(new Set(depths.map((p) => p.attributes.queue))).toEqual(new Set(['events', 'writeback']));
    expect(points.some((p) => p.metric === 'leakwatch_writeback_records_total' && p.attributes.outcome === 'done' && p.value > 0)).toBe(true);
  });

  it('leaves GET /metrics as it was: the same metric names as an app without telemetry', async () => {
    const { app: without } = await buildTestApp(testStore.store);
    try {
      const names = metricNames((await without.inject({ method: 'GET', url: '/metrics' })).body);
      expect(metricNamesWithTelemetry).toEqual(names);
      expect(names.some((n) => n.includes('stage') || n.includes('queue_depth'))).toBe(false);
    } finally {
      await without.close();
    }
  });
});

/** Events not yet scored and records not yet written: 0 once every batch has gone all the way through. */
async function unsettled({ store }: TestStore): Promise<number> {
  const [row] = await store.query<{ n: string | number }>(
    `SELECT (SELECT count(*) FROM ingested_event WHERE state = 'pending') + (SELECT count(*) FROM outbox WHERE state <> 'done') AS n`,
  );
  return Number(row?.n);
}

function metricNames(exposition: string): string[] {
  return exposition
    .split('\n')
    .filter((l) => l.startsWith('# TYPE '))
    .map((l) => l.split(' ')[2] as string)
    .sort();
}
