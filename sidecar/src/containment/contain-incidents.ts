import { orgKey } from '../contract/salesforce-id.js';
import type { IncidentState, SharingChange, SharingRuleRef } from '../incidents/correlate.js';
import type { Store } from '../store/store.js';
import type { OrgClient } from '../writeback/client.js';
import { classifyError } from '../writeback/errors.js';
import type { EgressBlocks } from '../egress/blocks.js';
import { carryOutAction, outcomeText, undoAction, type ActionResult, type CarryOutOptions, type ContainClient } from './actions.js';
import { parsePlaybooks, PLAYBOOK_QUERY, proposeActions, type ContainmentActionName, type Playbook, type PlaybookRecord } from './playbooks.js';

/** What containing incidents needs of the org's client. */
export type ContainmentClient = ContainClient & Pick<OrgClient, 'upsert'>;

/** ContainmentAction__c.Status__c values, and `Pending`: an automatic action the sidecar has yet to carry out (never written). */
type LocalStatus = 'Pending' | 'Proposed' | 'Approved' | 'Done' | 'Failed' | 'NotPossible' | 'Undone';

/** Incidents read per run for the playbooks; the rest wait for the next run. */
const INCIDENT_BATCH = 100;
/** Decisions read from the org per run. */
const DECISION_BATCH = 50;
/** Tries of one action before a transient failure becomes Failed. */
const MAX_ACTION_ATTEMPTS = 8;
/** Playbooks are read from the org at most this often (custom metadata changes by deployment). */
const PLAYBOOK_TTL_MS = 5 * 60_000;

interface ActionOutcome {
  key: string;
  incidentKey: string;
  action: ContainmentActionName;
  step: 'carry-out' | 'undo' | 'expire';
  status: ActionResult['status'];
  /** Detection of the incident to the action done, for a Done outcome. */
  containedMs?: number;
}

export interface ContainmentRun {
  /** Actions proposed this run (AfterApproval) or queued to run at once (Automatic). */
  proposed: number;
  outcomes: ActionOutcome[];
  /** Playbook records left out because they cannot be applied as written. */
  problems: string[];
  /** Rows the org refused to record; written again next run. */
  unwritten: Array<{ key: string; errorCode: string }>;
}

/** Per org: the playbooks read and the sidecar's own user id, kept between runs. */
export interface ContainmentCache {
  playbooks?: { at: number; playbooks: Playbook[]; problems: string[] };
  selfUserId?: string;
}

interface ContainOptions {
  now?: () => Date;
  cache?: ContainmentCache;
  fetchImpl?: typeof fetch;
  maxAttempts?: number;
  /** The egress guard's block list (BlockEgressDestination); absent: such actions are NotPossible. */
  blocks?: EgressBlocks;
}

interface Row {
  action_key: string;
  incident_key: string;
  action: ContainmentActionName;
  target_id: string | null;
  target_label: string | null;
  mode: string;
  playbook: string;
  rule: string;
  status: LocalStatus;
  detected_at: Date | string;
  proposed_at: Date | string;
  done_at: Date | string | null;
  expires_at: Date | string | null;
  undone_at: Date | string | null;
  outcome: string | null;
  prior_state: Record<string, unknown> | null;
  attempts: number;
  incident_actors: string;
  written: boolean;
}

const iso = (value: Date | string | null): string | null => (value === null ? null : new Date(value).toISOString());

/** From detection to containment, never negative (the org keeps date-times to the second). */
const containedMs = (detectedAt: Date | string, doneAt: Date | string): number => Math.max(0, new Date(doneAt).getTime() - new Date(detectedAt).getTime());
const containedSeconds = (detectedAt: Date | string, doneAt: Date | string): number => Math.round(containedMs(detectedAt, doneAt) / 1000);

/**
 * PriorState__c: what was set back or blocked, without a deleted sharing rule's definition (kept
 * only in the sidecar's store to re-create the rule; its criteria may name values).
 */
const priorStateForOrg = (prior: Record<string, unknown> | null): string | null => {
  if (!prior) return null;
  const { definition: _definition, ...shown } = prior;
  return JSON.stringify(shown);
};

