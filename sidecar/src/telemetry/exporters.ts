import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPExporterBase, type OTLPExporterNodeConfigBase } from '@opentelemetry/otlp-exporter-base';
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from '@opentelemetry/otlp-exporter-base/node-http';
import { MetricsExporterMetricsHelper, ProtobufMetricsSerializer } from '@opentelemetry/otlp-transformer';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/** Told of each export that failed (the collector down, refusing, too slow); the batch is dropped. */
export type ExportFailure = (error: unknown) => void;

interface ExporterOptions {
  url: string;
  headers: Record<string, string>;
  timeoutMillis: number;
  onFailure: ExportFailure;
}

function reporting(onFailure: ExportFailure, done: (result: ExportResult) => void): (result: ExportResult) => void {
  return (result) => {
    if (result.code !== ExportResultCode.SUCCESS) onFailure(result.error);
    done(result);
  };
}

function legacyOptions(options: ExporterOptions): OTLPExporterNodeConfigBase {
  return { url: options.url, headers: options.headers, timeoutMillis: options.timeoutMillis };
}

/** OTLP/HTTP protobuf span exporter that reports its failures. */
export class SpanExporterReportingFailures extends OTLPTraceExporter implements SpanExporter {
  private readonly onFailure: ExportFailure;

  constructor(options: ExporterOptions) {
    super(legacyOptions(options));
    this.onFailure = options.onFailure;
  }

  override export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    super.export(spans, reporting(this.onFailure, done));
  }
}

/**
 * OTLP/HTTP protobuf metric exporter that reports its failures, cumulative for every instrument.
 * Built from the same release line's exporter base and serializer (0.223.1) as the span exporter:
 * `@opentelemetry/exporter-metrics-otlp-proto` had no 0.223.1 release, and its 0.223.0 would bring
 * a second copy of the SDK packages at 2.12.0. This is what that package's class does.
 */
export class MetricExporterReportingFailures extends OTLPExporterBase<ResourceMetrics> implements PushMetricExporter {
  private readonly onFailure: ExportFailure;

  constructor(options: ExporterOptions) {
    super(
      createOtlpHttpExportDelegate(
        convertLegacyHttpOptions(legacyOptions(options), 'METRICS', 'v1/metrics', { 'Content-Type': 'application/x-protobuf' }),
        ProtobufMetricsSerializer,
        'otlp_http_metric_exporter',
        MetricsExporterMetricsHelper,
        undefined,
      ),
    );
    this.onFailure = options.onFailure;
  }

  override export(metrics: ResourceMetrics, done: (result: ExportResult) => void): void {
    super.export(metrics, reporting(this.onFailure, done));
  }
}
