import { text } from '../verdicts/field-values.js';
import type { OrgClient } from '../writeback/client.js';
import { isSalesforceId } from '../contract/salesforce-id.js';
import { isGone, orgRefusal } from './org-refusals.js';

/** What enforcing needs of the org's client: queries, the outcome upsert, and one-record update and delete. */
export type EnforceClient = Pick<OrgClient, 'query' | 'upsert' | 'update' | 'delete'>;

/** PermissionReview__c.EnforcementStatus__c, as the restricted picklist spells its values. */
const ENFORCEMENT_STATUS = { queued: 'Queued', done: 'Done', retrying: 'Retrying', failed: 'Failed', notPossible: 'NotPossible' } as const;
type EnforcementStatus = (typeof ENFORCEMENT_STATUS)[keyof typeof ENFORCEMENT_STATUS];

/** PermissionReview__c.Status__c values the sidecar carries out. */
const DECISION = { approved: 'Approved', rejected: 'Rejected' } as const;

/** Reviews carried out per poll: each costs at most one call, plus one query for all their assignments. */
const ENFORCE_BATCH = 50;
/** Tries of one decision before a transient failure becomes Failed. */
const MAX_ENFORCE_ATTEMPTS = 8;
/** The wait after the first transient failure; it doubles with each further one, up to an hour. */
const RETRY_BASE_MS = 30_000;
const RETRY_MAX_MS = 3_600_000;

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** What the decision asks of the assignment: remove it, set its expiry, or nothing (approved for good). */
type EnforcementAction = 'remove' | 'expire' | 'keep';

interface EnforcementOutcome {
  reviewKey: string;
  action: EnforcementAction;
  status: Exclude<EnforcementStatus, 'Queued'>;
  /** The org's (or the sidecar's) code and message, as written to EnforcementError__c. */
  error?: string;
  /** The assignment was gone before the sidecar acted on it (removed by hand, or by an earlier poll whose outcome was not recorded). */
  alreadyGone?: boolean;
  /** From DecidedAt__c to now, for a Done outcome of a review with a decision time. */
  containedMs?: number;
}

export interface EnforcedReviews {
  outcomes: EnforcementOutcome[];
  /** Retrying reviews whose back-off has not run out: left for a later poll. */
  deferred: number;
  /** Outcomes the org refused to record: the decisions are checked again next poll (carrying one out twice ends Done). */
  unrecorded: Array<{ reviewKey: string; errorCode: string }>;
}

interface EnforceOptions {
  now?: Date;
  limit?: number;
  maxAttempts?: number;
  retryBaseMs?: number;
}

interface StoredReview {
  ReviewKey__c: string;
  Status__c: string | null;
  EnforcementStatus__c: string | null;
  AssignmentId__c: string | null;
  AssigneeId__c: string | null;
  AccessExpiresOn__c: string | null;
  DecidedAt__c: string | null;
  EnforcementAttempts__c: number | null;
  LastModifiedDate: string | null;
}

interface StoredAssignment {
  Id: string;
  AssigneeId: string | null;
  PermissionSet: { IsOwnedByProfile: boolean | null } | null;
}

