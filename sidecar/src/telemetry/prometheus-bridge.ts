import { ValueType, type Attributes, type HrTime } from '@opentelemetry/api';
import { millisToHrTime } from '@opentelemetry/core';
import { emptyResource } from '@opentelemetry/resources';
import { AggregationTemporality, DataPointType, type DataPoint, type Histogram, type MetricData, type MetricProducer } from '@opentelemetry/sdk-metrics';
import type { MetricObjectWithValues, MetricValue, Registry } from 'prom-client';

/** The instrumentation scope of the metrics read from the Prometheus registry. */
const PROMETHEUS_SCOPE = 'leakwatch-sidecar/prometheus';

type PromMetric = MetricObjectWithValues<MetricValue<string> & { metricName?: string }>;

/**
 * Reads the app's Prometheus registry (what `GET /metrics` shows) at each OTLP export, so the counters
 * and histograms are measured once and exported twice, under their Prometheus names: counters as
 * cumulative monotonic sums, gauges as gauges, histograms with the same bucket bounds. Summaries
 * (the sidecar has none) are left out.
 */
export function prometheusProducer(registry: Registry): MetricProducer {
  const startTime = millisToHrTime(Date.now());
  return {
    async collect() {
      const now = millisToHrTime(Date.now());
      const metrics = ((await registry.getMetricsAsJSON()) as PromMetric[]).flatMap((m) => toMetricData(m, startTime, now));
      return {
        resourceMetrics: { resource: emptyResource(), scopeMetrics: [{ scope: { name: PROMETHEUS_SCOPE }, metrics }] },
        errors: [],
      };
    },
  };
}

function toMetricData(metric: PromMetric, startTime: HrTime, endTime: HrTime): MetricData[] {
  const descriptor = { name: metric.name, description: metric.help, unit: unitOf(metric.name), valueType: ValueType.DOUBLE };
  const point = (value: number, labels: Attributes): DataPoint<number> => ({ startTime, endTime, attributes: labels, value });
  switch (String(metric.type)) {
    case 'counter':
      return [
        {
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.SUM,
          isMonotonic: true,
          dataPoints: metric.values.map((v) => point(v.value, v.labels)),
        },
      ];
    case 'gauge':
      return [
        {
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.GAUGE,
          dataPoints: metric.values.map((v) => point(v.value, v.labels)),
        },
      ];
    case 'histogram':
      return [
        {
          descriptor,
          aggregationTemporality: AggregationTemporality.CUMULATIVE,
          dataPointType: DataPointType.HISTOGRAM,
          dataPoints: histogramPoints(metric).map(({ labels, value }) => ({ startTime, endTime, attributes: labels, value })),
        },
      ];
    default:
      return [];
  }
}

/**
 * prom-client gives a histogram as `_bucket` samples with cumulative counts per `le` bound (the last
 * `+Inf`), a `_sum` and a `_count` per label set; OTLP wants the count of each bucket on its own.
 */
function histogramPoints(metric: PromMetric): Array<{ labels: Attributes; value: Histogram }> {
  const series = new Map<string, { labels: Attributes; bounds: Map<number, number>; sum: number; count: number }>();
  for (const sample of metric.values) {
    const { le, ...labels } = sample.labels;
    const key = JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1)));
    let one = series.get(key);
    if (!one) series.set(key, (one = { labels, bounds: new Map(), sum: 0, count: 0 }));
    if (sample.metricName?.endsWith('_bucket')) one.bounds.set(le === '+Inf' ? Infinity : Number(le), sample.value);
    else if (sample.metricName?.endsWith('_sum')) one.sum = sample.value;
    else if (sample.metricName?.endsWith('_count')) one.count = sample.value;
  }
  return [...series.values()].map(({ labels, bounds, sum, count }) => {
    const boundaries = [...bounds.keys()].filter(Number.isFinite).sort((a, b) => a - b);
    let below = 0;
    const counts = [...boundaries, Infinity].map((bound) => {
      const cumulative = bound === Infinity ? count : (bounds.get(bound) ?? below);
      const inBucket = cumulative - below;
      below = cumulative;
      return inBucket;
    });
    return { labels, value: { buckets: { boundaries, counts }, sum, count } };
  });
}

/** The UCUM unit a Prometheus name ends in (`_seconds`, `_bytes`), or none. */
function unitOf(name: string): string {
  if (/_seconds(_total)?$/.test(name)) return 's';
  if (/_bytes(_total)?$/.test(name)) return 'By';
  return '';
}
