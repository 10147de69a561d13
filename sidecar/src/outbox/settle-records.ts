import type { Sql } from '../store/store.js';

export type Settlement =
  { id: string; outcome: 'done' } | { id: string; outcome: 'retry'; delayMs: number; error: string } | { id: string; outcome: 'dead'; error: string };

/** Writes what happened to each claimed record; only rows still leased to `owner` change. */
export async function settleRecords(sql: Sql, owner: string, settlements: Settlement[]): Promise<void> {
  if (settlements.length === 0) return;
  const rows = settlements.map((s) => ({
    id: s.id,
    state: s.outcome === 'retry' ? 'pending' : s.outcome,
    delay_ms: s.outcome === 'retry' ? s.delayMs : 0,
    error: s.outcome === 'done' ? null : s.error.slice(0, 1000),
  }));
  await sql.query(
    `UPDATE outbox o
        SET state = x.state,
            attempts = o.attempts + 1,
            next_attempt_at = clock_timestamp() + x.delay_ms * interval '1 millisecond',
            done_at = CASE WHEN x.state = 'done' THEN clock_timestamp() END,
            last_error = x.error,
            lease_owner = NULL, lease_until = NULL
       FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, state text, delay_ms integer, error text)
      WHERE o.id = x.id AND o.lease_owner = $2`,
    [JSON.stringify(rows), owner],
  );
}
