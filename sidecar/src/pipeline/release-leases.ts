import type { Sql } from '../store/store.js';

/**
 * Frees the leases a previous run of this replica held when it died, so its unfinished events,
 * write-backs and notifications are picked up at once rather than when the leases expire.
 */
export async function releaseOwnLeases(sql: Sql, owner: string): Promise<void> {
  await sql.query('UPDATE ingested_event SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [owner]);
  await sql.query('UPDATE outbox SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [owner]);
  await sql.query('UPDATE notification SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1', [owner]);
}
