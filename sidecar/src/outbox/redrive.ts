import type { Sql } from '../store/store.js';

/** Puts dead letters back in the queue for a fresh set of attempts; all of them, or those of the given event ids. */
export async function redriveDeadLetters(sql: Sql, eventIds?: string[]): Promise<number> {
  const rows = await sql.query<{ id: string }>(
    `UPDATE outbox
        SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), lease_owner = NULL, lease_until = NULL
      WHERE state = 'dead'
        AND ($1::jsonb IS NULL OR event_id IN (SELECT jsonb_array_elements_text($1::jsonb)::uuid))
      RETURNING id::text AS id`,
    [eventIds ? JSON.stringify(eventIds) : null],
  );
  return rows.length;
}
