import { randomUUID } from 'node:crypto';
import { SIDECAR_ACTOR_ID } from '../contract/event.js';
import { atLeast } from '../detect/severity.js';
import { incidentEvidence } from '../evidence/entries.js';
import { appendEvidence } from '../evidence/log.js';
import type { JsonValue } from '../evidence/chain.js';
import { queueNotifications } from '../notify/outbox.js';
import type { ConfiguredTarget } from '../notify/targets.js';
import { queueRecords } from '../pipeline/record-outcomes.js';
import type { Sql } from '../store/store.js';
import type { SObjectRecord } from '../verdicts/sobject-record.js';
import { MAX_VERDICTS, PERSON_OBJECTS, titleOf, type IncidentSettings, type IncidentState, type IncidentVerdict } from './correlate.js';
import { storeDrafts } from './draft-store.js';
import { incidentRecord, incidentRevisionKey } from './incident-record.js';

/** Why a merge or a split cannot be done: the caller's mistake, said so it can be put right. */
export class IncidentChangeError extends Error {
  override readonly name = 'IncidentChangeError';
  constructor(
    message: string,
    readonly statusCode: 404 | 409 | 400,
  ) {
    super(message);
  }
}

const union = (...lists: ReadonlyArray<readonly (string | undefined)[]>): string[] => [...new Set(lists.flat().filter((x): x is string => !!x))].sort();
const earliest = (...times: ReadonlyArray<string | undefined>): string => times.filter((t): t is string => !!t).sort()[0] as string;
const latest = (...times: ReadonlyArray<string | undefined>): string =>
  times
    .filter((t): t is string => !!t)
    .sort()
    .at(-1) as string;
const highest = (severities: ReadonlyArray<IncidentState['severity']>): IncidentState['severity'] =>
  severities.reduce((top, s) => (atLeast(s, top) ? s : top), 'Low' as IncidentState['severity']);

/**
 * Incidents merged into the first: one incident holding every verdict, counts added, the earliest
 * detection and awareness (the clocks run from the first moment anyone could know), the highest
 * severity. The survivor keeps its own key and what the org recorded on it.
 */
export function mergeStates(survivor: IncidentState, others: readonly IncidentState[]): IncidentState {
  const all = [survivor, ...others];
  const verdicts = all
    .flatMap((s) => s.verdicts)
    .sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))
    .slice(-MAX_VERDICTS);
  const aware = all.filter((s) => s.awarenessAt);
  const merged: IncidentState = {
    ...survivor,
    revision: survivor.revision + 1,
    openedAt: earliest(...all.map((s) => s.openedAt)),
    firstEventAt: earliest(...all.map((s) => s.firstEventAt)),
    lastVerdictAt: latest(...all.map((s) => s.lastVerdictAt)),
    severity: highest(all.map((s) => s.severity)),
    canary: all.some((s) => s.canary),
    actors: union(...all.map((s) => s.actors)),
    actorNames: union(...all.map((s) => s.actorNames)),
    apps: union(...all.map((s) => s.apps)),
    sessions: union(...all.map((s) => s.sessions)),
    objects: union(...all.map((s) => s.objects)),
    dataCategories: union(...all.map((s) => s.dataCategories)),
    estimatedRecords: all.reduce((n, s) => n + s.estimatedRecords, 0),
    estimatedSubjects: all.reduce((n, s) => n + s.estimatedSubjects, 0),
    verdictCount: all.reduce((n, s) => n + s.verdictCount, 0),
    verdicts,
    ...(aware.length > 0
      ? {
          awarenessAt: earliest(...aware.map((s) => s.awarenessAt)),
          awarenessBasis: aware.find((s) => s.awarenessAt === earliest(...aware.map((a) => a.awarenessAt)))?.awarenessBasis ?? 'detection',
        }
      : {}),
  };
  return { ...merged, title: titleOf(merged) };
}

/** An incident's facts as its verdicts give them: what a split leaves on each side. */
function fromVerdicts(
  base: IncidentState,
  verdicts: readonly IncidentVerdict[],
  counts: { records: number; subjects: number; verdicts: number },
): IncidentState {
  const acting = verdicts.filter((v) => v.actorId !== SIDECAR_ACTOR_ID);
  const state: IncidentState = {
    ...base,
    firstEventAt: earliest(...verdicts.map((v) => v.occurredAt)),
    lastVerdictAt: latest(...verdicts.map((v) => v.occurredAt)),
    severity: highest(verdicts.map((v) => (v.severity === 'Info' ? 'Low' : v.severity))),
    canary: verdicts.some((v) => v.codes.includes('canary_touched') || v.codes.includes('canary_value_seen')),
    actors: union(acting.map((v) => v.actorId)),
    actorNames: union(acting.map((v) => v.actorName)),
    apps: union(verdicts.map((v) => v.connectedAppId)),
    sessions: union(verdicts.map((v) => v.sessionId)),
    objects: union(verdicts.map((v) => v.object)),
    estimatedRecords: counts.records,
    estimatedSubjects: counts.subjects,
    verdictCount: counts.verdicts,
    verdicts: [...verdicts],
  };
  return { ...state, title: titleOf(state) };
}

