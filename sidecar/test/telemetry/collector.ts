import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { otlpTypes } from '../../src/otlp/proto.js';

/** One request the collector received, its body decompressed. */
export interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: number;
  attributes: Record<string, unknown>;
  resource: Record<string, unknown>;
}

export interface ReceivedPoint {
  metric: string;
  kind: 'sum' | 'gauge' | 'histogram';
  attributes: Record<string, unknown>;
  /** A sum's or gauge's value; a histogram's count. */
  value: number;
  buckets?: { bounds: number[]; counts: number[]; sum: number };
}

/**
 * A local OTLP/HTTP receiver: answers every POST with 200 and keeps what it received, and counts
 * the connections made to it (for "nothing is sent" tests). Listens on 127.0.0.1 at `port` (0: any).
 */
export async function startCollector(port = 0) {
  const received: Received[] = [];
  let connections = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({
        path: req.url ?? '',
        headers: req.headers,
        body: req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw,
      });
      res.writeHead(200, { 'content-type': 'application/x-protobuf' });
      res.end();
    });
  });
  server.on('connection', () => {
    connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    received,
    get connections() {
      return connections;
    },
    spans: () => received.filter((r) => r.path === '/v1/traces').flatMap((r) => decodeSpans(r.body)),
    points: () => received.filter((r) => r.path === '/v1/metrics').flatMap((r) => decodePoints(r.body)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: a collector that is down. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const hex = (base64: string | undefined) => Buffer.from(base64 ?? '', 'base64').toString('hex');

type AnyValue = { stringValue?: string; intValue?: string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values?: AnyValue[] } };

function valueOf(v: AnyValue | undefined): unknown {
  if (!v) return undefined;
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(valueOf);
  return undefined;
}

function attributesOf(list: Array<{ key: string; value?: AnyValue }> | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((kv) => [kv.key, valueOf(kv.value)]));
}

const TO_OBJECT = { longs: String, bytes: String, defaults: false, oneofs: true } as const;

/** Every span of an `ExportTraceServiceRequest`, decoded with the vendored protos. */
export function decodeSpans(body: Buffer): ReceivedSpan[] {
  const { request } = otlpTypes();
  const message = request.toObject(request.decode(body), TO_OBJECT) as {
    resourceSpans?: Array<{
      resource?: { attributes?: Array<{ key: string; value?: AnyValue }> };
      scopeSpans?: Array<{ spans?: Array<Record<string, unknown>> }>;
    }>;
  };
  return (message.resourceSpans ?? []).flatMap((rs) =>
    (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        traceId: hex(s.traceId as string),
        spanId: hex(s.spanId as string),
        parentSpanId: hex(s.parentSpanId as string | undefined),
        name: s.name as string,
        kind: (s.kind as number | undefined) ?? 0,
        status: ((s.status as { code?: number } | undefined)?.code as number | undefined) ?? 0,
        attributes: attributesOf(s.attributes as Array<{ key: string; value?: AnyValue }>),
        resource: attributesOf(rs.resource?.attributes),
      })),
    ),
  );
}

let metricsRequest: protobuf.Type | undefined;

function metricsType(): protobuf.Type {
  if (metricsRequest) return metricsRequest;
  const protoDir = fileURLToPath(new URL('../../proto/', import.meta.url));
  const here = fileURLToPath(new URL('.', import.meta.url));
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (target === 'metrics-subset.proto' ? join(here, target) : join(protoDir, target));
  root.loadSync('metrics-subset.proto', { keepCase: false });
  root.resolveAll();
  metricsRequest = root.lookupType('leakwatch.test.otlpmetrics.ExportMetricsServiceRequest');
  return metricsRequest;
}

type NumberPoint = { attributes?: Array<{ key: string; value?: AnyValue }>; asDouble?: number; asInt?: string };
type HistogramPoint = {
  attributes?: Array<{ key: string; value?: AnyValue }>;
  count?: string;
  sum?: number;
  bucketCounts?: string[];
  explicitBounds?: number[];
};

/** Every data point of an `ExportMetricsServiceRequest`. */
export function decodePoints(body: Buffer): ReceivedPoint[] {
  const type = metricsType();
  const message = type.toObject(type.decode(body), TO_OBJECT) as {
    resourceMetrics?: Array<{
      scopeMetrics?: Array<{
        metrics?: Array<{
          name: string;
          sum?: { dataPoints?: NumberPoint[] };
          gauge?: { dataPoints?: NumberPoint[] };
          histogram?: { dataPoints?: HistogramPoint[] };
        }>;
      }>;
    }>;
  };
  const number = (p: NumberPoint) => p.asDouble ?? Number(p.asInt ?? 0);
  return (message.resourceMetrics ?? []).flatMap((rm) =>
    (rm.scopeMetrics ?? []).flatMap((sm) =>
      (sm.metrics ?? []).flatMap((m): ReceivedPoint[] => {
        if (m.sum) return (m.sum.dataPoints ?? []).map((p) => ({ metric: m.name, kind: 'sum', attributes: attributesOf(p.attributes), value: number(p) }));
        if (m.gauge)
          return (m.gauge.dataPoints ?? []).map((p) => ({ metric: m.name, kind: 'gauge', attributes: attributesOf(p.attributes), value: number(p) }));
        return (m.histogram?.dataPoints ?? []).map((p) => ({
          metric: m.name,
          kind: 'histogram',
          attributes: attributesOf(p.attributes),
          value: Number(p.count ?? 0),
          buckets: { bounds: p.explicitBounds ?? [], counts: (p.bucketCounts ?? []).map(Number), sum: p.sum ?? 0 },
        }));
      }),
    ),
  );
}
