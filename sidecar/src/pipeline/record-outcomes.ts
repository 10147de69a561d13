import type { Sql } from '../store/store.js';
import type { SObjectRecord } from '../verdicts/sobject-record.js';

export interface ScoredEvent {
  eventId: string;
  orgId: string;
  receivedAt: Date;
  /** Empty when the event did not score. */
  records: SObjectRecord[];
}

/**
 * In one transaction: queues the records of every scored event in the outbox and
 * closes the events. Re-running it for the same events queues nothing twice.
 */
export async function recordScoredEvents(sql: Sql, owner: string, scored: ScoredEvent[]): Promise<void> {
  if (scored.length === 0) return;
  const rows = scored.flatMap((s) =>
    s.records.map((r) => ({
      org_id: s.orgId,
      event_id: s.eventId,
      sobject: r.sobject,
      external_id_field: r.externalIdField,
      external_id: r.externalId,
      parent_external_id: r.parentExternalId ?? null,
      record: r.fields,
      acknowledged_at: s.receivedAt.toISOString(),
    })),
  );
  const parents = JSON.stringify(rows.filter((r) => r.parent_external_id === null));
  const children = JSON.stringify(rows.filter((r) => r.parent_external_id !== null));
  const states = JSON.stringify(
    scored.map((s) => ({ org_id: s.orgId, event_id: s.eventId, state: s.records.length > 0 ? 'scored' : 'quiet' })),
  );
  await sql.query(
    `INSERT INTO outbox (org_id, event_id, sobject, external_id_field, external_id, record, acknowledged_at)
     SELECT x.org_id, x.event_id, x.sobject, x.external_id_field, x.external_id, x.record, x.acknowledged_at
       FROM jsonb_to_recordset($1::jsonb) AS x(org_id text, event_id uuid, sobject text, external_id_field text,
                                                external_id text, record jsonb, acknowledged_at timestamptz)
     ON CONFLICT (org_id, sobject, external_id) DO NOTHING`,
    [parents],
  );
  await sql.query(
    `INSERT INTO outbox (org_id, event_id, sobject, external_id_field, external_id, record, acknowledged_at, parent_id)
     SELECT x.org_id, x.event_id, x.sobject, x.external_id_field, x.external_id, x.record, x.acknowledged_at,
            (SELECT p.id FROM outbox p
              WHERE p.org_id = x.org_id AND p.sobject = 'LeakVerdict__c' AND p.external_id = x.parent_external_id)
       FROM jsonb_to_recordset($1::jsonb) AS x(org_id text, event_id uuid, sobject text, external_id_field text,
                                                external_id text, record jsonb, acknowledged_at timestamptz,
                                                parent_external_id text)
     ON CONFLICT (org_id, sobject, external_id) DO NOTHING`,
    [children],
  );
  await sql.query(
    `UPDATE ingested_event e
        SET state = x.state, processed_at = clock_timestamp(), lease_owner = NULL, lease_until = NULL, last_error = NULL
       FROM jsonb_to_recordset($1::jsonb) AS x(org_id text, event_id uuid, state text)
      WHERE e.org_id = x.org_id AND e.event_id = x.event_id AND e.lease_owner = $2`,
    [states, owner],
  );
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
