import type { Sql } from '../store/store.js';
import type { SObjectRecord } from '../verdicts/sobject-record.js';

export interface ScoredEvent {
  eventId: string;
  orgId: string;
  receivedAt: Date;
  /** Empty when the event did not score. */
  records: SObjectRecord[];
  /** The W3C trace context of the span that scored the event, stored with its records for the write-back span. */
  traceParent?: string;
}

/**
 * In one transaction: queues the records of every scored event in the outbox and
 * closes the events. Re-running it for the same events queues nothing twice.
 */
export async function recordScoredEvents(sql: Sql, owner: string, scored: ScoredEvent[]): Promise<void> {
  if (scored.length === 0) return;
  await queueRecords(sql, scored);
  const states = JSON.stringify(scored.map((s) => ({ org_id: s.orgId, event_id: s.eventId, state: s.records.length > 0 ? 'scored' : 'quiet' })));
  await sql.query(
    `UPDATE ingested_event e
        SET state = x.state, processed_at = clock_timestamp(), lease_owner = NULL, lease_until = NULL, last_error = NULL
       FROM jsonb_to_recordset($1::jsonb) AS x(org_id text, event_id uuid, state text)
      WHERE e.org_id = x.org_id AND e.event_id = x.event_id AND e.lease_owner = $2`,
    [states, owner],
  );
}

/**
 * Queues records in the write-back outbox, each under the event it came from; a record already
 * queued under its external id is left as it is. Also for records that come from no new event
 * (an incident revised by what people recorded in the org, by a merge or a split).
 */
export async function queueRecords(sql: Sql, scored: readonly ScoredEvent[]): Promise<void> {
  const rows = scored.flatMap((s) =>
    s.records.map((r) => ({
      org_id: s.orgId,
      event_id: s.eventId,
      sobject: r.sobject,
      external_id_field: r.externalIdField,
      external_id: r.externalId,
      parent_sobject: r.parentExternalId === undefined ? null : (r.parentSobject ?? 'LeakVerdict__c'),
      parent_external_id: r.parentExternalId ?? null,
      record: r.fields,
      acknowledged_at: s.receivedAt.toISOString(),
      trace_parent: s.traceParent ?? null,
    })),
  );
  // A row refers to its parent's outbox id, so parents are inserted first: a row's level is one
  // more than its parent's when the parent is in this batch (an incident revision, then the
  // verdicts it holds, then their findings and reviews), 0 otherwise (its parent was queued before).
  const key = (orgId: string, sobject: string, externalId: string) => `${orgId}\u0000${sobject}\u0000${externalId}`;
  const inBatch = new Map(rows.map((r) => [key(r.org_id, r.sobject, r.external_id), r]));
  const levelOf = new Map<(typeof rows)[number], number>();
  const level = (r: (typeof rows)[number], depth = 0): number => {
    const known = levelOf.get(r);
    if (known !== undefined) return known;
    const parent = r.parent_external_id === null ? undefined : inBatch.get(key(r.org_id, r.parent_sobject as string, r.parent_external_id));
    const value = parent && parent !== r && depth < 10 ? level(parent, depth + 1) + 1 : 0;
    levelOf.set(r, value);
    return value;
  };
  const levels: (typeof rows)[] = [];
  for (const r of rows) (levels[level(r)] ??= []).push(r);
  for (const batch of levels) {
    if (!batch?.length) continue;
    await sql.query(
      `INSERT INTO outbox (org_id, event_id, sobject, external_id_field, external_id, record, acknowledged_at, trace_parent, parent_id)
       SELECT x.org_id, x.event_id, x.sobject, x.external_id_field, x.external_id, x.record, x.acknowledged_at, x.trace_parent,
              (SELECT p.id FROM outbox p
                WHERE x.parent_external_id IS NOT NULL
                  AND p.org_id = x.org_id AND p.sobject = x.parent_sobject AND p.external_id = x.parent_external_id)
         FROM jsonb_to_recordset($1::jsonb) AS x(org_id text, event_id uuid, sobject text, external_id_field text,
                                                  external_id text, record jsonb, acknowledged_at timestamptz,
                                                  parent_sobject text, parent_external_id text, trace_parent text)
       ON CONFLICT (org_id, sobject, external_id) DO NOTHING`,
      [JSON.stringify(batch)],
    );
  }
}

/** Puts an event the detector failed on back in the queue, or parks it as failed after `maxAttempts`. */
export async function recordScoringFailure(
  sql: Sql,
  owner: string,
  orgId: string,
  eventId: string,
  attempts: number,
  maxAttempts: number,
  delayMs: number,
  error: string,
): Promise<void> {
  await sql.query(
    `UPDATE ingested_event
        SET state = CASE WHEN $3::int >= $4::int THEN 'failed' ELSE 'pending' END,
            next_attempt_at = clock_timestamp() + $5 * interval '1 millisecond',
            lease_owner = NULL, lease_until = NULL, last_error = $6
      WHERE event_id = $1::uuid AND lease_owner = $2 AND org_id = $7`,
    [eventId, owner, attempts, maxAttempts, delayMs, error.slice(0, 1000), orgId],
  );
}
