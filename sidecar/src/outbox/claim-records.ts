import type { Sql } from '../store/store.js';

export interface ClaimedRecord {
  id: string;
  orgId: string;
  sobject: string;
  externalIdField: string;
  externalId: string;
  record: Record<string, unknown>;
  attempts: number;
  acknowledgedAt: Date;
  /** The W3C trace context of the span that scored the record's event, when telemetry was on. */
  traceParent?: string;
}

/**
 * Leases up to `limit` due records whose parent verdict (if any) is already in the org.
 * SKIP LOCKED keeps replicas from claiming the same rows; the lease hands the rows of a
 * replica that died to another after `leaseMs`. Records come back as JSON text, parsed here rather
 * than in PGlite's thread and then copied across (see `claimEvents`).
 */
export async function claimRecords(sql: Sql, owner: string, limit: number, leaseMs: number): Promise<ClaimedRecord[]> {
  const rows = await sql.query<{
    id: string | number;
    org_id: string;
    sobject: string;
    external_id_field: string;
    external_id: string;
    record: string;
    attempts: number;
    acknowledged_at: Date | string;
    trace_parent: string | null;
  }>(
    `UPDATE outbox o
        SET lease_owner = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond'
      WHERE o.id IN (
        SELECT c.id FROM outbox c
         WHERE c.state = 'pending' AND c.next_attempt_at <= statement_timestamp()
           AND (c.lease_until IS NULL OR c.lease_until < clock_timestamp())
           AND (c.parent_id IS NULL OR EXISTS (SELECT 1 FROM outbox p WHERE p.id = c.parent_id AND p.state = 'done'))
         ORDER BY c.next_attempt_at, c.id
         LIMIT $3
         FOR UPDATE OF c SKIP LOCKED)
      RETURNING o.id::text AS id, o.org_id, o.sobject, o.external_id_field, o.external_id, o.record::text AS record, o.attempts, o.acknowledged_at, o.trace_parent`,
    [owner, leaseMs, limit],
  );
  return rows.map((r) => ({
    id: String(r.id),
    orgId: r.org_id,
    sobject: r.sobject,
    externalIdField: r.external_id_field,
    externalId: r.external_id,
    record: JSON.parse(r.record) as Record<string, unknown>,
    attempts: r.attempts,
    acknowledgedAt: new Date(r.acknowledged_at),
    ...(r.trace_parent ? { traceParent: r.trace_parent } : {}),
  }));
}
