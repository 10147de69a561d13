import type { DetectionConfig, ReviewerFeedback, SuppressionRule } from '../detect/index.js';
import type { Store } from '../store/store.js';
import { orgKey } from '../contract/salesforce-id.js';
import {
  falsePositivesSoql,
  isEventId,
  isRecordId,
  parseOrgDateTime,
  unmarkedSoql,
  type FalsePositiveRecord,
  type FalsePositiveWindow,
  type FeedbackCursor,
  type UnmarkedRecord,
} from './false-positive-query.js';
import { reviewerFeedbackOf } from './reviewer-feedback.js';
import { advanceWatermark, notePolled, readWatermark } from './watermark.js';

const DAY_MS = 86_400_000;
/** Event ids per query for verdicts whose false positive was taken back (keeps the query a few KB long). */
const UNMARK_IDS_PER_QUERY = 100;

/** What the feedback stage needs of an org's client: SOQL, following `nextRecordsUrl`, with unqualified names. */
export interface OrgQueryClient {
  query<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
}

/** The org's client, or undefined for an org without a connection. */
export type OrgQueryResolver = (orgId: string) => OrgQueryClient | undefined;

/** Where reviewer feedback goes: the detector of this replica (`DetectionEngine` fits). */
export interface FeedbackDetector {
  readonly config: Pick<DetectionConfig, 'suppressionDays'>;
  suppress(feedback: ReviewerFeedback): Promise<unknown>;
  /** Lifts a suppression; true when it was in force. */
  lift(orgId: string, suppressionId: string): Promise<boolean>;
  /** The suppressions held in memory for an org (any form of its id). */
  heldSuppressions(orgId: string): readonly SuppressionRule[];
}

interface PollFeedbackOptions {
  store: Store;
  detector: FeedbackDetector;
  /** Persists the detector's state; the watermark moves only after it resolves. */
  flush: () => Promise<void>;
  clientFor: OrgQueryResolver;
  /** This replica's name: each replica reads every org's feedback into its own detector. */
  replica: string;
  /**
   * Verdicts changed in the last `settleMs` (and in the current second) are left for the next
   * poll, so that every verdict of a second is visible before the watermark passes that second,
   * even when the org's clock or commits lag a little. Default 5 s.
   */
  settleMs?: number;
  /** Verdicts per query. Default 200. */
  pageSize?: number;
  now?: () => number;
  /** Stops between pages, e.g. when the service shuts down (the poll then does not count as complete). */
  stopping?: () => boolean;
  onSkipped?: (skipped: { orgId: string; eventId: string | undefined; verdictId: string; why: string }) => void;
}

interface FeedbackPoll {
  /** Suppressions recorded (re-applied ones included: their ids keep one rule, until the later expiry). */
  suppressed: number;
  skipped: number;
  /** Suppressions lifted because a reviewer took their false positive back. */
  lifted: number;
}

/**
 * Reads an org's verdicts that reviewers marked as false positives since this replica's
 * watermark, turns each into a suppression in the detector, persists the detector's state, then
 * moves the watermark past them, a page at a time. Before that, it lifts (and persists the lifting
 * of) the suppressions whose verdicts changed since the watermark and are no longer marked: a
 * suppression stays only while its own verdict is a false positive. A crash between the flush and the watermark
 * re-reads the page, which is harmless: a suppression's id derives from its verdict. A verdict
 * nothing can be learnt from (every reason unsuppressible, fields missing) is reported through
 * `onSkipped` and passed, never retried. A failing query or flush throws with the watermark where
 * it was, so the next poll tries again.
 */
