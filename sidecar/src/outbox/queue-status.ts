import { orgKey } from '../contract/salesforce-id.js';
import type { Sql } from '../store/store.js';

interface QueueStatus {
  eventsPending: number;
  eventsFailed: number;
  writeBacksPending: number;
  oldestPendingWriteBack: string | null;
  deadLetters: number;
}

/**
 * Depths of the scoring queue and the outbox, the oldest pending write-back and the dead letters:
 * of one org (15- or 18-character id), or of every org when `orgId` is omitted (the operator's view).
 */
export async function queueStatus(sql: Sql, orgId?: string): Promise<QueueStatus> {
  const ofOrg = orgId === undefined ? '' : 'AND org_id = $1';
  const [row] = await sql.query<{
    events_pending: string | number;
    events_failed: string | number;
    outbox_pending: string | number;
    oldest: Date | string | null;
    dead: string | number;
  }>(
    `SELECT (SELECT count(*) FROM ingested_event WHERE state = 'pending' ${ofOrg}) AS events_pending,
            (SELECT count(*) FROM ingested_event WHERE state = 'failed' ${ofOrg}) AS events_failed,
            (SELECT count(*) FROM outbox WHERE state = 'pending' ${ofOrg}) AS outbox_pending,
            (SELECT min(created_at) FROM outbox WHERE state = 'pending' ${ofOrg}) AS oldest,
            (SELECT count(*) FROM outbox WHERE state = 'dead' ${ofOrg}) AS dead`,
    orgId === undefined ? [] : [orgKey(orgId)],
  );
  return {
    eventsPending: Number(row?.events_pending ?? 0),
    eventsFailed: Number(row?.events_failed ?? 0),
    writeBacksPending: Number(row?.outbox_pending ?? 0),
    oldestPendingWriteBack: row?.oldest ? new Date(row.oldest).toISOString() : null,
    deadLetters: Number(row?.dead ?? 0),
  };
}
