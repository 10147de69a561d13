import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler } from '@opentelemetry/sdk-trace-base';
import type { FastifyBaseLogger } from 'fastify';
import type { Registry } from 'prom-client';
import { MetricExporterReportingFailures, SpanExporterReportingFailures, type ExportFailure } from './exporters.js';
import { prometheusProducer } from './prometheus-bridge.js';
import { stageTracer, TELEMETRY_OFF, type StageTracer } from './stage-tracer.js';

/** The sidecar's own traces and metrics, exported over OTLP/HTTP (protobuf) to the operator's collector. */
export interface TelemetrySettings {
  /** Where spans are sent (`…/v1/traces`), with these headers; absent: no spans are recorded. */
  traces?: { url: string; headers: Record<string, string> };
  /** Where metrics are sent (`…/v1/metrics`) every `intervalMs`, with these headers; absent: none are. */
  metrics?: { url: string; headers: Record<string, string>; intervalMs: number };
  /** `service.name` of the resource. */
  serviceName: string;
  /** Longest time one export may take, retries included; also the bound of the flush at shutdown. */
  timeoutMs: number;
}

/** Pending items of the durable queues, as `/v1/status` counts them for the operator. */
interface QueueDepth {
  events: number;
  writeBacks: number;
}

interface TelemetryDeps {
  /** The app's Prometheus registry, exported as it is (`prometheus-bridge.ts`). */
  registry: Registry;
  /** Read at each metrics export for `leakwatch.queue.depth`; a failure skips that reading. */
  queueDepth: () => Promise<QueueDepth>;
  /** Export failures go here, at most once per `FAILURE_LOG_INTERVAL_MS` per signal. */
  log: FastifyBaseLogger;
  /** `service.instance.id`: this replica's name. */
  instanceId: string;
}

export interface Telemetry {
  stages: StageTracer;
  /** Flushes what is recorded and stops, within `timeoutMs` whatever the collector does; never throws. */
  shutdown(): Promise<void>;
}

/** Between two log lines about a signal's failed exports. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

/** Buckets of `leakwatch.stage.duration`, seconds: a classify of one event up to a write-back that waits on the org. */
const STAGE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** With neither signal configured: nothing is started, nothing is sent, `stages` records nothing. */
const NO_TELEMETRY: Telemetry = { stages: TELEMETRY_OFF, shutdown: async () => {} };

export function startTelemetry(settings: TelemetrySettings | undefined, deps: TelemetryDeps): Telemetry {
  if (!settings?.traces && !settings?.metrics) return NO_TELEMETRY;
  const resource = resourceFromAttributes({ 'service.name': settings.serviceName, 'service.instance.id': deps.instanceId });
  const exporter = (signal: 'traces' | 'metrics', target: { url: string; headers: Record<string, string> }) => ({
    url: target.url,
    headers: target.headers,
    timeoutMillis: settings.timeoutMs,
    onFailure: failureLog(deps.log, signal),
  });

  const tracerProvider =
    settings.traces &&
    new BasicTracerProvider({
      resource,
      sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
      spanProcessors: [
        new BatchSpanProcessor(new SpanExporterReportingFailures(exporter('traces', settings.traces)), {
          maxQueueSize: 2048,
          maxExportBatchSize: 512,
          scheduledDelayMillis: 5_000,
          exportTimeoutMillis: settings.timeoutMs,
        }),
      ],
    });

  const meterProvider =
    settings.metrics &&
    new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: new MetricExporterReportingFailures(exporter('metrics', settings.metrics)),
          exportIntervalMillis: settings.metrics.intervalMs,
          exportTimeoutMillis: Math.min(settings.timeoutMs, settings.metrics.intervalMs),
          metricProducers: [prometheusProducer(deps.registry)],
        }),
      ],
    });
  const meter = meterProvider?.getMeter('leakwatch-sidecar');
  meter
    ?.createObservableGauge('leakwatch.queue.depth', {
      description: 'Items waiting in a durable queue of the sidecar: events to score (queue=events), records to write into the org (queue=writeback).',
      unit: '{item}',
    })
    .addCallback(async (result) => {
      const depth = await deps.queueDepth().catch(() => undefined);
      if (!depth) return;
      result.observe(depth.events, { queue: 'events' });
      result.observe(depth.writeBacks, { queue: 'writeback' });
    });
  const durations = meter?.createHistogram('leakwatch.stage.duration', {
    description: 'Time a stage took for one batch (stage=ingest, classify, detect, writeback; outcome=ok, error).',
    unit: 's',
    advice: { explicitBucketBoundaries: STAGE_BUCKETS },
  });

  return {
    stages: stageTracer(tracerProvider?.getTracer('leakwatch-sidecar'), durations),
    async shutdown() {
      await withinTime(Promise.allSettled([tracerProvider?.shutdown(), meterProvider?.shutdown()]), settings.timeoutMs);
    },
  };
}

/**
 * Logs a signal's failed export, then none of its failures for `FAILURE_LOG_INTERVAL_MS` (the next
 * line counts them). The error is logged through the app's serializer: its type and code (ECONNREFUSED,
 * an HTTP status), never its message or the collector's reply, and never the export headers.
 */
function failureLog(log: FastifyBaseLogger, signal: 'traces' | 'metrics'): ExportFailure {
  let loggedAt = -Infinity;
  let notLogged = 0;
  return (err) => {
    const now = Date.now();
    if (now - loggedAt < FAILURE_LOG_INTERVAL_MS) {
      notLogged += 1;
      return;
    }
    log.warn(
      { signal, err, failuresSinceLastLine: notLogged },
      `telemetry: exporting ${signal} to the collector failed; they are dropped and the sidecar goes on (logged at most once a minute)`,
    );
    loggedAt = now;
    notLogged = 0;
  };
}

async function withinTime(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
