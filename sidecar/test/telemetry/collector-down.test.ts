import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDACTED_LOG_PATHS } from '../../src/app.js';
import type { TelemetrySettings } from '../../src/telemetry/start-telemetry.js';
import { buildTestApp, eventually, logSink } from '../api/build-test-app.js';
import { AUTH, dmlEvent, envelope } from '../api/envelopes.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { closedPort } from './collector.js';

const COLLECTOR_SECRET = 'collector-secret-9f8e7d6c5b4a';

function settingsFor(base: string, timeoutMs: number): TelemetrySettings {
  return {
    traces: { url: `${base}/v1/traces`, headers: { authorization: `Bearer ${COLLECTOR_SECRET}` } },
    metrics: { url: `${base}/v1/metrics`, headers: { authorization: `Bearer ${COLLECTOR_SECRET}` }, intervalMs: 100 },
    serviceName: 'leakwatch-sidecar-test',
    timeoutMs,
  };
}

describe.each(STORE_KINDS)('a collector that is down, on %s', (kind) => {
  let testStore: TestStore;
  beforeAll(async () => {
    testStore = await openTestStore(kind);
  });
  afterAll(() => testStore?.dispose());

  it('fails no batch: the events reach the org, the failures are logged once per signal without the secret, close is bounded', async () => {
    const lines: string[] = [];
    const { app, org } = await buildTestApp(testStore.store, {
      telemetry: settingsFor(`http://127.0.0.1:${await closedPort()}`, 1_000),
      logger: { level: 'warn', stream: logSink(lines), redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
    });
    const res = await app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: { 'content-type': 'application/json', ...AUTH },
      payload: JSON.stringify(envelope([dmlEvent(), dmlEvent()])),
    });
    expect(res.statusCode).toBe(202);
    await eventually(() => org.records('PiiFinding__c').length >= 2);
    // Several metric exports (every 100 ms) fail meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 600));
    const started = Date.now();
    await app.close();
    expect(Date.now() - started).toBeLessThan(1_000 + 1_500);

    const failures = lines.map((l) => JSON.parse(l)).filter((l) => String(l.msg).startsWith('telemetry: exporting'));
    const metrics = failures.filter((l) => l.signal === 'metrics');
    expect(metrics).toHaveLength(1);
    expect(metrics[0].err).toMatchObject({ code: 'ECONNREFUSED' });
    expect(failures.filter((l) => l.signal === 'traces').length).toBeLessThanOrEqual(1);
    expect(lines.join('\n')).not.toContain(COLLECTOR_SECRET);
  });

  it('closes within its time limit when the collector accepts but never answers', async () => {
    const sockets = new Set<import('node:net').Socket>();
    const silent: Server = createServer(() => {});
    silent.on('connection', (s) => sockets.add(s));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { app, org } = await buildTestApp(testStore.store, {
        telemetry: settingsFor(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`, 500),
      });
      const res = await app.inject({
        method: 'POST',
        url: '/v1/events',
        headers: { 'content-type': 'application/json', ...AUTH },
        payload: JSON.stringify(envelope([dmlEvent()])),
      });
      expect(res.statusCode).toBe(202);
      await eventually(() => org.records('LeakVerdict__c').length >= 1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(sockets.size).toBeGreaterThan(0);
      const started = Date.now();
      await app.close();
      expect(Date.now() - started).toBeLessThan(500 + 1_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