/** An org date-time (`2026-12-05T03:04:00.000+0000`) as epoch milliseconds; NaN when absent or unreadable. */
const orgTime = (value: string | null): number => (value ? Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')) : Number.NaN);

/** A 15- or 18-character id in its case-sensitive 15-character form, for comparing the two. */
const id15 = (id: string | null | undefined): string | undefined => (id && isSalesforceId(id) ? id.slice(0, 15) : undefined);

/** EnforcementError__c: a code and a message, cut to the field. Org messages name ids and API names, never record values. */
const errorText = (code: string, message: string): string => text(`${code}: ${message}`, 255) as string;

const retryDelayMs = (attempts: number, baseMs: number): number => Math.min(baseMs * 2 ** Math.max(0, attempts - 1), RETRY_MAX_MS);

/**
 * The moment access ends for an approval "until" a date: the last second of that day in UTC.
 * AccessExpiresOn__c is a Date, which Salesforce stores without a time zone; UTC is the one zone
 * every org and replica agree on, so the same review always gives the same ExpirationDate. In an
 * org west of UTC access ends that afternoon, local time; east of it, in the early hours of the next day.
 */
export const endOfDayUtc = (date: string): string => `${date}T23:59:59.000Z`;

const reviewsQuery = (limit: number): string =>
  'SELECT ReviewKey__c, Status__c, EnforcementStatus__c, AssignmentId__c, AssigneeId__c, AccessExpiresOn__c, DecidedAt__c, EnforcementAttempts__c, LastModifiedDate ' +
  `FROM PermissionReview__c WHERE EnforcementStatus__c IN ('${ENFORCEMENT_STATUS.queued}', '${ENFORCEMENT_STATUS.retrying}') ` +
  `ORDER BY DecidedAt__c ASC NULLS LAST LIMIT ${limit}`;

const assignmentsQuery = (ids: string[]): string =>
  `SELECT Id, AssigneeId, PermissionSet.IsOwnedByProfile FROM PermissionSetAssignment WHERE Id IN (${ids.map((id) => `'${id}'`).join(', ')})`;

type Act = Omit<EnforcementOutcome, 'reviewKey' | 'containedMs'>;

/** The outcome of a refused call: transient ones are tried again, the rest are Failed with the org's code and message. */
const refusal = (action: EnforcementAction, error: unknown): Act => {
  const refused = orgRefusal(error);
  if (refused.transient) return { action, status: ENFORCEMENT_STATUS.retrying, error: errorText(refused.code, refused.message) };
  return { action, status: ENFORCEMENT_STATUS.failed, error: errorText(refused.code, refused.message) };
};

const profileOwned = (action: EnforcementAction): Act => ({
  action,
  status: ENFORCEMENT_STATUS.notPossible,
  error: errorText(
    'PROFILE_OWNED',
    "the assignment belongs to the user's profile (PermissionSet.IsOwnedByProfile) and cannot be removed or limited through the API; change the user's profile",
  ),
});

/** What the review's decision asks for, or a Failed outcome when the review cannot be carried out as it stands. */
const actionOf = (review: StoredReview, now: Date): EnforcementAction | Act => {
  if (review.Status__c === DECISION.rejected) return 'remove';
  if (review.Status__c !== DECISION.approved) {
    return {
      action: 'keep',
      status: ENFORCEMENT_STATUS.failed,
      error: errorText('NOT_DECIDED', `the review is ${review.Status__c ?? 'without a status'}; only Approved and Rejected decisions are carried out`),
    };
  }
  if (!review.AccessExpiresOn__c) return 'keep';
  if (!ISO_DATE.test(review.AccessExpiresOn__c))
    return { action: 'expire', status: ENFORCEMENT_STATUS.failed, error: errorText('INVALID_DATE', 'AccessExpiresOn__c is not a date') };
  // Approved until a day already over: the access it allowed has run out, so it is removed.
  return Date.parse(endOfDayUtc(review.AccessExpiresOn__c)) <= now.getTime() ? 'remove' : 'expire';
};

/** Carries out one decision on its assignment (undefined: the org has no such assignment). */
const carryOut = async (client: EnforceClient, review: StoredReview, action: EnforcementAction, assignment: StoredAssignment | undefined): Promise<Act> => {
  if (action === 'keep') return { action, status: ENFORCEMENT_STATUS.done };
  // Not in the query's answer: gone, or hidden from the integration user (without View Setup, say).
  // Only the org's answer to the call itself tells the two apart, so the call is made by id.
  if (!assignment) return callById(client, review, action);
  // Never act on another user's assignment: an assignment id that now names someone else is refused.
  const assignee = id15(review.AssigneeId__c);
  if (assignee && id15(assignment.AssigneeId) !== assignee) {
    return {
      action,
      status: ENFORCEMENT_STATUS.failed,
      error: errorText('ASSIGNMENT_MISMATCH', `PermissionSetAssignment ${assignment.Id} is not assigned to ${review.AssigneeId__c}`),
    };
  }
  if (assignment.PermissionSet?.IsOwnedByProfile === true) return profileOwned(action);
  try {
    if (action === 'remove') await client.delete('PermissionSetAssignment', assignment.Id);
    else await client.update('PermissionSetAssignment', assignment.Id, { ExpirationDate: endOfDayUtc(review.AccessExpiresOn__c as string) });
    return { action, status: ENFORCEMENT_STATUS.done };
  } catch (error) {
    if (action === 'remove' && isGone(error)) return { action, status: ENFORCEMENT_STATUS.done, alreadyGone: true };
    return refusal(action, error);
  }
};

/** The decision carried out on an assignment the query did not show: Done only if the org says success or that it has no such record. */
const callById = async (client: EnforceClient, review: StoredReview, action: Exclude<EnforcementAction, 'keep'>): Promise<Act> => {
  const id = review.AssignmentId__c as string;
  try {
    if (action === 'remove') await client.delete('PermissionSetAssignment', id);
    else await client.update('PermissionSetAssignment', id, { ExpirationDate: endOfDayUtc(review.AccessExpiresOn__c as string) });
    return { action, status: ENFORCEMENT_STATUS.done };
  } catch (error) {
    if (isGone(error)) return { action, status: ENFORCEMENT_STATUS.done, alreadyGone: true };
    return refusal(action, error);
  }
};

/**
 * Carries out the decisions of the org's permission reviews that wait for it (EnforcementStatus__c
 * Queued, or Retrying once its back-off has run out), oldest decision first, at most `limit` a poll:
 * a rejection deletes the PermissionSetAssignment, an approval until a date sets the assignment's
 * ExpirationDate to the end of that day (UTC), an approval without a date needs nothing. Each
 * outcome goes back to the review in one upsert: Done only when the org said success or the
 * assignment is verifiably gone; Retrying (attempts + 1) after a transient failure, until
 * `maxAttempts`; Failed with the org's code and message; NotPossible for a profile's assignment.
 */
export async function enforceReviews(client: EnforceClient, options: EnforceOptions = {}): Promise<EnforcedReviews> {
  const now = options.now ?? new Date();
  const maxAttempts = options.maxAttempts ?? MAX_ENFORCE_ATTEMPTS;
  const retryBaseMs = options.retryBaseMs ?? RETRY_BASE_MS;
  const waiting = await client.query<StoredReview & Record<string, unknown>>(reviewsQuery(options.limit ?? ENFORCE_BATCH));
  const due = waiting.filter((review) => {
    if (review.EnforcementStatus__c !== ENFORCEMENT_STATUS.retrying) return true;
    const since = orgTime(review.LastModifiedDate);
    return Number.isNaN(since) || now.getTime() - since >= retryDelayMs(review.EnforcementAttempts__c ?? 1, retryBaseMs);
  });
  const planned = due.map((review) => ({ review, action: actionOf(review, now) }));

  const ids = [
    ...new Set(
      planned.flatMap(({ review, action }) =>
        typeof action === 'string' && action !== 'keep' && id15(review.AssignmentId__c) ? [review.AssignmentId__c as string] : [],
      ),
    ),
  ];
  let assignments = new Map<string, StoredAssignment>();
  let lookupFailed: unknown;
  if (ids.length > 0) {
    try {
      const found = await client.query<StoredAssignment & Record<string, unknown>>(assignmentsQuery(ids));
      assignments = new Map(found.map((assignment) => [id15(assignment.Id) as string, assignment]));
    } catch (error) {
      lookupFailed = error;
    }
  }

  const outcomes: EnforcementOutcome[] = [];
  const records: Array<Record<string, unknown>> = [];
  for (const { review, action } of planned) {
    const attempts = (review.EnforcementAttempts__c ?? 0) + 1;
    let act: Act;
    if (typeof action !== 'string') act = action;
    else if (action !== 'keep' && !id15(review.AssignmentId__c))
      act = {
        action,
        status: ENFORCEMENT_STATUS.failed,
        error: errorText('NO_ASSIGNMENT', 'the review names no PermissionSetAssignment id (AssignmentId__c)'),
      };
    else if (action !== 'keep' && lookupFailed !== undefined) act = refusal(action, lookupFailed);
    else act = await carryOut(client, review, action, assignments.get(id15(review.AssignmentId__c) ?? ''));
    if (act.status === ENFORCEMENT_STATUS.retrying && attempts >= maxAttempts) act = { ...act, status: ENFORCEMENT_STATUS.failed };
    const decidedAt = orgTime(review.DecidedAt__c);
    const outcome: EnforcementOutcome = {
      reviewKey: review.ReviewKey__c,
      ...act,
      ...(act.status === ENFORCEMENT_STATUS.done && !Number.isNaN(decidedAt) ? { containedMs: Math.max(0, now.getTime() - decidedAt) } : {}),
    };
    outcomes.push(outcome);
    records.push({
      ReviewKey__c: review.ReviewKey__c,
      EnforcementStatus__c: outcome.status,
      EnforcementError__c: outcome.error ?? null,
      EnforcementAttempts__c: attempts,
      EnforcedAt__c: outcome.status === ENFORCEMENT_STATUS.retrying ? null : now.toISOString(),
    });
  }
  if (records.length === 0) return { outcomes, deferred: waiting.length - due.length, unrecorded: [] };
  const written = await client.upsert('PermissionReview__c', 'ReviewKey__c', records);
  const unrecorded = written.flatMap((result, index) =>
    result.success ? [] : [{ reviewKey: String(records[index]?.ReviewKey__c), errorCode: result.errorCode }],
  );
  return { outcomes, deferred: waiting.length - due.length, unrecorded };
}