/** The ContainmentAction__c fields the sidecar owns, from a row. */
const record = (row: Row): Record<string, unknown> => ({
  ActionKey__c: row.action_key,
  IncidentKey__c: row.incident_key,
  Incident__r: { IncidentKey__c: row.incident_key },
  Action__c: row.action,
  TargetId__c: row.target_id,
  TargetLabel__c: row.target_label,
  Mode__c: row.mode,
  Status__c: row.status === 'Pending' ? 'Approved' : row.status,
  Playbook__c: row.playbook,
  Rule__c: row.rule,
  DetectedAt__c: iso(row.detected_at),
  ProposedAt__c: iso(row.proposed_at),
  DoneAt__c: iso(row.done_at),
  TimeToContainmentSeconds__c: row.done_at ? containedSeconds(row.detected_at, row.done_at) : null,
  ExpiresAt__c: iso(row.expires_at),
  UndoneAt__c: iso(row.undone_at),
  Outcome__c: row.outcome,
  Attempts__c: row.attempts,
  PriorState__c: priorStateForOrg(row.prior_state),
  IncidentActors__c: row.incident_actors.slice(0, 255),
});

async function playbooksOf(client: ContainmentClient, cache: ContainmentCache, now: number): Promise<{ playbooks: Playbook[]; problems: string[] }> {
  if (cache.playbooks && now - cache.playbooks.at < PLAYBOOK_TTL_MS) return cache.playbooks;
  const parsed = parsePlaybooks(await client.query<PlaybookRecord & Record<string, unknown>>(PLAYBOOK_QUERY));
  cache.playbooks = { at: now, ...parsed };
  return parsed;
}

/** Reads the incidents whose latest revision the playbooks have not read, and records the actions they ask for. */
async function propose(store: Store, orgId: string, playbooks: readonly Playbook[], selfUserId: string): Promise<number> {
  const incidents = await store.query<{ state: IncidentState; revision: number }>(
    `SELECT i.state, i.revision FROM incident i
       LEFT JOIN containment_incident c ON c.org_id = i.org_id AND c.incident_key = i.incident_key
      WHERE i.org_id = $1 AND (c.evaluated_revision IS NULL OR c.evaluated_revision < i.revision)
      ORDER BY i.opened_at LIMIT ${INCIDENT_BATCH}`,
    [orgId],
  );
  if (incidents.length === 0) return 0;
  const proposals = incidents.flatMap((i) => proposeActions(i.state, playbooks, selfUserId));
  return store.transaction(async (tx) => {
    const inserted = await tx.query<{ action_key: string }>(
      `INSERT INTO containment_action (org_id, action_key, incident_key, action, target_id, target_label, mode, playbook, rule, status, detected_at, expires_at, incident_actors, prior_state)
       SELECT $1, x.key, x.incident_key::uuid, x.action, x.target_id, x.target_label, x.mode, x.playbook, x.rule, x.status, x.detected_at::timestamptz, x.expires_at::timestamptz, x.actors, x.prior
         FROM jsonb_to_recordset($2::jsonb) AS x(key text, incident_key text, action text, target_id text, target_label text, mode text, playbook text, rule text, status text, detected_at text, expires_at text, actors text, prior jsonb)
       ON CONFLICT (org_id, action_key) DO NOTHING
       RETURNING action_key`,
      [
        orgId,
        JSON.stringify(
          proposals.map((p) => ({
            key: p.key,
            incident_key: p.incidentKey,
            action: p.action,
            target_id: p.targetId ?? null,
            target_label: p.targetLabel,
            mode: p.mode,
            playbook: p.playbook,
            rule: p.rule,
            status: p.mode === 'Automatic' ? 'Pending' : 'Proposed',
            detected_at: p.detectedAt,
            expires_at: p.expiresAt ?? null,
            actors: p.incidentActors.join(','),
            // What a restore of an org-wide default sets back, the rule to delete or the host to block, known from the proposal on.
            prior: p.sharingChange
              ? { sharingChange: p.sharingChange }
              : p.sharingRule
                ? { sharingRule: p.sharingRule }
                : p.destinationHost
                  ? { destinationHost: p.destinationHost }
                  : null,
          })),
        ),
      ],
    );
    await tx.query(
      `INSERT INTO containment_incident (org_id, incident_key, evaluated_revision)
       SELECT $1, x.key::uuid, x.revision FROM jsonb_to_recordset($2::jsonb) AS x(key text, revision int)
       ON CONFLICT (org_id, incident_key) DO UPDATE SET evaluated_revision = GREATEST(containment_incident.evaluated_revision, EXCLUDED.evaluated_revision)`,
      [orgId, JSON.stringify(incidents.map((i) => ({ key: i.state.key, revision: i.revision })))],
    );
    return inserted.length;
  });
}

