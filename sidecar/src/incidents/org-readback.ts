import { orgKey } from '../contract/salesforce-id.js';
import type { EvidenceInput } from '../evidence/chain.js';
import { incidentEvidence } from '../evidence/entries.js';
import { appendEvidence } from '../evidence/log.js';
import type { OrgQueryResolver } from '../feedback/index.js';
import { isRecordId, parseOrgDateTime, soqlDateTime, type FeedbackCursor } from '../feedback/false-positive-query.js';
import { queueNotifications } from '../notify/outbox.js';
import type { ConfiguredTarget } from '../notify/targets.js';
import { queueRecords } from '../pipeline/record-outcomes.js';
import type { Sql, Store } from '../store/store.js';
import { MILESTONES, type IncidentSettings, type IncidentState, type Milestone, type OrgIncidentFacts } from './correlate.js';
import { incidentRecord } from './incident-record.js';
import { storeDrafts } from './draft-store.js';

/**
 * What people decide in the org, read back: a DPO's milestones on Incident__c (with who and when),
 * reviewers' statuses on LeakVerdict__c, and permission-review decisions. Each decision goes into
 * the org's evidence log once. Milestones also reach the incident as the sidecar keeps it: they
 * stop its clocks' reminders, and under `LEAKWATCH_AWARENESS=confirmation` a DPO's confirmation
 * starts its clocks — a new revision, written back and notified like any other.
 */
interface OrgReadbackOptions {
  store: Store;
  clientFor: OrgQueryResolver;
  incidents: IncidentSettings;
  notifyTargets?: readonly ConfiguredTarget[];
  /** Records changed in the last `settleMs` (and the current second) wait for the next read. Default 5 s. */
  settleMs?: number;
  /** Records per query. Default 200. */
  pageSize?: number;
  now?: () => number;
  stopping?: () => boolean;
}

interface OrgReadback {
  /** Decisions seen for the first time, each now an evidence entry. */
  decisions: number;
  /** Incidents given a new revision (a DPO's confirmation moved their awareness). */
  revised: number;
}

interface Decision {
  recordId: string;
  decision: string;
  decidedAt: string;
  evidence: Omit<EvidenceInput, 'orgId'>;
}

type OrgRecord = Record<string, unknown> & { Id: string; LastModifiedDate: string };

interface Source {
  name: 'Incident__c' | 'LeakVerdict__c' | 'PermissionReview__c';
  fields: string[];
  /** Narrows the query to records that can hold a decision. */
  where?: string;
  decisions(record: OrgRecord): Decision[];
}

/** Incident__c's milestone fields, as `IncidentController.recordMilestone` sets them. */
const MILESTONE_FIELDS: Partial<Record<Milestone, string>> = {
  confirm: 'ConfirmedAt__c',
  earlyWarning: 'EarlyWarningSentAt__c',
  notifyAuthority: 'AuthorityNotifiedAt__c',
  nis2Notification: 'Nis2NotificationSentAt__c',
  finalReport: 'FinalReportSentAt__c',
};

const INCIDENT_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (value: unknown): string | undefined => {
  if (typeof value !== 'string' || value === '') return undefined;
  const at = parseOrgDateTime(value);
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString();
};

const userIdOf = (value: unknown): string | undefined => (isRecordId(value) ? value : undefined);

/**
 * An Incident__c's milestones: each one's time from its field, and who recorded it from
 * `Milestones__c` (`[{milestone, at, who, userId}]`, appended by the console); a milestone only in
 * `Milestones__c` (contain, close) counts too. The person's name is never kept, only the user id.
 */
export function orgFactsOf(record: OrgRecord): OrgIncidentFacts {
  const logged = new Map<string, { at?: string; userId?: string }>();
  try {
    const entries: unknown = typeof record['Milestones__c'] === 'string' ? JSON.parse(record['Milestones__c']) : [];
    if (Array.isArray(entries))
      for (const e of entries) {
        if (e === null || typeof e !== 'object') continue;
        const { milestone, at, userId } = e as Record<string, unknown>;
        if (typeof milestone !== 'string' || logged.has(milestone)) continue;
        logged.set(milestone, { at: iso(at), userId: userIdOf(userId) });
      }
  } catch {
    // An unreadable log leaves the fields' times, with the last editor as who.
  }
  const milestones: OrgIncidentFacts['milestones'] = {};
  for (const m of MILESTONES) {
    const field = MILESTONE_FIELDS[m];
    const at = (field ? iso(record[field]) : undefined) ?? logged.get(m)?.at;
    if (!at) continue;
    const userId = logged.get(m)?.userId ?? userIdOf(record['LastModifiedById']);
    milestones[m] = userId ? { at, userId } : { at };
  }
  const status = typeof record['Status__c'] === 'string' ? record['Status__c'] : undefined;
  return status ? { status, milestones } : { milestones };
}

