import { orgKey } from '../contract/salesforce-id.js';
import type { Sql } from '../store/store.js';
import type { FeedbackCursor } from './false-positive-query.js';

/** Where this replica stopped reading an org's false positives (migration 022); undefined before its first. */
export async function readWatermark(sql: Sql, orgId: string, replica: string): Promise<FeedbackCursor | undefined> {
  const [row] = await sql.query<{ last_modified: Date | string | null; last_id: string | null }>(
    'SELECT last_modified, last_id FROM feedback_watermark WHERE org_id = $1 AND replica = $2',
    [orgKey(orgId), replica],
  );
  if (!row?.last_modified || !row.last_id) return undefined;
  return { lastModified: new Date(row.last_modified), id: row.last_id };
}

/** Moves the watermark past a page of verdicts; call only once their suppressions are persisted. */
export async function advanceWatermark(sql: Sql, orgId: string, replica: string, cursor: FeedbackCursor): Promise<void> {
  await sql.query(
    `INSERT INTO feedback_watermark (org_id, replica, last_modified, last_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (org_id, replica) DO UPDATE SET last_modified = EXCLUDED.last_modified, last_id = EXCLUDED.last_id`,
    [orgKey(orgId), replica, cursor.lastModified.toISOString(), cursor.id],
  );
}

/** Records that a poll of the org read everything due without an error. */
export async function notePolled(sql: Sql, orgId: string, replica: string, at: Date): Promise<void> {
  await sql.query(
    `INSERT INTO feedback_watermark (org_id, replica, polled_at) VALUES ($1, $2, $3)
     ON CONFLICT (org_id, replica) DO UPDATE SET polled_at = EXCLUDED.polled_at`,
    [orgKey(orgId), replica, at.toISOString()],
  );
}

/** The end of the last successful poll of an org's feedback by any replica, or null. */
export async function lastFeedbackPoll(sql: Sql, orgId: string): Promise<string | null> {
  const [row] = await sql.query<{ polled_at: Date | string | null }>('SELECT max(polled_at) AS polled_at FROM feedback_watermark WHERE org_id = $1', [
    orgKey(orgId),
  ]);
  return row?.polled_at ? new Date(row.polled_at).toISOString() : null;
}
