import type { Stage, StageSpan, StageTracer } from './stage-tracer.js';

interface BatchSpans<T> {
  /** The span of the batch `item` belongs to. */
  spanOf(item: T): StageSpan;
  /** Each batch's span with its items. */
  batches(): Array<{ span: StageSpan; items: T[] }>;
  /** Ends every span (with the step's error, when it failed). */
  endAll(error?: unknown): void;
}

/**
 * One span of `stage` per batch among the items a step claimed. A step works on up to hundreds of
 * events or records of several batches at once (one detector pass, one transaction, one upsert per
 * sObject), so no item has a time of its own: each batch's span is a child of the span that handed
 * the batch on (`traceParentOf`), lasts the whole step and counts its own items and the step's.
 * Items without a stored trace context (events the collectors, drills, flows or egress inspection
 * stored, or any stored while telemetry was off) share one span per org that starts a new trace.
 */
export function batchSpans<T>(
  stages: StageTracer,
  stage: Stage,
  items: readonly T[],
  of: { traceParent: (item: T) => string | undefined; orgId: (item: T) => string },
  countKey: 'leakwatch.events' | 'leakwatch.records',
): BatchSpans<T> {
  const keyOf = (item: T) => of.traceParent(item) ?? `org:${of.orgId(item)}`;
  const byBatch = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const batch = byBatch.get(key);
    if (batch) batch.push(item);
    else byBatch.set(key, [item]);
  }
  const groups = new Map<string, { span: StageSpan; items: T[] }>();
  for (const [key, batch] of byBatch) {
    const first = batch[0] as T;
    const span = stages.start(stage, of.traceParent(first), {
      'leakwatch.org_id': of.orgId(first),
      [countKey]: batch.length,
      'leakwatch.step.items': items.length,
    });
    groups.set(key, { span, items: batch });
  }
  return {
    spanOf: (item) => (groups.get(keyOf(item)) as { span: StageSpan }).span,
    batches: () => [...groups.values()],
    endAll(error) {
      for (const group of groups.values()) group.span.end(error);
    },
  };
}
