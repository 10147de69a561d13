import type { Sql } from '../store/store.js';
import type { SnapshotWrite } from './source.js';

/** A source's stored cursor for one org (migration 040). */
interface Checkpoint<P = unknown> {
  position: P | undefined;
  version: number;
}

/** Thrown inside a page's transaction when another replica moved the cursor first: the page is rolled back. */
export class CheckpointMoved extends Error {
  override readonly name = 'CheckpointMoved';
}

const iso = (at: Date): string => at.toISOString();

/**
 * Takes the source's lease for `leaseMs` (or renews this owner's) and returns the cursor; undefined
 * when another replica holds an unexpired lease. The row is created on first use.
 */
export async function claimSource<P>(sql: Sql, orgId: string, source: string, owner: string, now: Date, leaseMs: number): Promise<Checkpoint<P> | undefined> {
  const until = new Date(now.getTime() + leaseMs);
  const rows = await sql.query<{ position: P | null; version: string | number }>(
    `INSERT INTO collector_checkpoint (org_id, source, lease_owner, lease_until, last_run_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (org_id, source) DO UPDATE
        SET lease_owner = EXCLUDED.lease_owner, lease_until = EXCLUDED.lease_until, last_run_at = EXCLUDED.last_run_at
      WHERE collector_checkpoint.lease_owner IS NULL
         OR collector_checkpoint.lease_owner = EXCLUDED.lease_owner
         OR collector_checkpoint.lease_until < $5
     RETURNING position, version`,
    [orgId, source, owner, iso(until), iso(now)],
  );
  const [row] = rows;
  if (!row) return undefined;
  return { position: row.position ?? undefined, version: Number(row.version) };
}

/** Gives the lease back so that another replica may read the source at once. */
export async function releaseSource(sql: Sql, orgId: string, source: string, owner: string): Promise<void> {
  await sql.query('UPDATE collector_checkpoint SET lease_owner = NULL, lease_until = NULL WHERE org_id = $1 AND source = $2 AND lease_owner = $3', [
    orgId,
    source,
    owner,
  ]);
}

interface PageWrite<P> {
  orgId: string;
  source: string;
  /** The version read with the cursor; the write fails with {@link CheckpointMoved} if it changed. */
  version: number;
  position: P;
  rows: number;
  lastRowAt: Date | undefined;
  now: Date;
  /** API calls the page cost. */
  calls: number;
  snapshot?: SnapshotWrite;
}

/**
 * Moves the cursor past a page, inside the transaction that stores the page's events; counts its
 * rows per hour and its API calls per day, and writes its snapshot rows. Returns the new version.
 */
export async function advanceCheckpoint<P>(tx: Sql, write: PageWrite<P>): Promise<number> {
  const { orgId, source, now } = write;
  const updated = await tx.query<{ version: string | number }>(
    `UPDATE collector_checkpoint
        SET position = $4::jsonb, version = version + 1, rows_total = rows_total + $5,
            last_row_at = GREATEST(last_row_at, $6::timestamptz), last_success_at = $7,
            available = true, last_error = NULL, last_error_at = NULL
      WHERE org_id = $1 AND source = $2 AND version = $3
      RETURNING version`,
    [orgId, source, write.version, JSON.stringify(write.position), write.rows, write.lastRowAt ? iso(write.lastRowAt) : null, iso(now)],
  );
  const [row] = updated;
  if (!row) throw new CheckpointMoved(`the ${source} cursor of org ${orgId} was moved by another replica`);
  if (write.rows > 0) {
    const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
    await tx.query(
      `INSERT INTO collector_hourly (org_id, source, hour, rows_read) VALUES ($1, $2, $3, $4)
       ON CONFLICT (org_id, source, hour) DO UPDATE SET rows_read = collector_hourly.rows_read + EXCLUDED.rows_read`,
      [orgId, source, iso(hour), write.rows],
    );
  }
  if (write.calls > 0) await addApiCalls(tx, orgId, now, write.calls);
  if (write.snapshot) await writeSnapshot(tx, orgId, source, write.snapshot);
  return Number(row.version);
}

