import type { Store } from '../store/store.js';
import { batchSpans } from '../telemetry/batch-spans.js';
import { TELEMETRY_OFF, type StageTracer } from '../telemetry/stage-tracer.js';
import { claimRecords, type ClaimedRecord } from './claim-records.js';
import { deliverRecords, type RetryPolicy } from './deliver-records.js';
import type { OrgClientResolver } from './org-client.js';
import { settleRecords, type Settlement } from './settle-records.js';

interface WriteBackStepOptions {
  store: Store;
  clientFor: OrgClientResolver;
  owner: string;
  policy: RetryPolicy;
  batchSize?: number;
  leaseMs?: number;
  onSettled?: (claimed: ClaimedRecord[], settlements: Settlement[]) => void;
  /** A `leakwatch.writeback` span per batch among the claimed records (see `batchSpans`); absent: none. */
  stages?: StageTracer;
}

/** One step of the write-back stage: claim due records, upsert them, record the outcomes. Returns how many it claimed. */
export function writeBackStep(options: WriteBackStepOptions): () => Promise<number> {
  const { store, clientFor, owner, policy, batchSize = 400, leaseMs = 60_000 } = options;
  return async () => {
    const claimed = await claimRecords(store, owner, batchSize, leaseMs);
    if (claimed.length === 0) return 0;
    const spans = batchSpans(
      options.stages ?? TELEMETRY_OFF,
      'writeback',
      claimed,
      { traceParent: (r) => r.traceParent, orgId: (r) => r.orgId },
      'leakwatch.records',
    );
    let settlements: Settlement[];
    try {
      settlements = await deliverRecords(claimed, clientFor, policy);
      await settleRecords(store, owner, settlements);
    } catch (err) {
      spans.endAll(err);
      throw err;
    }
    const outcomeOf = new Map(settlements.map((s) => [s.id, s.outcome]));
    for (const { span, items } of spans.batches()) {
      const count = (outcome: Settlement['outcome']) => items.filter((r) => outcomeOf.get(r.id) === outcome).length;
      span.set({
        'leakwatch.records.done': count('done'),
        'leakwatch.records.retry': count('retry'),
        'leakwatch.records.dead': count('dead'),
        'leakwatch.sobjects': [...new Set(items.map((r) => r.sobject))].sort(),
      });
    }
    spans.endAll();
    options.onSettled?.(claimed, settlements);
    return claimed.length;
  };
}
