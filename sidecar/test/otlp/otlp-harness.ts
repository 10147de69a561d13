import type { AddressInfo } from 'node:net';
import { SpanKind, type Attributes } from '@opentelemetry/api';
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { FastifyInstance } from 'fastify';

export type Encoding = 'protobuf' | 'json';

export interface ClientSpan {
  name: string;
  attributes: Attributes;
  startTime?: Date;
  kind?: SpanKind;
}

/** The sidecar's URL once it listens on an ephemeral port. */
export async function listening(app: FastifyInstance): Promise<string> {
  if (!app.server.listening) await app.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
}

/**
 * Exports spans of one service to the sidecar with the real OpenTelemetry JS SDK: a
 * BasicTracerProvider whose processor hands them to the OTLP/HTTP exporter of the encoding
 * (`exporter-trace-otlp-proto` or `exporter-trace-otlp-http`, the JSON one), with the org's
 * bearer secret as the exporters are configured in production (`headers`).
 */
/** How long one export may take before the SDK gives up (its default is 10 s). */
const EXPORT_TIMEOUT_MS = 45_000;

export async function exportSpans(
  baseUrl: string,
  secret: string,
  service: string,
  spans: readonly ClientSpan[],
  options: { encoding: Encoding; gzip?: boolean; batch?: boolean },
): Promise<void> {
  const config = {
    url: `${baseUrl}/v1/traces`,
    headers: { authorization: `Bearer ${secret}` },
    // The first export waits for the sidecar's classifier to warm up: on a loaded machine that took over the
    // exporter's default 10 s once. The test's own timeout still bounds the run.
    timeoutMillis: EXPORT_TIMEOUT_MS,
    ...(options.gzip ? { compression: 'gzip' as never } : {}),
  };
  const exporter = options.encoding === 'protobuf' ? new ProtoExporter(config) : new JsonExporter(config);
  const processor = options.batch ? new BatchSpanProcessor(exporter, { maxExportBatchSize: 512, scheduledDelayMillis: 50 }) : new SimpleSpanProcessor(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': service }),
    spanProcessors: [processor],
  });
  const tracer = provider.getTracer('leakwatch-test');
  for (const s of spans) {
    const span = tracer.startSpan(s.name, { kind: s.kind ?? SpanKind.CLIENT, attributes: s.attributes, ...(s.startTime ? { startTime: s.startTime } : {}) });
    span.end();
  }
  await provider.forceFlush();
  await provider.shutdown();
}

/** Exports through the SDK and reports whether the export succeeded (the exporter's own result). */
export async function exportResult(baseUrl: string, secret: string, encoding: Encoding): Promise<{ code: number; error?: Error }> {
  const config = { url: `${baseUrl}/v1/traces`, headers: { authorization: `Bearer ${secret}` }, timeoutMillis: EXPORT_TIMEOUT_MS };
  const exporter = encoding === 'protobuf' ? new ProtoExporter(config) : new JsonExporter(config);
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({ 'service.name': 'probe' }) });
  const span = provider.getTracer('probe').startSpan('GET', { kind: SpanKind.CLIENT, attributes: { 'server.address': 'probe.example' } });
  span.end();
  const result = await new Promise<{ code: number; error?: Error }>((resolve) =>
    exporter.export([span as never], (r) => resolve({ code: r.code, ...(r.error ? { error: r.error } : {}) })),
  );
  await exporter.shutdown();
  return result;
}
