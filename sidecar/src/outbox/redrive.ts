import { orgKey } from '../contract/salesforce-id.js';
import type { Sql } from '../store/store.js';

/**
 * Puts an org's dead letters back in the queue for a fresh set of attempts: all of them,
 * or those of the given event ids. Returns how many records were re-queued.
 */
export async function redriveDeadLetters(sql: Sql, orgId: string, eventIds?: string[]): Promise<number> {
  const rows = await sql.query<{ id: string }>(
    `UPDATE outbox
        SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), lease_owner = NULL, lease_until = NULL
      WHERE state = 'dead' AND org_id = $1
        AND ($2::jsonb IS NULL OR event_id IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid))
      RETURNING id::text AS id`,
    [orgKey(orgId), eventIds ? JSON.stringify(eventIds) : null],
  );
  return rows.length;
}