const recordsOf = (verdicts: readonly IncidentVerdict[]) => ({
  records: verdicts.reduce((n, v) => n + (v.recordCount ?? 0), 0),
  subjects: verdicts.reduce((n, v) => n + (v.object && PERSON_OBJECTS.has(v.object) ? (v.recordCount ?? 0) : 0), 0),
  verdicts: verdicts.length,
});

/**
 * Verdicts split out of an incident into a new one. The new incident is detected when its
 * earliest verdict was, and keeps the original's awareness: a split does not restart a clock.
 * Data categories are kept on both sides, since the incident records them for all its verdicts
 * together. Counts move with the verdicts.
 */
export function splitState(state: IncidentState, eventIds: ReadonlySet<string>, newKey: string): { remaining: IncidentState; split: IncidentState } {
  const moving = state.verdicts.filter((v) => eventIds.has(v.eventId));
  const staying = state.verdicts.filter((v) => !eventIds.has(v.eventId));
  const moved = recordsOf(moving);
  const remaining = fromVerdicts({ ...state, revision: state.revision + 1 }, staying, {
    records: Math.max(0, state.estimatedRecords - moved.records),
    subjects: Math.max(0, state.estimatedSubjects - moved.subjects),
    verdicts: state.verdictCount - moved.verdicts,
  });
  const { org: _org, mergedInto: _merged, ...rest } = state;
  const split = fromVerdicts(
    {
      ...rest,
      key: newKey,
      revision: 1,
      openedAt: earliest(...moving.map((v) => v.detectedAt)),
      awarenessAt: state.awarenessAt ?? state.openedAt,
      awarenessBasis: state.awarenessBasis ?? 'detection',
    },
    moving,
    moved,
  );
  return { remaining, split };
}

interface IncidentChangeOptions {
  settings: IncidentSettings;
  notifyTargets?: readonly ConfiguredTarget[];
  /** The Salesforce user who asked for it, for the evidence log; absent: the caller holding the org's secret. */
  requestedBy?: string;
}

async function lockedStates(tx: Sql, orgId: string, keys: readonly string[]): Promise<Map<string, IncidentState>> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtext('leakwatch.incident:' || $1))", [orgId]);
  const rows = await tx.query<{ state: IncidentState }>(
    'SELECT state FROM incident WHERE org_id = $1 AND incident_key IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid)',
    [orgId, JSON.stringify(keys)],
  );
  return new Map(rows.map((r) => [r.state.key, r.state]));
}

/**
 * Records the incidents a merge or a split changed, in the caller's transaction: their state and
 * members, Incident__c revisions and the verdicts moved to their new incident for the write-back,
 * evidence (the decision and each revision), drafts and notifications.
 */
async function recordChange(
  tx: Sql,
  orgId: string,
  changed: readonly IncidentState[],
  moved: ReadonlyMap<string, IncidentState>,
  decision: { kind: 'merge' | 'split'; subject: string; data: Record<string, JsonValue> },
  options: IncidentChangeOptions,
): Promise<void> {
  await tx.query(
    `INSERT INTO incident (org_id, incident_key, revision, opened_at, last_verdict_at, state)
     SELECT $1, x.key::uuid, x.revision, x.opened_at::timestamptz, x.last_verdict_at::timestamptz, x.state
       FROM jsonb_to_recordset($2::jsonb) AS x(key text, revision int, opened_at text, last_verdict_at text, state jsonb)
     ON CONFLICT (org_id, incident_key) DO UPDATE
        SET revision = EXCLUDED.revision, opened_at = EXCLUDED.opened_at, last_verdict_at = EXCLUDED.last_verdict_at, state = EXCLUDED.state`,
    [orgId, JSON.stringify(changed.map((s) => ({ key: s.key, revision: s.revision, opened_at: s.openedAt, last_verdict_at: s.lastVerdictAt, state: s })))],
  );
  await tx.query(
    `UPDATE incident_member m SET incident_key = x.key::uuid
       FROM jsonb_to_recordset($2::jsonb) AS x(event_id text, key text)
      WHERE m.org_id = $1 AND m.event_id = x.event_id::uuid`,
    [orgId, JSON.stringify([...moved].map(([eventId, s]) => ({ event_id: eventId, key: s.key })))],
  );
  const stamp = `${decision.kind}-${randomUUID()}`;
  // Each moved verdict points at its new incident once that revision is in the org.
  const relinks: SObjectRecord[] = [...moved].map(([eventId, s]) => ({
    sobject: 'LeakVerdict__c',
    externalIdField: 'EventId__c',
    externalId: `${eventId}#${stamp}`,
    parentSobject: 'Incident__c',
    parentExternalId: incidentRevisionKey(s.key, s.revision),
    fields: { EventId__c: eventId, Incident__r: { IncidentKey__c: s.key } },
  }));
  const anchor = changed.flatMap((s) => s.verdicts).at(-1)?.eventId ?? changed[0]?.key;
  await queueRecords(tx, [{ orgId, eventId: anchor as string, receivedAt: new Date(), records: [...changed.map(incidentRecord), ...relinks] }]);
  await appendEvidence(tx, [
    {
      orgId,
      at: new Date(),
      kind: 'review-decision',
      subject: decision.subject,
      data: { decision: decision.kind, ...decision.data, ...(options.requestedBy ? { userId: options.requestedBy } : {}) },
    },
    ...changed.map(incidentEvidence),
  ]);
  if (options.settings.drafts) await storeDrafts(tx, changed, options.settings.drafts, new Date());
  if (options.notifyTargets?.length) await queueNotifications(tx, changed, options.notifyTargets);
}