/** Records a try's result on the row: Done, Failed, NotPossible, Undone, or another try later. */
async function settle(
  store: Store,
  orgId: string,
  row: Row,
  result: ActionResult,
  step: ActionOutcome['step'],
  maxAttempts: number,
  now: Date,
): Promise<ActionOutcome> {
  const attempts = row.attempts + 1;
  const retry = result.status === 'Retry' && attempts < maxAttempts;
  const status: LocalStatus = retry ? row.status : result.status === 'Retry' ? 'Failed' : result.status;
  const doneAt = result.status === 'Done' && step === 'carry-out' ? now : null;
  await store.query(
    `UPDATE containment_action
        SET status = $3, attempts = $4, outcome = $5, written = written AND $9,
            done_at = COALESCE($6::timestamptz, done_at),
            undone_at = CASE WHEN $3 = 'Undone' THEN $7::timestamptz ELSE undone_at END,
            prior_state = COALESCE($8::jsonb, prior_state)
      WHERE org_id = $1 AND action_key = $2`,
    [
      orgId,
      row.action_key,
      status,
      attempts,
      outcomeText(step === 'expire' && result.status === 'Undone' ? `lifted at expiry: ${result.outcome}` : result.outcome),
      doneAt?.toISOString() ?? null,
      now.toISOString(),
      result.status === 'Done' && result.priorState ? JSON.stringify(result.priorState) : null,
      // An undo tried again later is not written: the org's UndoRequested must stay until it is done.
      retry && step === 'undo',
    ],
  );
  return {
    key: row.action_key,
    incidentKey: row.incident_key,
    action: row.action,
    step,
    status: retry ? 'Retry' : (status as ActionResult['status']),
    ...(doneAt ? { containedMs: containedMs(row.detected_at, doneAt) } : {}),
  };
}

const rowsWhere = (store: Store, orgId: string, where: string, params: unknown[] = []): Promise<Row[]> =>
  store.query<Row>(`SELECT * FROM containment_action WHERE org_id = $1 AND ${where} ORDER BY proposed_at, action_key`, [orgId, ...params]);

/** Writes the rows the org has not accepted yet; a proposal already in the org (a reviewer may have decided it) is not written over. */
async function writeBack(store: Store, orgId: string, client: ContainmentClient): Promise<ContainmentRun['unwritten']> {
  const rows = await rowsWhere(store, orgId, 'NOT written');
  if (rows.length === 0) return [];
  const proposals = rows.filter((r) => r.status === 'Proposed');
  const existing = new Set<string>();
  if (proposals.length > 0) {
    const found = await client.query<{ ActionKey__c: string }>(
      `SELECT ActionKey__c FROM ContainmentAction__c WHERE ActionKey__c IN (${proposals.map((r) => `'${r.action_key}'`).join(', ')})`,
    );
    for (const f of found) existing.add(f.ActionKey__c);
  }
  const toWrite = rows.filter((r) => !existing.has(r.action_key));
  const results = toWrite.length > 0 ? await client.upsert('ContainmentAction__c', 'ActionKey__c', toWrite.map(record)) : [];
  const accepted = [...existing, ...toWrite.filter((_, i) => results[i]?.success).map((r) => r.action_key)];
  if (accepted.length > 0) {
    await store.query('UPDATE containment_action SET written = true WHERE org_id = $1 AND action_key IN (SELECT jsonb_array_elements_text($2::jsonb))', [
      orgId,
      JSON.stringify(accepted),
    ]);
  }
  return results.flatMap((r, i) => (r.success ? [] : [{ key: (toWrite[i] as Row).action_key, errorCode: r.errorCode }]));
}

