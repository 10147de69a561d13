import type { Detector } from '../contract/verdict.js';
import type { Store } from '../store/store.js';
import { verdictRecords } from '../verdicts/verdict-records.js';
import { claimEvents } from './claim-events.js';
import { recordScoredEvents, recordScoringFailure, type ScoredEvent } from './record-outcomes.js';

export interface ScoreStepOptions {
  store: Store;
  detector: Detector;
  owner: string;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Persists the detector's state once a batch's outcomes are recorded. */
  afterBatch?: () => Promise<void>;
  /**
   * Rolls the detector's state back to what `afterBatch` last persisted; called when a batch's
   * outcomes could not be recorded. Its events are claimed again once their leases expire, and
   * must then score as they did, not as events the detector has already counted and alerted on.
   */
  rollback?: () => Promise<void>;
  onScored?: (verdicts: number, quiet: number) => void;
  onFailure?: (eventId: string, err: unknown) => void;
}

/**
 * One step of the scoring stage: claims due events, scores them, queues their verdicts. Returns how many it claimed.
 * When `afterBatch` failed, the next step first persists again and claims nothing until that succeeds, so that a
 * rollback never takes back the state of events whose outcomes are already recorded.
 */
export function scoreStep(options: ScoreStepOptions): () => Promise<number> {
  const { store, detector, owner, batchSize = 200, leaseMs = 30_000, maxAttempts = 5 } = options;
  let persistOwed = false;
  const persist = async () => {
    persistOwed = true;
    await options.afterBatch?.();
    persistOwed = false;
  };
  return async () => {
    if (persistOwed) await persist();
    const claimed = await claimEvents(store, owner, batchSize, leaseMs);
    if (claimed.length === 0) return 0;
    const scored: ScoredEvent[] = [];
    try {
      for (const c of claimed) {
        try {
          const verdict = await detector.score({
            orgId: c.stored.orgId,
            event: c.stored.event,
            findings: c.stored.findings,
          });
          scored.push({
            eventId: c.eventId,
            orgId: c.orgId,
            receivedAt: c.receivedAt,
            records: verdict ? verdictRecords(c.stored, verdict, new Date()) : [],
          });
        } catch (err) {
          options.onFailure?.(c.eventId, err);
          const delay = Math.min(1_000 * 2 ** c.attempts, 300_000);
          await recordScoringFailure(
            store,
            owner,
            c.orgId,
            c.eventId,
            c.attempts,
            maxAttempts,
            delay,
            String((err as Error)?.message ?? err),
          );
        }
      }
      await store.transaction((tx) => recordScoredEvents(tx, owner, scored));
    } catch (err) {
      await options.rollback?.();
      throw err;
    }
    await persist();
    const verdicts = scored.filter((s) => s.records.length > 0).length;
    options.onScored?.(verdicts, scored.length - verdicts);
    return claimed.length;
  };
}