/**
 * Merges incidents of one org into the first: the others are closed as merged into it (their
 * Incident__c gets Status__c Merged and a link to the survivor), their verdicts move to it.
 */
export async function mergeIncidents(
  tx: Sql,
  orgId: string,
  survivorKey: string,
  otherKeys: readonly string[],
  options: IncidentChangeOptions,
): Promise<IncidentState> {
  const keys = [survivorKey, ...otherKeys].map((k) => k.toLowerCase());
  if (new Set(keys).size !== keys.length) throw new IncidentChangeError('An incident cannot be merged into itself, nor named twice.', 400);
  const states = await lockedStates(tx, orgId, keys);
  const missing = keys.filter((k) => !states.has(k));
  if (missing.length > 0) throw new IncidentChangeError(`No incident of this org has the key ${missing.join(', ')}.`, 404);
  const [survivor, ...others] = keys.map((k) => states.get(k) as IncidentState) as [IncidentState, ...IncidentState[]];
  const merged = [survivor, ...others].find((s) => s.mergedInto);
  if (merged) throw new IncidentChangeError(`Incident ${merged.key} was already merged into ${merged.mergedInto}.`, 409);
  if (others.some((s) => !!s.drill !== !!survivor.drill)) throw new IncidentChangeError('A drill incident cannot be merged with a real one.', 409);
  const result = mergeStates(survivor, others);
  const closed = others.map((s) => ({ ...s, revision: s.revision + 1, mergedInto: result.key }));
  const members = await tx.query<{ event_id: string }>(
    'SELECT event_id::text AS event_id FROM incident_member WHERE org_id = $1 AND incident_key IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid)',
    [orgId, JSON.stringify(otherKeys.map((k) => k.toLowerCase()))],
  );
  await recordChange(
    tx,
    orgId,
    [result, ...closed],
    new Map(members.map((m) => [m.event_id, result])),
    { kind: 'merge', subject: result.key, data: { merged: closed.map((s) => s.key) } },
    options,
  );
  return result;
}

/** Splits verdicts (by event id) out of an incident into a new one; returns both. */
export async function splitIncident(
  tx: Sql,
  orgId: string,
  key: string,
  eventIds: readonly string[],
  options: IncidentChangeOptions,
): Promise<{ remaining: IncidentState; split: IncidentState }> {
  const states = await lockedStates(tx, orgId, [key.toLowerCase()]);
  const state = states.get(key.toLowerCase());
  if (!state) throw new IncidentChangeError(`No incident of this org has the key ${key}.`, 404);
  if (state.mergedInto) throw new IncidentChangeError(`Incident ${state.key} was merged into ${state.mergedInto}: split that one.`, 409);
  const ids = new Set(eventIds.map((id) => id.toLowerCase()));
  const unknown = [...ids].filter((id) => !state.verdicts.some((v) => v.eventId === id));
  if (unknown.length > 0) throw new IncidentChangeError(`These verdicts are not in incident ${state.key}: ${unknown.join(', ')}.`, 400);
  if (ids.size >= state.verdicts.length) throw new IncidentChangeError('A split must leave at least one verdict in the incident.', 400);
  const { remaining, split } = splitState(state, ids, randomUUID());
  await recordChange(
    tx,
    orgId,
    [remaining, split],
    new Map([...ids].map((id) => [id, split])),
    { kind: 'split', subject: state.key, data: { into: split.key, verdicts: [...ids] } },
    options,
  );
  return { remaining, split };
}