export async function pollFeedback(options: PollFeedbackOptions, configuredOrgId: string): Promise<FeedbackPoll> {
  const orgId = orgKey(configuredOrgId);
  const { store, detector, replica, settleMs = 5_000, pageSize = 200 } = options;
  const now = options.now ?? Date.now;
  const client = options.clientFor(orgId);
  const result: FeedbackPoll = { suppressed: 0, skipped: 0, lifted: 0 };
  if (!client) return result;
  const started = now();
  const lifetimeMs = detector.config.suppressionDays * DAY_MS;
  const from = new Date(started - lifetimeMs);
  const before = new Date(started - settleMs);
  let after = await readWatermark(store, orgId, replica);
  result.lifted = await liftUnmarked(options, client, orgId, { after, from, before }, started);
  for (;;) {
    const page = await client.query<FalsePositiveRecord>(falsePositivesSoql({ after, from, before, limit: pageSize }));
    const last = page.at(-1);
    if (!last) break;
    for (const record of page) {
      const skip = (why: string) => {
        result.skipped += 1;
        options.onSkipped?.({ orgId, eventId: record.EventId__c ?? undefined, verdictId: record.Id, why });
      };
      const ttlDays = (parseOrgDateTime(record.LastModifiedDate).getTime() + lifetimeMs - started) / DAY_MS;
      const built = reviewerFeedbackOf(record, orgId, ttlDays);
      if ('skip' in built) skip(built.skip);
      else if (!(ttlDays > 0)) skip('the suppression it would create has already expired');
      else if (await recordSuppression(detector, built.feedback)) result.suppressed += 1;
      else skip('none of its reasons can be suppressed');
    }
    await options.flush();
    const next = cursorOf(last);
    if (after && next.lastModified.getTime() === after.lastModified.getTime() && next.id === after.id) break;
    await advanceWatermark(store, orgId, replica, next);
    after = next;
    if (page.length < pageSize) break;
    if (options.stopping?.()) return result;
  }
  await notePolled(store, orgId, replica, new Date(now()));
  return result;
}

/**
 * Lifts the suppressions learnt from verdicts that changed within the window and are no longer
 * marked as false positives, then persists that. The verdicts asked about are those of the
 * false-positive suppressions this replica holds in memory or the store holds for the org (another
 * replica may have lifted a rule from the store that this one still holds, or written one this one
 * has not read). Each verdict's status is read as it is now, so a mark taken back and given again
 * within the window leaves the suppression in place.
 */
async function liftUnmarked(
  options: PollFeedbackOptions,
  client: OrgQueryClient,
  orgId: string,
  window: Omit<FalsePositiveWindow, 'limit'>,
  now: number,
): Promise<number> {
  const held = await heldFalsePositives(options, orgId, now);
  if (held.size === 0) return 0;
  let lifted = 0;
  let unmarked = 0;
  const eventIds = [...held.keys()];
  for (let i = 0; i < eventIds.length; i += UNMARK_IDS_PER_QUERY) {
    const page = await client.query<UnmarkedRecord>(unmarkedSoql(eventIds.slice(i, i + UNMARK_IDS_PER_QUERY), window));
    for (const record of page) {
      for (const rule of held.get(String(record.EventId__c).toLowerCase()) ?? []) {
        unmarked += 1;
        if (await options.detector.lift(rule.orgId, rule.id)) lifted += 1;
      }
    }
  }
  if (unmarked > 0) await options.flush();
  return lifted;
}

/** The org's unexpired false-positive suppressions (`fp:<eventId>`), by lower-case event id. */
async function heldFalsePositives(options: PollFeedbackOptions, orgId: string, now: number): Promise<Map<string, Array<{ id: string; orgId: string }>>> {
  const stored = await options.store.query<{ id: string; org_id: string }>(
    `SELECT id, org_id FROM detect_suppression WHERE org_id = $1 AND id LIKE 'fp:%' AND expires_at > $2`,
    [orgId, new Date(now).toISOString()],
  );
  const rules = [
    ...stored.map((row) => ({ id: row.id, orgId: row.org_id })),
    ...options.detector.heldSuppressions(orgId).filter((rule) => rule.id.startsWith('fp:') && Date.parse(rule.expiresAt) > now),
  ];
  const held = new Map<string, Array<{ id: string; orgId: string }>>();
  for (const rule of rules) {
    const eventId = rule.id.slice(3);
    if (!isEventId(eventId)) continue;
    const key = eventId.toLowerCase();
    const known = held.get(key) ?? [];
    if (!known.some((k) => k.id === rule.id && k.orgId === rule.orgId)) known.push({ id: rule.id, orgId: rule.orgId });
    held.set(key, known);
  }
  return held;
}

/** Records the suppression; false when every reason of the verdict is unsuppressible (canaries). */
async function recordSuppression(detector: FeedbackDetector, feedback: ReviewerFeedback): Promise<boolean> {
  try {
    await detector.suppress(feedback);
    return true;
  } catch (err) {
    if (err instanceof RangeError) return false;
    throw err;
  }
}

function cursorOf(record: FalsePositiveRecord): FeedbackCursor {
  const lastModified = parseOrgDateTime(String(record.LastModifiedDate));
  if (!isRecordId(record.Id) || Number.isNaN(lastModified.getTime())) {
    throw new TypeError('the org returned a verdict without a valid Id and LastModifiedDate');
  }
  return { lastModified, id: record.Id };
}
