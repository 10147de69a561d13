import { orgKey } from '../contract/salesforce-id.js';
import type { Sql } from '../store/store.js';

/** What the sidecar knows of one source of one org, from what it actually read. */
export interface SourceCoverage {
  source: string;
  /** null: never read yet; false: the org said it cannot provide it (see `lastError`). */
  available: boolean | null;
  /** When the newest row read happened in the org. */
  lastRowAt: string | null;
  /**
   * How far behind the org the source is, in seconds (null before the first row): now − lastRowAt
   * for a polled source; for a stream (`/event/…`), how long after they happened its last events
   * were stored (a quiet stream is not behind).
   */
  lagSeconds: number | null;
  /** Rows read in the last 24 hours. */
  rows24h: number;
  rowsTotal: number;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  errorsTotal: number;
  /** EventLogFile only: the event types and intervals the org has produced files of, newest file first. */
  eventLogTypes?: EventLogType[];
}

interface EventLogType {
  eventType: string;
  interval: string;
  lastFileAt: string;
}

/** Per source: last row, lag, rows in 24 h, errors and availability, for one org (the coverage map). */
export async function collectorCoverage(sql: Sql, orgId: string, now: Date = new Date()): Promise<SourceCoverage[]> {
  const key = orgKey(orgId);
  const rows = await sql.query<{
    source: string;
    available: boolean | null;
    last_row_at: Date | string | null;
    rows_total: string | number;
    last_success_at: Date | string | null;
    last_error: string | null;
    last_error_at: Date | string | null;
    errors_total: string | number;
    rows_24h: string | number | null;
  }>(
    `SELECT c.source, c.available, c.last_row_at, c.rows_total, c.last_success_at, c.last_error, c.last_error_at, c.errors_total,
            (SELECT sum(h.rows_read) FROM collector_hourly h
              WHERE h.org_id = c.org_id AND h.source = c.source AND h.hour >= $2) AS rows_24h
       FROM collector_checkpoint c WHERE c.org_id = $1 ORDER BY c.source`,
    [key, new Date(now.getTime() - 24 * 3_600_000).toISOString()],
  );
  const iso = (v: Date | string | null) => (v === null ? null : new Date(v).toISOString());
  const logTypes = await sql.query<{ state: EventLogType }>(
    `SELECT state FROM collector_snapshot WHERE org_id = $1 AND source = 'EventLogFile' ORDER BY row_id`,
    [key],
  );
  const eventLogTypes = logTypes.map((r) => r.state).sort((a, b) => b.lastFileAt.localeCompare(a.lastFileAt));
  return rows.map((r) => {
    const lastRowAt = iso(r.last_row_at);
    return {
      source: r.source,
      available: r.available,
      lastRowAt,
      lagSeconds: lagOf(r.source, lastRowAt, iso(r.last_success_at), now),
      rows24h: Number(r.rows_24h ?? 0),
      rowsTotal: Number(r.rows_total),
      lastSuccessAt: iso(r.last_success_at),
      lastError: r.last_error,
      lastErrorAt: iso(r.last_error_at),
      errorsTotal: Number(r.errors_total),
      ...(r.source === 'EventLogFile' ? { eventLogTypes } : {}),
    };
  });
}

function lagOf(source: string, lastRowAt: string | null, lastSuccessAt: string | null, now: Date): number | null {
  if (!lastRowAt) return null;
  const until = source.startsWith('/event/') && lastSuccessAt ? Date.parse(lastSuccessAt) : now.getTime();
  return Math.max(0, Math.round((until - Date.parse(lastRowAt)) / 1_000));
}