/** Writes each newly contained incident's ContainedAt__c and TimeToContainmentSeconds__c, once its Incident__c is in the org. */
async function writeContainedAt(store: Store, orgId: string, client: ContainmentClient): Promise<void> {
  await store.query(
    `UPDATE containment_incident c SET contained_at = d.first_done, contained_written = false
       FROM (SELECT incident_key, min(done_at) AS first_done FROM containment_action
              WHERE org_id = $1 AND done_at IS NOT NULL GROUP BY incident_key) d
      WHERE c.org_id = $1 AND c.incident_key = d.incident_key AND (c.contained_at IS NULL OR c.contained_at > d.first_done)`,
    [orgId],
  );
  const pending = await store.query<{ incident_key: string; contained_at: Date | string; detected_at: Date | string }>(
    `SELECT c.incident_key::text AS incident_key, c.contained_at, min(a.detected_at) AS detected_at
       FROM containment_incident c JOIN containment_action a ON a.org_id = c.org_id AND a.incident_key = c.incident_key
      WHERE c.org_id = $1 AND c.contained_at IS NOT NULL AND NOT c.contained_written
      GROUP BY c.incident_key, c.contained_at LIMIT 50`,
    [orgId],
  );
  if (pending.length === 0) return;
  const found = await client.query<{ Id: string; IncidentKey__c: string }>(
    `SELECT Id, IncidentKey__c FROM Incident__c WHERE IncidentKey__c IN (${pending.map((p) => `'${p.incident_key}'`).join(', ')})`,
  );
  const ids = new Map(found.map((f) => [f.IncidentKey__c.toLowerCase(), f.Id]));
  for (const p of pending) {
    const id = ids.get(p.incident_key.toLowerCase());
    if (!id) continue; // Not in the org yet: the next run tries again.
    const containedAt = iso(p.contained_at) as string;
    await client.update('Incident__c', id, {
      ContainedAt__c: containedAt,
      TimeToContainmentSeconds__c: containedSeconds(p.detected_at, containedAt),
    });
    await store.query(
      'UPDATE containment_incident SET contained_written = true WHERE org_id = $1 AND incident_key = $2::uuid AND contained_at = $3::timestamptz',
      [orgId, p.incident_key, containedAt],
    );
  }
}

/**
 * One containment run for one org:
 * 1. reads the playbooks (ContainmentPlaybook__mdt, at most every 5 minutes) and proposes the
 *    actions they ask for on incidents changed since the last run, each once per incident and target;
 * 2. carries out automatic actions at once, then the actions a reviewer approved in the org, and
 *    undoes those an admin asked to undo or whose time is up;
 * 3. writes every change back as ContainmentAction__c, and each incident's first containment
 *    (ContainedAt__c, TimeToContainmentSeconds__c) on its Incident__c.
 * Every call's outcome is kept locally first, so a refused write-back is tried again and a crash
 * between an action and its record repeats only idempotent calls (a user already frozen stays frozen).
 */
