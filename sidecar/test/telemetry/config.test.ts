import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { VALID_ENV } from '../api/config-env.js';

const load = (env: Record<string, string>) => loadConfig({ ...VALID_ENV, ...env });

describe('telemetry configuration', () => {
  it('is off unless an OTLP endpoint is set, whatever else is', () => {
    expect(load({}).telemetry).toBeUndefined();
    expect(load({ OTEL_SERVICE_NAME: 'sidecar-eu', OTEL_EXPORTER_OTLP_HEADERS: 'x-token=abc', OTEL_TRACES_EXPORTER: 'otlp' }).telemetry).toBeUndefined();
  });

  it('appends the signal paths to the generic endpoint and uses a signal’s own endpoint as given', () => {
    const generic = load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector.internal:4318/' }).telemetry;
    expect(generic).toEqual({
      traces: { url: 'https://collector.internal:4318/v1/traces', headers: {} },
      metrics: { url: 'https://collector.internal:4318/v1/metrics', headers: {}, intervalMs: 60_000 },
      serviceName: 'leakwatch-sidecar',
      timeoutMs: 10_000,
    });
    const prefixed = load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://gateway:8080/otlp' }).telemetry;
    expect(prefixed?.metrics?.url).toBe('http://gateway:8080/otlp/v1/metrics');
    const own = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/otlp/traces',
    }).telemetry;
    expect(own?.traces?.url).toBe('http://tempo:4318/otlp/traces');
    expect(own?.metrics?.url).toBe('http://collector:4318/v1/metrics');
  });

  it('turns on only the signal whose endpoint is set, and off a signal whose exporter is none', () => {
    const metricsOnly = load({ OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: 'http://collector:4318/v1/metrics' }).telemetry;
    expect(metricsOnly?.traces).toBeUndefined();
    expect(metricsOnly?.metrics?.url).toBe('http://collector:4318/v1/metrics');
    const noMetrics = load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_METRICS_EXPORTER: 'none' }).telemetry;
    expect(noMetrics?.metrics).toBeUndefined();
    expect(noMetrics?.traces).toBeDefined();
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' }).telemetry).toBeUndefined();
    expect(load({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'false' }).telemetry).toBeDefined();
  });

  it('reads URL-encoded headers, a signal’s own over the shared ones, and the service name, interval and timeout', () => {
    const telemetry = load({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Bearer%20shared-token, X-Scope-OrgID=eu-1',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'authorization=Bearer%20traces-token',
      OTEL_SERVICE_NAME: 'leakwatch-eu-west',
      OTEL_METRIC_EXPORT_INTERVAL: '15000',
      OTEL_EXPORTER_OTLP_TIMEOUT: '5000',
    }).telemetry;
    expect(telemetry?.traces?.headers).toEqual({ authorization: 'Bearer traces-token', 'x-scope-orgid': 'eu-1' });
    expect(telemetry?.metrics?.headers).toEqual({ authorization: 'Bearer shared-token', 'x-scope-orgid': 'eu-1' });
    expect(telemetry).toMatchObject({ serviceName: 'leakwatch-eu-west', timeoutMs: 5_000, metrics: { intervalMs: 15_000 } });
  });

  const bad: Array<[string, Record<string, string>, RegExp]> = [
    [
      'an endpoint that is no URL',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL .*got a collector: URL/,
    ],
    [
      'an endpoint without a scheme at all',
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '//collector' },
      /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an http\(s\) URL .*no URL, not shown/,
    ],
    ['a gRPC endpoint', { OTEL_EXPORTER_OTLP_ENDPOINT: 'grpc://collector:4317' }, /must be an http\(s\) URL .*got a grpc: URL/],
    [
      'credentials in the endpoint',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'https://user:hunter2-password@collector' },
      /must not carry credentials: put them in OTEL_EXPORTER_OTLP_HEADERS/,
    ],
    [
      'a header without a value',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_HEADERS: 'a=1,Bearer hunter2-token' },
      /OTEL_EXPORTER_OTLP_HEADERS: entry 2 is not key=value/,
    ],
    [
      'a header badly URL-encoded',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_METRICS_HEADERS: 'authorization=hunter2%zz' },
      /OTEL_EXPORTER_OTLP_METRICS_HEADERS: the value of authorization is not URL-encoded correctly/,
    ],
    [
      'the gRPC protocol',
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      /OTEL_EXPORTER_OTLP_PROTOCOL must be http\/protobuf.*got "grpc"/,
    ],
    ['OTLP JSON for traces', { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json' }, /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http\/protobuf/],
    ['another exporter', { OTEL_METRICS_EXPORTER: 'prometheus' }, /OTEL_METRICS_EXPORTER must be otlp or none.*got "prometheus"/],
    ['a disabled flag that is no boolean', { OTEL_SDK_DISABLED: 'yes' }, /OTEL_SDK_DISABLED must be true or false \(got "yes"\)/],
    ['a metric interval too short', { OTEL_METRIC_EXPORT_INTERVAL: '10' }, /OTEL_METRIC_EXPORT_INTERVAL .*100/],
    ['a timeout that is no number', { OTEL_EXPORTER_OTLP_TIMEOUT: 'ten seconds' }, /OTEL_EXPORTER_OTLP_TIMEOUT/],
    ['a service name past 255 characters', { OTEL_SERVICE_NAME: 'x'.repeat(256) }, /OTEL_SERVICE_NAME/],
  ];

  it.each(bad)('stops the sidecar on %s with a message that names the variable', (_what, env, message) => {
    let error: unknown;
    try {
      load(env);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toMatch(/hunter2/);
  });

  it('never quotes a header value in the error of a bad header variable', () => {
    expect(() => load({ OTEL_EXPORTER_OTLP_HEADERS: 'x'.repeat(3) + '=' + '%'.repeat(2) })).toThrow(
      /not URL-encoded correctly \(write a space as %20; value not shown\)$/,
    );
  });
});
