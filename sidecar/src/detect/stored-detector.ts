import { resolveDetectionConfig } from './config.js';
import { createDetector, type DetectionEngine, type DetectorOptions } from './detector.js';
import { SqlStateStore, type SqlExecutor } from './sql-state.js';

export interface StoredDetector {
  detector: DetectionEngine;
  /** Writes the state changes of the events scored so far; call after each scored batch is recorded. */
  flush(): Promise<void>;
}

/**
 * The detector over SQL state (PGlite or PostgreSQL, migrations 020 and 021):
 * scoring stays in memory, `flush` persists. Increments are applied at least
 * once: an event re-scored after a crash between flush and acknowledgement
 * counts twice in its hour's bucket, which only widens that hour's baseline a
 * little. The alert ledger is flushed too, so a window that alerted before a
 * restart (or on another replica, once this one re-opens the org) alerts again
 * only when its total doubles; flushing after the verdicts are recorded means
 * no alert is remembered whose verdict was lost.
 */
export function createStoredDetector(sql: SqlExecutor, options: Omit<DetectorOptions, 'states'> = {}): StoredDetector {
  const states = new SqlStateStore(sql, resolveDetectionConfig(options.config));
  return { detector: createDetector({ ...options, states }), flush: () => states.flush() };
}
