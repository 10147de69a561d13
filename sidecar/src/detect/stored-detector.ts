import { resolveDetectionConfig } from './config.js';
import { createDetector, type DetectionEngine, type DetectorOptions } from './detector.js';
import { SqlStateStore, type SqlExecutor } from './sql-state.js';

/** How the service keeps a detector's in-memory state in step with storage. */
export interface DetectionStatePersistence {
  /** Writes every state change made so far; call once the outcomes of the events scored so far are recorded. */
  flush(): Promise<void>;
  /**
   * Writes only what reviewers taught (suppressions, canaries), never scoring changes, so it is
   * safe while a scored batch's outcomes are still being recorded (the feedback stage calls it).
   */
  flushLearnt(): Promise<void>;
  /**
   * Rolls the state back to what was last flushed, keeping what reviewers taught; call when a
   * scored batch's outcomes could not be recorded, so that its events score afresh when claimed again.
   */
  discard(): Promise<void>;
}

interface StoredDetector extends DetectionStatePersistence {
  detector: DetectionEngine;
}

/**
 * The detector over SQL state (PGlite or PostgreSQL, migrations 020 and 021):
 * scoring stays in memory, `flush` persists. Increments are applied at least
 * once: an event re-scored after a crash between flush and acknowledgement
 * counts twice in its hour's bucket, which only widens that hour's baseline a
 * little. The alert ledger is flushed too, so a window that alerted before a
 * restart (or on another replica, once this one re-opens the org) alerts again
 * only when its total doubles. Scoring changes are written only by `flush`,
 * after the verdicts are recorded, and `discard` drops them when recording
 * fails: no alert is remembered whose verdict was lost.
 */
export function createStoredDetector(sql: SqlExecutor, options: Omit<DetectorOptions, 'states'> = {}): StoredDetector {
  const states = new SqlStateStore(sql, resolveDetectionConfig(options.config), options.now);
  return {
    detector: createDetector({ ...options, states }),
    flush: () => states.flush(),
    flushLearnt: () => states.flushLearnt(),
    discard: () => states.discard(),
  };
}
