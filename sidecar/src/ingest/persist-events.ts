import type { Sql } from '../store/store.js';
import type { StoredEvent } from './stored-event.js';

/** The ids among `ids` that the store already holds for this org (lower-case). Other orgs' events never count. */
export async function knownEventIds(sql: Sql, orgId: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await sql.query<{ event_id: string }>(
    `SELECT event_id::text AS event_id FROM ingested_event
      WHERE org_id = $1 AND event_id = ANY($2::uuid[])`,
    [orgId, ids],
  );
  return new Set(rows.map((r) => r.event_id));
}

/**
 * Persists classified events in one statement; returns the ids newly stored (others were already known to their org).
 * `traceParent` is the W3C trace context of the span that received the batch, when the sidecar's telemetry is on.
 */
export async function persistEvents(sql: Sql, batchId: string, events: StoredEvent[], traceParent?: string): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const rows = events.map((e) => ({
    event_id: e.event.id,
    org_id: e.orgId,
    batch_id: batchId,
    kind: e.event.kind,
    classified: e,
    trace_parent: traceParent ?? null,
  }));
  const inserted = await sql.query<{ event_id: string }>(
    `INSERT INTO ingested_event (event_id, org_id, batch_id, kind, classified, trace_parent)
     SELECT x.event_id, x.org_id, x.batch_id, x.kind, x.classified, x.trace_parent
       FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, org_id text, batch_id uuid, kind text, classified jsonb,
                                                trace_parent text)
     ON CONFLICT (org_id, event_id) DO NOTHING
     RETURNING event_id::text AS event_id`,
    [JSON.stringify(rows)],
  );
  return new Set(inserted.map((r) => r.event_id));
}
