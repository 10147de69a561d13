import type { FeedbackDetector, OrgQueryResolver } from './poll-feedback.js';

export { pollFeedback, type OrgQueryClient, type OrgQueryResolver } from './poll-feedback.js';
export { startFeedbackLoop, type FeedbackLoop } from './feedback-loop.js';
export { lastFeedbackPoll } from './watermark.js';

/** The feedback stage as the app is given it; the workers add the store, the detector's flush and the replica. */
export interface FeedbackSettings {
  /** The detector that scores this replica's events, which learns the suppressions. */
  detector: FeedbackDetector;
  /** The orgs to read false positives from (those with a connection). */
  orgIds: readonly string[];
  clientFor: OrgQueryResolver;
  /** Between the end of one poll of every org and the start of the next. */
  intervalMs: number;
  /** See `PollFeedbackOptions.settleMs`. */
  settleMs?: number;
}