/** A reviewer's status on a record as one decision: who (user id only) and when. */
function statusDecision(
  record: OrgRecord,
  object: 'LeakVerdict__c' | 'PermissionReview__c',
  at: string | undefined,
  who: unknown,
  extra: { subject?: string; data?: Record<string, string> },
): Decision[] {
  const status = String(record['Status__c'] ?? '');
  if (!status || !at) return [];
  const userId = userIdOf(who);
  return [
    {
      recordId: record.Id,
      decision: status,
      decidedAt: at,
      evidence: {
        at,
        kind: 'review-decision',
        subject: extra.subject ?? `${object}:${record.Id}`,
        data: { object, recordId: record.Id, status, ...extra.data, ...(userId ? { userId } : {}) },
      },
    },
  ];
}

const SOURCES: Source[] = [
  {
    name: 'Incident__c',
    fields: ['IncidentKey__c', 'Status__c', ...Object.values(MILESTONE_FIELDS), 'Milestones__c', 'LastModifiedById'],
    decisions(record) {
      const key = String(record['IncidentKey__c'] ?? '');
      const facts = orgFactsOf(record);
      return Object.entries(facts.milestones).map(([milestone, m]) => ({
        recordId: record.Id,
        decision: milestone,
        decidedAt: m.at,
        evidence: {
          at: m.at,
          kind: 'milestone',
          subject: INCIDENT_KEY.test(key) ? `${key.toLowerCase()}:milestone:${milestone}` : `Incident__c:${record.Id}:milestone:${milestone}`,
          data: { milestone, recordId: record.Id, ...(m.userId ? { userId: m.userId } : {}) },
        },
      }));
    },
  },
  {
    name: 'LeakVerdict__c',
    fields: ['EventId__c', 'Status__c', 'LastModifiedById'],
    // The sidecar writes New; every other status is a reviewer's.
    where: "Status__c != 'New'",
    decisions: (record) =>
      statusDecision(record, 'LeakVerdict__c', iso(record.LastModifiedDate), record['LastModifiedById'], {
        // Filed under the verdict's event, so an incident's evidence bundle holds its reviews.
        subject: typeof record['EventId__c'] === 'string' ? record['EventId__c'].toLowerCase() : undefined,
      }),
  },
  {
    name: 'PermissionReview__c',
    fields: ['AssignmentId__c', 'Status__c', 'DecidedAt__c', 'DecidedBy__c'],
    where: "Status__c IN ('Approved', 'Rejected', 'Expired')",
    decisions: (record) =>
      statusDecision(record, 'PermissionReview__c', iso(record['DecidedAt__c']) ?? iso(record.LastModifiedDate), record['DecidedBy__c'], {
        data: typeof record['AssignmentId__c'] === 'string' ? { assignmentId: record['AssignmentId__c'] } : {},
      }),
  },
];

/** The next page of a source's records changed within the window, oldest change first, ties by Id. */
export function readbackSoql(source: Pick<Source, 'name' | 'fields' | 'where'>, after: FeedbackCursor | undefined, before: Date, limit: number): string {
  if (after && !isRecordId(after.id)) throw new TypeError(`not a record id: ${JSON.stringify(after.id)}`);
  const since = after
    ? ` AND (LastModifiedDate > ${soqlDateTime(after.lastModified)} OR (LastModifiedDate = ${soqlDateTime(after.lastModified)} AND Id > '${after.id}'))`
    : '';
  const fields = ['Id', 'LastModifiedDate', ...source.fields.filter((f) => f !== 'Id' && f !== 'LastModifiedDate')];
  return (
    `SELECT ${fields.join(', ')} FROM ${source.name} WHERE LastModifiedDate < ${soqlDateTime(before)}${since}` +
    `${source.where ? ` AND ${source.where}` : ''} ORDER BY LastModifiedDate, Id LIMIT ${limit}`
  );
}

/** Reads back every source of one org; a failing query throws with that source's position where it was. */
export async function readBackOrg(options: OrgReadbackOptions, configuredOrgId: string): Promise<OrgReadback> {
  const orgId = orgKey(configuredOrgId);
  const client = options.clientFor(orgId);
  const result: OrgReadback = { decisions: 0, revised: 0 };
  if (!client) return result;
  const { store, settleMs = 5_000, pageSize = 200 } = options;
  const now = options.now ?? Date.now;
  const before = new Date(Math.floor((now() - settleMs) / 1000) * 1000);
  for (const source of SOURCES) {
    let after = await positionOf(store, orgId, source.name);
    for (;;) {
      const page = await client.query<OrgRecord>(readbackSoql(source, after, before, pageSize));
      const last = page.at(-1);
      if (!last) break;
      if (!isRecordId(last.Id)) throw new TypeError(`the org returned a ${source.name} without a valid Id`);
      const next: FeedbackCursor = { lastModified: parseOrgDateTime(String(last.LastModifiedDate)), id: last.Id };
      await store.transaction(async (tx) => {
        // Incidents change here and in the scoring step: one writer per org, as there.
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('leakwatch.incident:' || $1))", [orgId]);
        result.decisions += await recordDecisions(
          tx,
          orgId,
          source.name,
          page.flatMap((r) => source.decisions(r)),
        );
        if (source.name === 'Incident__c') result.revised += await applyToIncidents(tx, orgId, page, options);
        await tx.query(
          `INSERT INTO org_readback (org_id, source, position, polled_at) VALUES ($1, $2, $3::jsonb, clock_timestamp())
           ON CONFLICT (org_id, source) DO UPDATE SET position = EXCLUDED.position, polled_at = EXCLUDED.polled_at`,
          [orgId, source.name, JSON.stringify({ lastModified: next.lastModified.toISOString(), id: next.id })],
        );
      });
      after = next;
      if (page.length < pageSize || options.stopping?.()) break;
    }
  }
  return result;
}