/** Counts API calls spent without a page stored (a failed read, a deferred one). */
export async function addApiCalls(sql: Sql, orgId: string, now: Date, calls: number): Promise<void> {
  await sql.query(
    `INSERT INTO collector_api_calls (org_id, day, calls) VALUES ($1, $2::date, $3)
     ON CONFLICT (org_id, day) DO UPDATE SET calls = collector_api_calls.calls + EXCLUDED.calls`,
    [orgId, iso(now).slice(0, 10), calls],
  );
}

/** API calls every replica's collectors spent on the org in the last 24 hours (today and the part of yesterday). */
export async function apiCallsSpent(sql: Sql, orgId: string, now: Date): Promise<number> {
  const [row] = await sql.query<{ calls: string | number | null }>('SELECT sum(calls) AS calls FROM collector_api_calls WHERE org_id = $1 AND day = $2::date', [
    orgId,
    iso(now).slice(0, 10),
  ]);
  return Number(row?.calls ?? 0);
}

/**
 * Records that a stream source is healthy without a page to store: its subscription opened (a
 * quiet topic stores nothing for hours). Clears the last error, as a stored page does.
 */
export async function noteSubscribed(sql: Sql, orgId: string, source: string, now: Date): Promise<void> {
  await sql.query(
    `UPDATE collector_checkpoint SET last_success_at = $3, available = true, last_error = NULL, last_error_at = NULL
      WHERE org_id = $1 AND source = $2`,
    [orgId, source, iso(now)],
  );
}

/** Records a failed read; `available` false means the org cannot provide the source at all. */
export async function noteSourceError(sql: Sql, orgId: string, source: string, now: Date, message: string, available?: boolean): Promise<void> {
  await sql.query(
    `INSERT INTO collector_checkpoint (org_id, source, last_error, last_error_at, errors_total, available)
     VALUES ($1, $2, $3, $4, 1, $5)
     ON CONFLICT (org_id, source) DO UPDATE
        SET last_error = EXCLUDED.last_error, last_error_at = EXCLUDED.last_error_at,
            errors_total = collector_checkpoint.errors_total + 1,
            available = COALESCE(EXCLUDED.available, collector_checkpoint.available)`,
    [orgId, source, message.slice(0, 1_000), iso(now), available ?? null],
  );
}

/** What a snapshot source stored of each row last time. */
export async function readSnapshot(sql: Sql, orgId: string, source: string): Promise<Map<string, Record<string, unknown>>> {
  const rows = await sql.query<{ row_id: string; state: Record<string, unknown> }>(
    'SELECT row_id, state FROM collector_snapshot WHERE org_id = $1 AND source = $2',
    [orgId, source],
  );
  return new Map(rows.map((r) => [r.row_id, r.state]));
}

async function writeSnapshot(tx: Sql, orgId: string, source: string, snapshot: SnapshotWrite): Promise<void> {
  if (snapshot.upsert.length > 0) {
    await tx.query(
      `INSERT INTO collector_snapshot (org_id, source, row_id, state)
       SELECT $1, $2, x.row_id, x.state FROM jsonb_to_recordset($3::jsonb) AS x(row_id text, state jsonb)
       ON CONFLICT (org_id, source, row_id) DO UPDATE SET state = EXCLUDED.state`,
      [orgId, source, JSON.stringify(snapshot.upsert.map((r) => ({ row_id: r.rowId, state: r.state })))],
    );
  }
  if (snapshot.remove.length > 0) {
    await tx.query(
      `DELETE FROM collector_snapshot WHERE org_id = $1 AND source = $2
          AND row_id IN (SELECT jsonb_array_elements_text($3::jsonb))`,
      [orgId, source, JSON.stringify(snapshot.remove)],
    );
  }
}

/** Hourly row counts are kept this long (the coverage map reads the last 24 hours), API call counts per day this long. */
const KEEP_HOURLY_COUNTS_MS = 8 * 86_400_000;
const KEEP_API_CALL_DAYS_MS = 3 * 86_400_000;

/** Drops hourly counts older than eight days and daily call counts older than three, for every org. */
export async function pruneCollectorCounts(sql: Sql, now: Date): Promise<void> {
  await sql.query('DELETE FROM collector_hourly WHERE hour < $1', [iso(new Date(now.getTime() - KEEP_HOURLY_COUNTS_MS))]);
  await sql.query('DELETE FROM collector_api_calls WHERE day < $1::date', [iso(new Date(now.getTime() - KEEP_API_CALL_DAYS_MS)).slice(0, 10)]);
}
