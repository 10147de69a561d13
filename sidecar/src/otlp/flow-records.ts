import type { Sql } from '../store/store.js';
import type { FlowSample } from './flows.js';

/** A flow (source → destination) of an org, whatever the day. */
export const pairKey = (source: string, destination: string): string => `${source}\u0000${destination}`;

/** Adds a request's samples to their days: counts summed, objects and fields merged, first/last seen widened. */
export async function upsertFlows(sql: Sql, orgId: string, samples: readonly FlowSample[]): Promise<void> {
  if (samples.length === 0) return;
  const rows = samples.map((s) => ({
    source: s.source,
    destination: s.destination,
    day: s.day,
    objects: [...s.objects].sort(),
    fields: [...s.fields].sort(),
    spans: s.spans,
    bytes: s.bytes,
    first_seen: new Date(s.firstMs).toISOString(),
    last_seen: new Date(s.lastMs).toISOString(),
  }));
  // Rows in key order, so concurrent upserts of overlapping flows cannot deadlock.
  const order = (r: (typeof rows)[number]) => `${pairKey(r.source, r.destination)}\u0000${r.day}`;
  rows.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  await sql.query(
    `INSERT INTO data_flow AS f (org_id, source, destination, day, objects, fields, spans, bytes, first_seen, last_seen)
     SELECT $1, x.source, x.destination, x.day, x.objects, x.fields, x.spans, x.bytes, x.first_seen, x.last_seen
       FROM jsonb_to_recordset($2::jsonb) AS x(source text, destination text, day date, objects jsonb, fields jsonb,
                                               spans bigint, bytes bigint, first_seen timestamptz, last_seen timestamptz)
     ON CONFLICT (org_id, source, destination, day) DO UPDATE SET
       objects = (SELECT coalesce(jsonb_agg(DISTINCT o ORDER BY o), '[]'::jsonb) FROM jsonb_array_elements(f.objects || EXCLUDED.objects) AS o),
       fields = (SELECT coalesce(jsonb_agg(DISTINCT o ORDER BY o), '[]'::jsonb) FROM jsonb_array_elements(f.fields || EXCLUDED.fields) AS o),
       spans = f.spans + EXCLUDED.spans,
       bytes = f.bytes + EXCLUDED.bytes,
       first_seen = least(f.first_seen, EXCLUDED.first_seen),
       last_seen = greatest(f.last_seen, EXCLUDED.last_seen)`,
    [orgId, JSON.stringify(rows)],
  );
}

interface Pair {
  source: string;
  destination: string;
}

/** Of these flows, those the org's store already holds (on any day). */
export async function knownFlows(sql: Sql, orgId: string, pairs: readonly Pair[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await sql.query<Pair>(
    `SELECT DISTINCT f.source, f.destination FROM data_flow f
       JOIN jsonb_to_recordset($2::jsonb) AS x(source text, destination text) ON x.source = f.source AND x.destination = f.destination
      WHERE f.org_id = $1`,
    [orgId, JSON.stringify(pairs)],
  );
  return new Set(rows.map((r) => pairKey(r.source, r.destination)));
}

/** Of these flows, the reasons they already raised a verdict for, as `pairKey|reason`. */
export async function raisedAlerts(sql: Sql, orgId: string, pairs: readonly Pair[]): Promise<Set<string>> {
  if (pairs.length === 0) return new Set();
  const rows = await sql.query<Pair & { reason: string }>(
    `SELECT a.source, a.destination, a.reason FROM data_flow_alert a
       JOIN jsonb_to_recordset($2::jsonb) AS x(source text, destination text) ON x.source = a.source AND x.destination = a.destination
      WHERE a.org_id = $1`,
    [orgId, JSON.stringify(pairs)],
  );
  return new Set(rows.map((r) => `${pairKey(r.source, r.destination)}|${r.reason}`));
}

export interface AlertClaim extends Pair {
  reason: string;
  eventId: string;
}

/** Claims each (flow, reason) once: returns the event ids of the claims this call won. */
export async function claimAlerts(sql: Sql, orgId: string, claims: readonly AlertClaim[]): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const rows = await sql.query<{ event_id: string }>(
    `INSERT INTO data_flow_alert (org_id, source, destination, reason, event_id)
     SELECT $1, x.source, x.destination, x.reason, x.event_id
       FROM jsonb_to_recordset($2::jsonb) AS x(source text, destination text, reason text, event_id uuid)
     ON CONFLICT (org_id, source, destination, reason) DO NOTHING
     RETURNING event_id::text AS event_id`,
    [orgId, JSON.stringify(claims.map((c) => ({ source: c.source, destination: c.destination, reason: c.reason, event_id: c.eventId })))],
  );
  return new Set(rows.map((r) => r.event_id));
}

/** One row of `data_flow` as read back. */
export interface FlowDayRow {
  source: string;
  destination: string;
  day: string;
  objects: string[];
  fields: string[];
  spans: number;
  bytes: number;
  firstSeen: string;
  lastSeen: string;
}

/** The org's flow days from `since` (a UTC day) on, newest first, at most `limit` rows. */
export async function selectFlowDays(sql: Sql, orgId: string, since: string, limit: number): Promise<FlowDayRow[]> {
  const rows = await sql.query<{
    source: string;
    destination: string;
    day: string;
    objects: string[];
    fields: string[];
    spans: string | number;
    bytes: string | number;
    first_seen: Date | string;
    last_seen: Date | string;
  }>(
    `SELECT source, destination, to_char(day, 'YYYY-MM-DD') AS day, objects, fields, spans, bytes, first_seen, last_seen
       FROM data_flow WHERE org_id = $1 AND day >= $2::date
      ORDER BY day DESC, source, destination LIMIT $3`,
    [orgId, since, limit],
  );
  return rows.map((r) => ({
    source: r.source,
    destination: r.destination,
    day: r.day,
    objects: r.objects,
    fields: r.fields,
    spans: Number(r.spans),
    bytes: Number(r.bytes),
    firstSeen: new Date(r.first_seen).toISOString(),
    lastSeen: new Date(r.last_seen).toISOString(),
  }));
}