async function positionOf(sql: Sql, orgId: string, source: string): Promise<FeedbackCursor | undefined> {
  const [row] = await sql.query<{ position: { lastModified: string; id: string } }>('SELECT position FROM org_readback WHERE org_id = $1 AND source = $2', [
    orgId,
    source,
  ]);
  return row ? { lastModified: new Date(row.position.lastModified), id: row.position.id } : undefined;
}

/**
 * Keeps the decisions not seen before, and appends an evidence entry for each. A record whose
 * status returns to an earlier one at a later time is a new decision: the time is part of its key.
 * For statuses only a change counts: a record saved again with the status it had is not one.
 */
async function recordDecisions(tx: Sql, orgId: string, source: string, decisions: readonly Decision[]): Promise<number> {
  if (decisions.length === 0) return 0;
  const fresh: Decision[] = [];
  for (const d of decisions) {
    if (source !== 'Incident__c') {
      const [latest] = await tx.query<{ decision: string }>(
        'SELECT decision FROM org_decision WHERE org_id = $1 AND source = $2 AND record_id = $3 ORDER BY decided_at DESC LIMIT 1',
        [orgId, source, d.recordId],
      );
      if (latest?.decision === d.decision) continue;
    }
    const inserted = await tx.query(
      `INSERT INTO org_decision (org_id, source, record_id, decision, decided_at) VALUES ($1, $2, $3, $4, $5::timestamptz)
       ON CONFLICT DO NOTHING RETURNING record_id`,
      [orgId, source, d.recordId, d.decision, d.decidedAt],
    );
    if (inserted.length > 0) fresh.push(d);
  }
  if (fresh.length > 0)
    await appendEvidence(
      tx,
      fresh.map((d) => ({ ...d.evidence, orgId })),
    );
  return fresh.length;
}

/**
 * Brings the org's facts (status, milestones) into the incidents the sidecar keeps. When a DPO's
 * confirmation sets or moves the awareness of an incident opened under awareness by confirmation,
 * the incident gets a new revision: Incident__c with the new deadlines, and a notification.
 */
async function applyToIncidents(tx: Sql, orgId: string, records: readonly OrgRecord[], options: OrgReadbackOptions): Promise<number> {
  const byKey = new Map<string, OrgRecord>();
  for (const r of records) {
    const key = String(r['IncidentKey__c'] ?? '').toLowerCase();
    if (INCIDENT_KEY.test(key)) byKey.set(key, r);
  }
  if (byKey.size === 0) return 0;
  const rows = await tx.query<{ state: IncidentState }>(
    'SELECT state FROM incident WHERE org_id = $1 AND incident_key IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid)',
    [orgId, JSON.stringify([...byKey.keys()])],
  );
  const revised: IncidentState[] = [];
  for (const { state } of rows) {
    const record = byKey.get(state.key) as OrgRecord;
    const org = orgFactsOf(record);
    let next: IncidentState = { ...state, org };
    const confirmed = org.milestones.confirm?.at;
    const byConfirmation = options.incidents.awareness === 'confirmation' || state.awarenessBasis === 'confirmation';
    if (byConfirmation && confirmed && confirmed !== state.awarenessAt) {
      next = { ...next, awarenessAt: confirmed, awarenessBasis: 'confirmation', revision: state.revision + 1 };
      revised.push(next);
    }
    if (JSON.stringify(next) === JSON.stringify(state)) continue;
    await tx.query('UPDATE incident SET revision = $3, state = $4::jsonb WHERE org_id = $1 AND incident_key = $2::uuid', [
      orgId,
      state.key,
      next.revision,
      JSON.stringify(next),
    ]);
  }
  if (revised.length === 0) return 0;
  // A revision comes from no new event: it is queued under the newest verdict's event, which exists.
  await queueRecords(
    tx,
    revised.map((s) => ({ orgId, eventId: s.verdicts.at(-1)?.eventId ?? s.key, receivedAt: new Date(), records: [incidentRecord(s)] })),
  );
  await appendEvidence(tx, revised.map(incidentEvidence));
  if (options.incidents.drafts) await storeDrafts(tx, revised, options.incidents.drafts, new Date());
  if (options.notifyTargets?.length) await queueNotifications(tx, revised, options.notifyTargets);
  return revised.length;
}
