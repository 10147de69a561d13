import { DataPointType, type HistogramMetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { prometheusProducer } from '../../src/telemetry/prometheus-bridge.js';

async function collect(registry: Registry) {
  const { resourceMetrics } = await prometheusProducer(registry).collect();
  return new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
}

describe('the Prometheus registry read as OTLP metrics', () => {
  it('turns cumulative bucket counts into counts per bucket, per label set, with the same bounds', async () => {
    const registry = new Registry();
    const histogram = new Histogram({ name: 'x_duration_seconds', help: 'h', labelNames: ['target'], buckets: [0.01, 0.1, 1], registers: [registry] });
    for (const v of [0.005, 0.005, 0.05, 5]) histogram.observe({ target: 'jira' }, v);
    histogram.observe({ target: 'webhook' }, 0.5);
    const metric = (await collect(registry)).get('x_duration_seconds') as HistogramMetricData;
    expect(metric.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(metric.descriptor.unit).toBe('s');
    const byTarget = Object.fromEntries(metric.dataPoints.map((p) => [p.attributes.target, p.value]));
    expect(byTarget.jira).toEqual({ buckets: { boundaries: [0.01, 0.1, 1], counts: [2, 1, 0, 1] }, sum: 5.06, count: 4 });
    expect(byTarget.webhook?.buckets.counts).toEqual([0, 0, 1, 0]);
  });

  it('gives counters as monotonic sums and gauges as gauges, labels as attributes', async () => {
    const registry = new Registry();
    new Counter({ name: 'x_events_total', help: 'c', labelNames: ['outcome'], registers: [registry] }).inc({ outcome: 'accepted' }, 3);
    new Gauge({ name: 'x_open', help: 'g', registers: [registry] }).set(7);
    const metrics = await collect(registry);
    const counter = metrics.get('x_events_total') as SumMetricData;
    expect(counter).toMatchObject({ dataPointType: DataPointType.SUM, isMonotonic: true });
    expect(counter.dataPoints.map((p) => [p.attributes, p.value])).toEqual([[{ outcome: 'accepted' }, 3]]);
    expect(metrics.get('x_open')).toMatchObject({ dataPointType: DataPointType.GAUGE, dataPoints: [expect.objectContaining({ value: 7 })] });
  });
});
