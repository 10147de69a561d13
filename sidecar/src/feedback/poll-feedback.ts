import type { DetectionConfig, ReviewerFeedback } from '../detect/index.js';
import type { Store } from '../store/store.js';
import { detectionOrgIds } from './detection-org.js';
import {
  falsePositivesSoql,
  isRecordId,
  parseOrgDateTime,
  type FalsePositiveRecord,
  type FeedbackCursor,
} from './false-positive-query.js';
import { reviewerFeedbackOf } from './reviewer-feedback.js';
import { advanceWatermark, notePolled, readWatermark } from './watermark.js';

const DAY_MS = 86_400_000;

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
}

export interface PollFeedbackOptions {
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

export interface FeedbackPoll {
  /** Suppressions recorded (re-applied ones included: their ids make them no-ops). */
  suppressed: number;
  skipped: number;
}

/**
 * Reads an org's verdicts that reviewers marked as false positives since this replica's
 * watermark, turns each into a suppression in the detector, persists the detector's state, then
 * moves the watermark past them, a page at a time. A crash between the flush and the watermark
 * re-reads the page, which is harmless: a suppression's id derives from its verdict. A verdict
 * nothing can be learnt from (every reason unsuppressible, fields missing) is reported through
 * `onSkipped` and passed, never retried. A failing query or flush throws with the watermark where
 * it was, so the next poll tries again.
 */
export async function pollFeedback(options: PollFeedbackOptions, orgId: string): Promise<FeedbackPoll> {
  const { store, detector, replica, settleMs = 5_000, pageSize = 200 } = options;
  const now = options.now ?? Date.now;
  const client = options.clientFor(orgId);
  const result: FeedbackPoll = { suppressed: 0, skipped: 0 };
  if (!client) return result;
  const started = now();
  const lifetimeMs = detector.config.suppressionDays * DAY_MS;
  const from = new Date(started - lifetimeMs);
  const before = new Date(started - settleMs);
  let after = await readWatermark(store, orgId, replica);
  for (;;) {
    const page = await client.query<FalsePositiveRecord>(falsePositivesSoql({ after, from, before, limit: pageSize }));
    const last = page.at(-1);
    if (!last) break;
    const scoredAs = await detectionOrgIds(store, orgId, page.map((record) => record.EventId__c ?? ''));
    for (const record of page) {
      const skip = (why: string) => {
        result.skipped += 1;
        options.onSkipped?.({ orgId, eventId: record.EventId__c ?? undefined, verdictId: record.Id, why });
      };
      const ttlDays = (parseOrgDateTime(record.LastModifiedDate).getTime() + lifetimeMs - started) / DAY_MS;
      const built = reviewerFeedbackOf(record, scoredAs.get(record.EventId__c ?? '') ?? orgId, ttlDays);
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