export async function containIncidents(
  store: Store,
  configuredOrgId: string,
  client: ContainmentClient,
  options: ContainOptions = {},
): Promise<ContainmentRun> {
  // The store keys orgs by their 18-character id, whichever form the configuration names.
  const orgId = orgKey(configuredOrgId);
  const now = options.now ?? (() => new Date());
  const cache = options.cache ?? {};
  const maxAttempts = options.maxAttempts ?? MAX_ACTION_ATTEMPTS;
  const carry = (row: Row): CarryOutOptions => ({
    ...(options.fetchImpl ? { fetchImpl: options.fetchImpl } : {}),
    ...(row.prior_state?.sharingChange ? { sharingChange: row.prior_state.sharingChange as SharingChange } : {}),
    ...(row.prior_state?.sharingRule ? { sharingRule: row.prior_state.sharingRule as SharingRuleRef } : {}),
    ...(typeof row.prior_state?.destinationHost === 'string' ? { destinationHost: row.prior_state.destinationHost } : {}),
    ...(row.expires_at ? { expiresAt: iso(row.expires_at) as string } : {}),
    ...(options.blocks
      ? {
          egress: {
            block: (host: string, expiresAt?: string) => (options.blocks as EgressBlocks).block(orgId, host, row.action_key, expiresAt),
            unblock: (host: string) => (options.blocks as EgressBlocks).unblock(orgId, host, row.action_key),
          },
        }
      : {}),
  });
  cache.selfUserId ??= (await client.identity()).userId;
  const { playbooks, problems } = await playbooksOf(client, cache, now().getTime());
  const proposed = await propose(store, orgId, playbooks, cache.selfUserId);
  const outcomes: ActionOutcome[] = [];

  for (const row of await rowsWhere(store, orgId, "status = 'Pending'")) {
    outcomes.push(
      await settle(store, orgId, row, await carryOutAction(client, row.action, row.target_id ?? undefined, carry(row)), 'carry-out', maxAttempts, now()),
    );
  }

  // Decisions made in the org since: approvals to carry out, undo requests.
  const decided = await client.query<{ ActionKey__c: string; Status__c: string }>(
    `SELECT ActionKey__c, Status__c FROM ContainmentAction__c WHERE Status__c IN ('Approved', 'UndoRequested') ORDER BY DecidedAt__c ASC NULLS LAST LIMIT ${DECISION_BATCH}`,
  );
  if (decided.length > 0) {
    const local = new Map(
      (await rowsWhere(store, orgId, 'action_key IN (SELECT jsonb_array_elements_text($2::jsonb))', [JSON.stringify(decided.map((d) => d.ActionKey__c))])).map(
        (r) => [r.action_key, r],
      ),
    );
    for (const d of decided) {
      const row = local.get(d.ActionKey__c);
      if (!row) continue;
      if (d.Status__c === 'Approved' && (row.status === 'Proposed' || row.status === 'Approved')) {
        if (row.status === 'Proposed')
          await store.query("UPDATE containment_action SET status = 'Approved' WHERE org_id = $1 AND action_key = $2", [orgId, row.action_key]);
        const result = await carryOutAction(client, row.action, row.target_id ?? undefined, carry(row));
        outcomes.push(await settle(store, orgId, { ...row, status: 'Approved' }, result, 'carry-out', maxAttempts, now()));
      } else if (d.Status__c === 'UndoRequested' && row.status === 'Done') {
        const result = await undoAction(client, row.action, row.prior_state ?? undefined, carry(row));
        // An undo the platform cannot do leaves the action Done, with the reason.
        const kept: ActionResult =
          result.status === 'NotPossible' || result.status === 'Failed' ? { status: 'Done', outcome: `undo not done: ${result.outcome}` } : result;
        outcomes.push(await settle(store, orgId, row, kept, 'undo', maxAttempts, now()));
      } else if (row.written) {
        // The org shows a decision the sidecar has already acted on: write its own state back.
        await store.query('UPDATE containment_action SET written = false WHERE org_id = $1 AND action_key = $2', [orgId, row.action_key]);
      }
    }
  }

  // Temporary containment whose time is up is lifted.
  for (const row of await rowsWhere(store, orgId, "status = 'Done' AND expires_at IS NOT NULL AND expires_at <= $2::timestamptz", [now().toISOString()])) {
    outcomes.push(
      await settle(store, orgId, row, await undoAction(client, row.action, row.prior_state ?? undefined, carry(row)), 'expire', maxAttempts, now()),
    );
  }

  let unwritten: ContainmentRun['unwritten'] = [];
  try {
    unwritten = await writeBack(store, orgId, client);
    await writeContainedAt(store, orgId, client);
  } catch (error) {
    unwritten = [{ key: '*', errorCode: classifyError(error).code }];
  }
  return { proposed, outcomes, problems, unwritten };
}
