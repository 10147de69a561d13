import type { IncidentState } from '../incidents/correlate.js';
import { summaryOf } from '../incidents/incident-record.js';
import { backoffDelayMs } from '../outbox/backoff.js';
import type { RetryPolicy } from '../outbox/deliver-records.js';
import type { Sql, Store } from '../store/store.js';
import { deadlinesFrom } from './clocks.js';
import { awarenessOf } from '../incidents/awareness.js';
import { notificationEvidence } from '../evidence/entries.js';
import { appendEvidence } from '../evidence/log.js';
import type { DeliveryResult, IncidentNotification } from './notification.js';
import { targetsFor, type ConfiguredTarget } from './targets.js';

/** What a target hears of one incident revision: the incident as the sidecar knows it, masked as it is stored. */
export function notificationOf(state: IncidentState): IncidentNotification {
  const awareness = awarenessOf(state);
  return {
    orgId: state.orgId,
    incidentKey: state.key,
    revision: state.revision,
    title: state.title,
    severity: state.severity,
    status: state.mergedInto ? 'Merged' : (state.org?.status ?? 'Triage'),
    detectedAt: state.openedAt,
    ...(awareness ? { awarenessAt: awareness.at } : {}),
    deadlines: awareness ? deadlinesFrom(awareness.at) : {},
    ...(state.drill ? { drill: true } : {}),
    dataCategories: state.dataCategories,
    estimatedRecords: state.estimatedRecords,
    estimatedSubjects: state.estimatedSubjects,
    systems: [...state.objects, ...state.apps],
    actors: state.actorNames,
    summary: summaryOf(state),
    verdicts: state.verdicts.map((v) => ({ eventId: v.eventId, severity: v.severity, riskScore: v.riskScore, reasons: v.codes, occurredAt: v.occurredAt })),
    maskedSamples: [],
    ...(state.drill ? { drill: true } : {}),
  };
}

const idempotencyKeyOf = (incidentKey: string, revision: number, target: string): string => `${incidentKey}:${revision}:${target}`;

/**
 * Queues one notification per changed incident and target that wants it, in the transaction that
 * changed the incident: a crash keeps both or neither, and a batch scored again queues nothing twice.
 */
export async function queueNotifications(tx: Sql, changed: readonly IncidentState[], targets: readonly ConfiguredTarget[]): Promise<number> {
  return insertNotifications(
    tx,
    changed.flatMap((state) => {
      const wanting = targetsFor(targets, state.orgId, state.severity);
      // Every target hears the same revision: its payload is built once.
      const payload = wanting.length > 0 ? notificationOf(state) : undefined;
      return wanting.map(({ target }) => ({
        state,
        target: target.name,
        idempotencyKey: idempotencyKeyOf(state.key, state.revision, target.name),
        payload: payload as IncidentNotification,
      }));
    }),
  );
}

/** One notification to queue: the incident (at its revision), the target, the key and what the target hears. */
interface QueuedNotification {
  state: Pick<IncidentState, 'orgId' | 'key' | 'revision'>;
  target: string;
  idempotencyKey: string;
  payload: IncidentNotification;
}

