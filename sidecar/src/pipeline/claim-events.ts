import type { StoredEvent } from '../ingest/stored-event.js';
import type { Sql } from '../store/store.js';

export interface ClaimedEvent {
  eventId: string;
  orgId: string;
  stored: StoredEvent;
  receivedAt: Date;
  attempts: number;
  /** The W3C trace context of the span that received the event's batch, when telemetry was on. */
  traceParent?: string;
}

/**
 * Leases up to `limit` due events to `owner`. SKIP LOCKED lets replicas claim side by side;
 * the lease lets another replica take over the events of one that died. The stored events come
 * back as JSON text, parsed here: on PGlite the store's thread, the busiest in a burst, would
 * otherwise parse each document and then copy the objects across to this one.
 */
export async function claimEvents(sql: Sql, owner: string, limit: number, leaseMs: number): Promise<ClaimedEvent[]> {
  const rows = await sql.query<{
    event_id: string;
    org_id: string;
    classified: string;
    received_at: Date | string;
    attempts: number;
    trace_parent: string | null;
  }>(
    `UPDATE ingested_event e
        SET lease_owner = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond', attempts = e.attempts + 1
      WHERE (e.org_id, e.event_id) IN (
        SELECT org_id, event_id FROM ingested_event
         WHERE state = 'pending' AND next_attempt_at <= statement_timestamp()
           AND (lease_until IS NULL OR lease_until < clock_timestamp())
         ORDER BY next_attempt_at
         LIMIT $3
         FOR UPDATE SKIP LOCKED)
      RETURNING e.event_id::text AS event_id, e.org_id, e.classified::text AS classified, e.received_at, e.attempts, e.trace_parent`,
    [owner, leaseMs, limit],
  );
  return rows.map((r) => ({
    eventId: r.event_id,
    orgId: r.org_id,
    // The column is the org's canonical key; events stored before migration 030 carry the form the package sent.
    stored: { ...(JSON.parse(r.classified) as StoredEvent), orgId: r.org_id },
    receivedAt: new Date(r.received_at),
    attempts: r.attempts,
    ...(r.trace_parent ? { traceParent: r.trace_parent } : {}),
  }));
}
