import { randomUUID } from 'node:crypto';
import type { Sql } from '../store/store.js';
import type { SObjectRecord } from '../verdicts/sobject-record.js';
import { correlate, qualifies, type CorrelationInput, type IncidentSettings, type IncidentState } from './correlate.js';
import { incidentRecord, incidentRevisionKey } from './incident-record.js';

interface RecordedIncidents {
  /** One Incident__c record per incident changed, at its new revision. */
  records: SObjectRecord[];
  /** Event id → the incident its verdict joined, and the revision whose record names it. */
  membership: Map<string, { key: string; revision: number }>;
  changed: IncidentState[];
}

/**
 * Correlates a scored batch's verdicts into incidents, inside the transaction that queues the
 * verdicts: reads the org's incidents of the window (locked: replicas take turns per org), adds the
 * verdicts, writes the incidents and their members, and returns the Incident__c records to queue.
 * A verdict whose event already belongs to an incident (scored again after a crash) is left out.
 */
export async function recordIncidents(tx: Sql, inputs: readonly CorrelationInput[], settings: IncidentSettings): Promise<RecordedIncidents> {
  const none: RecordedIncidents = { records: [], membership: new Map(), changed: [] };
  const qualifying = inputs.filter((i) => qualifies(i.verdict, settings));
  if (qualifying.length === 0) return none;
  const byOrg = new Map<string, CorrelationInput[]>();
  for (const input of qualifying) byOrg.set(input.orgId, [...(byOrg.get(input.orgId) ?? []), input]);
  const result: RecordedIncidents = { records: [], membership: new Map(), changed: [] };
  for (const [orgId, items] of [...byOrg].sort(([a], [b]) => a.localeCompare(b))) {
    // One writer per org at a time, on every replica: two verdicts of one actor open one incident.
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('leakwatch.incident:' || $1))", [orgId]);
    const members = await tx.query<{ event_id: string }>(
      `SELECT event_id::text AS event_id FROM incident_member
        WHERE org_id = $1 AND event_id IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid)`,
      [orgId, JSON.stringify(items.map((i) => i.stored.event.id))],
    );
    const already = new Set(members.map((m) => m.event_id));
    const fresh = items.filter((i) => !already.has(i.stored.event.id.toLowerCase()));
    if (fresh.length === 0) continue;
    const times = fresh.map((i) => Date.parse(i.stored.event.occurredAt));
    const from = new Date(Math.min(...times) - settings.windowMs).toISOString();
    const known = await tx.query<{ state: IncidentState }>(
      'SELECT state FROM incident WHERE org_id = $1 AND last_verdict_at >= $2 ORDER BY last_verdict_at DESC LIMIT 200',
      [orgId, from],
    );
    const { changed, membership } = correlate(
      known.map((r) => r.state),
      fresh,
      settings,
      () => randomUUID(),
    );
    if (changed.length === 0) continue;
    await tx.query(
      `INSERT INTO incident (org_id, incident_key, revision, opened_at, last_verdict_at, state)
       SELECT $1, x.key::uuid, x.revision, x.opened_at::timestamptz, x.last_verdict_at::timestamptz, x.state
         FROM jsonb_to_recordset($2::jsonb) AS x(key text, revision int, opened_at text, last_verdict_at text, state jsonb)
       ON CONFLICT (org_id, incident_key) DO UPDATE
          SET revision = EXCLUDED.revision, last_verdict_at = EXCLUDED.last_verdict_at, state = EXCLUDED.state`,
      [orgId, JSON.stringify(changed.map((s) => ({ key: s.key, revision: s.revision, opened_at: s.openedAt, last_verdict_at: s.lastVerdictAt, state: s })))],
    );
    await tx.query(
      `INSERT INTO incident_member (org_id, event_id, incident_key)
       SELECT $1, x.event_id::uuid, x.key::uuid FROM jsonb_to_recordset($2::jsonb) AS x(event_id text, key text)
       ON CONFLICT (org_id, event_id) DO NOTHING`,
      [orgId, JSON.stringify([...membership].map(([eventId, key]) => ({ event_id: eventId, key })))],
    );
    const revisions = new Map(changed.map((s) => [s.key, s.revision]));
    for (const [eventId, key] of membership) result.membership.set(eventId, { key, revision: revisions.get(key) as number });
    result.records.push(...changed.map(incidentRecord));
    result.changed.push(...changed);
  }
  return result;
}

/** Links a verdict record to its incident: `Incident__r` by key, sent once that revision's Incident__c is in the org. */
export function linkVerdict(record: SObjectRecord, incident: { key: string; revision: number }): SObjectRecord {
  return {
    ...record,
    parentSobject: 'Incident__c',
    parentExternalId: incidentRevisionKey(incident.key, incident.revision),
    fields: { ...record.fields, Incident__r: { IncidentKey__c: incident.key } },
  };
}
