import { orgKey } from '../contract/salesforce-id.js';
import { atLeast } from '../detect/severity.js';
import type { IncidentState } from '../incidents/correlate.js';
import type { ConfiguredTarget } from '../notify/targets.js';
import type { Sql } from '../store/store.js';

/**
 * Where a drill stands with one target. `waiting`: no incident yet, or nothing queued for the
 * target; `queued`: not tried yet; `retrying`: failed and tried again with back-off; `delivered`:
 * the target accepted every revision queued for it; `dead`: it refused one or kept failing;
 * `skipped`: the target hears only of more severe incidents than the drill's.
 */
export const DRILL_TARGET_STATES = ['waiting', 'queued', 'retrying', 'delivered', 'dead', 'skipped'] as const;
type DrillTargetState = (typeof DRILL_TARGET_STATES)[number];

/** `running` until every target that should hear the drill has delivered or dead-lettered it, then `done`; `timed-out` after the drill's timeout. */
export const DRILL_STATES = ['running', 'done', 'timed-out'] as const;
type DrillState = (typeof DRILL_STATES)[number];

/** The target states that end a drill for that target. */
const SETTLED: ReadonlySet<DrillTargetState> = new Set(['delivered', 'dead', 'skipped']);

export interface DrillTargetReport {
  name: string;
  kind: string;
  state: DrillTargetState;
  /** Delivery attempts over every revision queued for the target. */
  attempts: number;
  /** From the drill's start to the target accepting the incident's first revision. */
  deliveredMs?: number;
  remoteId?: string;
  remoteUrl?: string;
  /** The last failure, as the target described it (never a field value: payloads carry none). */
  lastError?: string;
  /** Why a target was skipped. */
  reason?: string;
}

export interface DrillReport {
  drillId: string;
  orgId: string;
  startedAt: string;
  timeoutMs: number;
  elapsedMs: number;
  state: DrillState;
  events: { sent: number; stored: number; pending: number; scored: number; quiet: number; failed: number };
  verdicts: Array<{ eventId: string; severity: string; riskScore: number; reasons: string[] }>;
  incident: { key: string; revision: number; title: string; severity: string } | null;
  targets: DrillTargetReport[];
}

interface DrillRow {
  started_at: Date | string;
  timeout_ms: number;
  event_ids: string[];
  elapsed_ms: string | number;
}

interface NotificationRow {
  target: string;
  state: 'pending' | 'done' | 'dead';
  attempts: number;
  last_error: string | null;
  remote_id: string | null;
  remote_url: string | null;
  delivered_ms: string | number | null;
}

/** One target's state from its notification rows of the drill's incident (one per revision, oldest first). */
function targetState(rows: NotificationRow[]): Omit<DrillTargetReport, 'name' | 'kind'> {
  const attempts = rows.reduce((sum, r) => sum + Number(r.attempts), 0);
  const delivered = rows.filter((r) => r.state === 'done');
  const failing = [...rows].reverse().find((r) => r.last_error);
  const remote = [...rows].reverse().find((r) => r.remote_id);
  const state: DrillTargetState =
    rows.length === 0
      ? 'waiting'
      : rows.some((r) => r.state === 'dead')
        ? 'dead'
        : delivered.length === rows.length
          ? 'delivered'
          : rows.some((r) => r.state === 'pending' && Number(r.attempts) > 0)
            ? 'retrying'
            : 'queued';
  const first = delivered.map((r) => Number(r.delivered_ms)).filter((ms) => Number.isFinite(ms));
  return {
    state,
    attempts,
    ...(first.length > 0 ? { deliveredMs: Math.max(0, Math.round(Math.min(...first))) } : {}),
    ...(remote?.remote_id ? { remoteId: remote.remote_id } : {}),
    ...(remote?.remote_url ? { remoteUrl: remote.remote_url } : {}),
    ...(failing?.last_error && state !== 'delivered' ? { lastError: failing.last_error } : {}),
  };
}