/** Inserts notifications into the queue; one whose key is there already is left as it is. Returns how many were new. */
export async function insertNotifications(tx: Sql, queued: readonly QueuedNotification[]): Promise<number> {
  if (queued.length === 0) return 0;
  const rows = queued.map(({ state, target, idempotencyKey, payload }) => ({
    org_id: state.orgId,
    incident_key: state.key,
    revision: state.revision,
    target,
    idempotency_key: idempotencyKey,
    payload,
  }));
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO notification (org_id, incident_key, revision, target, idempotency_key, payload)
     SELECT x.org_id, x.incident_key::uuid, x.revision, x.target, x.idempotency_key, x.payload
       FROM jsonb_to_recordset($1::jsonb) AS x(org_id text, incident_key text, revision int, target text, idempotency_key text, payload jsonb)
     ON CONFLICT (org_id, idempotency_key) DO NOTHING
     RETURNING id::text AS id`,
    [JSON.stringify(rows)],
  );
  return inserted.length;
}

interface ClaimedNotification {
  id: string;
  orgId: string;
  target: string;
  idempotencyKey: string;
  payload: IncidentNotification;
  attempts: number;
  createdAt: Date;
}

/**
 * Leases due notifications whose earlier revisions to the same target are settled (done or dead),
 * so a target hears an incident's revisions in order. SKIP LOCKED keeps replicas apart.
 */
async function claimNotifications(sql: Sql, owner: string, limit: number, leaseMs: number): Promise<ClaimedNotification[]> {
  const rows = await sql.query<{
    id: string;
    org_id: string;
    target: string;
    idempotency_key: string;
    payload: IncidentNotification;
    attempts: number;
    created_at: Date | string;
  }>(
    `UPDATE notification n
        SET lease_owner = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond'
      WHERE n.id IN (
        SELECT c.id FROM notification c
         WHERE c.state = 'pending' AND c.next_attempt_at <= statement_timestamp()
           AND (c.lease_until IS NULL OR c.lease_until < clock_timestamp())
           AND NOT EXISTS (SELECT 1 FROM notification e
                            WHERE e.org_id = c.org_id AND e.incident_key = c.incident_key AND e.target = c.target
                              AND e.revision < c.revision AND e.state = 'pending')
         ORDER BY c.next_attempt_at, c.id
         LIMIT $3
         FOR UPDATE OF c SKIP LOCKED)
      RETURNING n.id::text AS id, n.org_id, n.target, n.idempotency_key, n.payload, n.attempts, n.created_at`,
    [owner, leaseMs, limit],
  );
  // UPDATE … RETURNING gives rows in no particular order: deliver them in the order they were queued.
  rows.sort((a, b) => Number(BigInt(a.id) - BigInt(b.id)));
  return rows.map((r) => ({
    id: r.id,
    orgId: r.org_id,
    target: r.target,
    idempotencyKey: r.idempotency_key,
    payload: r.payload,
    attempts: r.attempts,
    createdAt: new Date(r.created_at),
  }));
}

interface NotifyStepOptions {
  store: Store;
  owner: string;
  targets: readonly ConfiguredTarget[];
  policy: RetryPolicy;
  batchSize?: number;
  leaseMs?: number;
  /** After each delivery: the target, how it ended, and how long after the notification was queued. */
  onDelivered?: (target: string, outcome: 'done' | 'retry' | 'dead', queuedForMs: number, error?: string) => void;
}

/**
 * One step of the notification stage: claims due notifications, delivers each to its target with
 * the idempotency key, and records the outcome (done with the remote id, retried with backoff —
 * at least what the target asked for — or a dead letter). Returns how many it claimed.
 */
export function notifyStep(options: NotifyStepOptions): () => Promise<number> {
  const { store, owner, policy, batchSize = 20, leaseMs = 120_000 } = options;
  const byName = new Map(options.targets.map((t) => [t.target.name, t.target]));
  const deliverOne = async (n: ClaimedNotification): Promise<void> => {
    const target = byName.get(n.target);
    let result: DeliveryResult;
    if (!target) result = { ok: false, retryable: false, error: `no target named ${n.target} is configured` };
    else {
      try {
        result = await target.deliver(n.payload, n.idempotencyKey);
      } catch (error) {
        result = { ok: false, retryable: true, error: (error as Error)?.message ?? String(error) };
      }
    }
    const attempt = n.attempts + 1;
    const outcome = result.ok ? 'done' : !result.retryable || attempt >= policy.maxAttempts ? 'dead' : 'retry';
    const delayMs = result.ok || outcome !== 'retry' ? 0 : Math.max(result.retryAfterMs ?? 0, backoffDelayMs(attempt, policy.baseDelayMs, policy.maxDelayMs));
    await store.transaction(async (tx) => {
      await tx.query(
        `UPDATE notification
            SET state = $3, attempts = attempts + 1,
                next_attempt_at = clock_timestamp() + $4 * interval '1 millisecond',
                done_at = CASE WHEN $3 = 'done' THEN clock_timestamp() END,
                last_error = $5, remote_id = COALESCE($6, remote_id), remote_url = COALESCE($7, remote_url),
                lease_owner = NULL, lease_until = NULL
          WHERE id = $1 AND lease_owner = $2`,
        [
          n.id,
          owner,
          outcome === 'retry' ? 'pending' : outcome,
          delayMs,
          result.ok ? null : result.error.slice(0, 1_000),
          result.ok ? result.remoteId : null,
          result.ok ? (result.remoteUrl ?? null) : null,
        ],
      );
      // Every attempt is evidence: the target, how it ended, the remote id.
      await appendEvidence(tx, [
        notificationEvidence(n.orgId, n.idempotencyKey, n.target, outcome, result.ok ? { remoteId: result.remoteId } : { error: result.error }),
      ]);
    });
    options.onDelivered?.(n.target, outcome, Date.now() - n.createdAt.getTime(), result.ok ? undefined : result.error);
  };
  return async () => {
    const claimed = await claimNotifications(store, owner, batchSize, leaseMs);
    // Targets are served side by side, each in the order its notifications were queued: a slow
    // ticketing system holds up only its own deliveries. A failed revision leaves the later ones
    // of its incident to the next step (claimed again once it is settled).
    const byTarget = new Map<string, ClaimedNotification[]>();
    for (const n of claimed) byTarget.set(n.target, [...(byTarget.get(n.target) ?? []), n]);
    await Promise.all(
      [...byTarget.values()].map(async (queue) => {
        for (const n of queue) await deliverOne(n);
      }),
    );
    return claimed.length;
  };
}

/** Per org: notifications waiting and dead-lettered, for `/v1/status`. */
export async function notificationCounts(sql: Sql, orgId: string): Promise<{ pending: number; dead: number; done: number }> {
  const rows = await sql.query<{ state: string; n: string | number }>('SELECT state, count(*) AS n FROM notification WHERE org_id = $1 GROUP BY state', [
    orgId,
  ]);
  const of = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
  return { pending: of('pending'), dead: of('dead'), done: of('done') };
}

/** Puts an org's dead-lettered notifications back in the queue (all, or those of one target); returns how many. */
export async function redriveNotifications(sql: Sql, orgId: string, target?: string): Promise<number> {
  const rows = await sql.query<{ id: string }>(
    `UPDATE notification SET state = 'pending', attempts = 0, next_attempt_at = clock_timestamp(), last_error = NULL
      WHERE org_id = $1 AND state = 'dead' AND ($2::text IS NULL OR target = $2)
      RETURNING id::text AS id`,
    [orgId, target ?? null],
  );
  return rows.length;
}
