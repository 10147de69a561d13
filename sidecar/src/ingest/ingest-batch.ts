import type { Classifier } from '../contract/entities.js';
import type { LeakEvent } from '../contract/event.js';
import type { Store } from '../store/store.js';
import type { StageTracer } from '../telemetry/stage-tracer.js';
import { classifyEvents } from './classify-events.js';
import { eventProblems } from './event-validator.js';
import { knownEventIds, persistEvents } from './persist-events.js';

/** Egress events are the sidecar's own (its inspection raises them): one sent from outside could pass every other rule by. */
const EGRESS_REFUSED = "kind egress is raised by the sidecar's egress inspection only and cannot be sent";

interface RejectedEvent {
  index: number;
  eventId?: string;
  reasons: string[];
}

interface IngestOutcome {
  /** Events newly stored by this request. */
  accepted: number;
  /** Events already stored (earlier request or repeated in this batch): acknowledged, not processed again. */
  duplicates: number;
  rejected: RejectedEvent[];
  classifySeconds: number;
}

interface IngestDeps {
  store: Store;
  classifier: Classifier;
  /** The classify span, a child of the batch's; absent: none. */
  stages?: StageTracer;
}

/**
 * Validates each event, skips the ones the org already sent, classifies the rest in memory
 * and stores them without their values. Returns once the batch is durable. `orgId` is the
 * org's key (`orgKey`): event ids are unique per org, never across orgs. `traceParent`, the
 * batch's span, is the parent of the classify span and is stored with the events for the
 * stages that follow.
 */
export async function ingestBatch(
  deps: IngestDeps,
  batch: { orgId: string; batchId: string; events: unknown[]; traceParent?: string },
): Promise<IngestOutcome> {
  const rejected: RejectedEvent[] = [];
  const valid: LeakEvent[] = [];
  const seen = new Set<string>();
  let repeated = 0;
  batch.events.forEach((candidate, index) => {
    const reasons = (candidate as { kind?: unknown } | null)?.kind === 'egress' ? [EGRESS_REFUSED] : eventProblems(candidate);
    if (reasons) {
      rejected.push({ index, eventId: idOf(candidate), reasons });
      return;
    }
    const event = candidate as LeakEvent;
    const id = event.id.toLowerCase();
    if (seen.has(id)) repeated += 1;
    else {
      seen.add(id);
      valid.push({ ...event, id });
    }
  });
  const known = await knownEventIds(deps.store, batch.orgId, [...seen]);
  const fresh = valid.filter((e) => !known.has(e.id));
  const span = deps.stages?.start('classify', batch.traceParent, { 'leakwatch.org_id': batch.orgId, 'leakwatch.events': fresh.length });
  const started = performance.now();
  let classified;
  try {
    classified = await classifyEvents(deps.classifier, batch.orgId, fresh);
  } catch (err) {
    span?.end(err);
    throw err;
  }
  const classifySeconds = (performance.now() - started) / 1000;
  span?.set({ 'leakwatch.findings': classified.reduce((n, e) => n + e.findings.length, 0) });
  span?.end();
  const inserted = await persistEvents(deps.store, batch.batchId.toLowerCase(), classified, batch.traceParent);
  return {
    accepted: inserted.size,
    duplicates: repeated + known.size + (fresh.length - inserted.size),
    rejected,
    classifySeconds,
  };
}

function idOf(candidate: unknown): string | undefined {
  if (typeof candidate !== 'object' || candidate === null) return undefined;
  const id = (candidate as { id?: unknown }).id;
  return typeof id === 'string' ? id.slice(0, 64) : undefined;
}