/**
 * A drill's progress, read from what the pipeline recorded: its events in the ingest queue, the
 * incident they joined, and that incident's notifications to the org's targets. Undefined for a
 * drill of another org or none.
 */
export async function drillReport(sql: Sql, orgId: string, drillId: string, targets: readonly ConfiguredTarget[]): Promise<DrillReport | undefined> {
  const [drill] = await sql.query<DrillRow>(
    `SELECT started_at, timeout_ms, event_ids, EXTRACT(EPOCH FROM (clock_timestamp() - started_at)) * 1000 AS elapsed_ms
       FROM drill WHERE org_id = $1 AND drill_id = $2::uuid`,
    [orgId, drillId],
  );
  if (!drill) return undefined;
  const ids = JSON.stringify(drill.event_ids);
  const events = await sql.query<{ state: string }>(
    `SELECT state FROM ingested_event WHERE org_id = $1 AND event_id IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid)`,
    [orgId, ids],
  );
  const count = (state: string) => events.filter((e) => e.state === state).length;
  const [member] = await sql.query<{ incident_key: string }>(
    `SELECT incident_key::text AS incident_key FROM incident_member
      WHERE org_id = $1 AND event_id IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid) LIMIT 1`,
    [orgId, ids],
  );
  const [incident] = member
    ? await sql.query<{ state: IncidentState }>('SELECT state FROM incident WHERE org_id = $1 AND incident_key = $2::uuid', [orgId, member.incident_key])
    : [];
  const notifications = incident
    ? await sql.query<NotificationRow>(
        `SELECT n.target, n.state, n.attempts, n.last_error, n.remote_id, n.remote_url,
                EXTRACT(EPOCH FROM (n.done_at - d.started_at)) * 1000 AS delivered_ms
           FROM notification n JOIN drill d ON d.org_id = n.org_id AND d.drill_id = $3::uuid
          WHERE n.org_id = $1 AND n.incident_key = $2::uuid ORDER BY n.target, n.revision`,
        [orgId, incident.state.key, drillId],
      )
    : [];
  const state = incident?.state;
  const org = orgKey(orgId);
  const ours = targets.filter((t) => t.orgs.length === 0 || t.orgs.includes(org));
  const reports: DrillTargetReport[] = ours.map(({ target, minSeverity }) => {
    const rows = notifications.filter((n) => n.target === target.name);
    if (state && rows.length === 0 && !atLeast(state.severity, minSeverity))
      return {
        name: target.name,
        kind: target.kind,
        state: 'skipped',
        attempts: 0,
        reason: `the target hears of ${minSeverity} incidents and above; the drill's is ${state.severity}`,
      };
    return { name: target.name, kind: target.kind, ...targetState(rows) };
  });
  const drillEventIds = new Set(drill.event_ids.map((id) => id.toLowerCase()));
  const settledEvents = events.length === drill.event_ids.length && count('pending') === 0;
  const done = state ? reports.every((r) => SETTLED.has(r.state)) : settledEvents;
  // Read before the notifications: a delivery recorded in between still happened within the elapsed time.
  const elapsedMs = Math.max(0, Math.round(Number(drill.elapsed_ms)), ...reports.map((r) => r.deliveredMs ?? 0));
  return {
    drillId,
    orgId,
    startedAt: new Date(drill.started_at).toISOString(),
    timeoutMs: Number(drill.timeout_ms),
    elapsedMs,
    state: done ? 'done' : elapsedMs > Number(drill.timeout_ms) ? 'timed-out' : 'running',
    events: {
      sent: drill.event_ids.length,
      stored: events.length,
      pending: count('pending'),
      scored: count('scored'),
      quiet: count('quiet'),
      failed: count('failed'),
    },
    verdicts: (state?.verdicts ?? [])
      .filter((v) => drillEventIds.has(v.eventId.toLowerCase()))
      .map((v) => ({ eventId: v.eventId, severity: v.severity, riskScore: v.riskScore, reasons: v.codes })),
    incident: state ? { key: state.key, revision: state.revision, title: state.title, severity: state.severity } : null,
    targets: reports,
  };
}
