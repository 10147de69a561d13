/**
 * What the detector remembers about one org between events. Every update is a
 * commutative increment (or a set union, or a maximum), so several replicas can
 * apply their own increments to shared storage in any order and converge; how each
 * kind of update merges is defined once, in `CHANGE_KINDS` (`state-changes.ts`).
 */
export interface DetectionState {
  readonly orgId: string;
  /**
   * True once the state source dropped this state to roll back changes it had not written (see
   * `SqlStateStore.discard`): the org is then opened again rather than this state used.
   */
  readonly discarded?: boolean;

  /** Adds `n` to an hourly bucket of a metric's series (`volume` in records, `activity` in events). */
  add(metric: Metric, series: string, day: number, hour: number, n: number): void;
  /** One hour's total, 0 when nothing was recorded. */
  hourTotal(metric: Metric, series: string, day: number, hour: number): number;
  /** One day's total, 0 when nothing was recorded. */
  dayTotal(metric: Metric, series: string, day: number): number;
  /** The first day the series was observed on, if ever. */
  firstDay(metric: Metric, series: string): number | undefined;

  /** Adds records to a session (or Bulk API job) accumulator and returns its new total. */
  addToSession(sessionKey: string, day: number, n: number): number;

  /** Scopes granted to a connected app so far; undefined for an app never seen. */
  appScopes(appId: string): ReadonlySet<string> | undefined;
  addAppScopes(appId: string, scopes: readonly string[]): void;

  /** When a token holder (`userId|appId`) was last seen acting, epoch ms. */
  tokenLastSeen(holder: string): number | undefined;
  touchToken(holder: string, ms: number): void;

  /** The first day a signal was observed in this org: its learning (warm-up) started then. */
  observedSince(signal: Signal): number | undefined;
  noteObserved(signal: Signal, day: number): void;
  /** Moves the state to an event's day; what fell out of the horizon is dropped. */
  advanceTo(day: number): void;

  /** The last alert a window (`AlertLedger` key) raised, while remembered. */
  alerted(key: string): AlertMark | undefined;
  /** Records that a window alerted, remembered until `untilDay`; of two marks the later `untilDay`, then the larger total, is kept. */
  noteAlert(key: string, untilDay: number, total: number): void;
  /** Forgets, in this process, the marks remembered until before `day` (storage prunes its own). */
  forgetAlertsBefore(day: number): void;

  canaries(): CanaryRegistry;
  addCanary(canary: Canary): void;

  suppressions(): readonly SuppressionRule[];
  /** Adds a rule; one learnt again (same id) keeps its fields and the later of the two expiries. */
  addSuppression(rule: SuppressionRule): void;
  /** Forgets, in this process, the rules no longer in force at `nowMs` (storage prunes its own). */
  forgetExpiredSuppressions(nowMs: number): void;
  /** Removes a suppression (its false positive was taken back); true when it was in force here. */
  liftSuppression(id: string): boolean;
}

export type Metric = 'volume' | 'activity';

/** A window's last alert: its total then (-1 for a one-off window), remembered until `untilDay`. */
export interface AlertMark {
  untilDay: number;
  total: number;
}

/**
 * Signals learn separately: record volumes from the first dml or export event,
 * OAuth from the first event naming a connected app. Backfilled setup history
 * therefore never makes baselines look warm.
 */
export type Signal = 'volume' | 'oauth';

/** A planted record or value no legitimate process should touch. */
export type Canary = { kind: 'record'; recordId: string; label?: string } | { kind: 'marker'; value: string; label?: string };

export interface CanaryRegistry {
  /** 15-character record id prefixes (case-sensitive ids). */
  readonly recordIds: ReadonlySet<string>;
  /** Marker values; synthetic by design, never personal data. */
  readonly markers: readonly string[];
  readonly labels: ReadonlyMap<string, string>;
}

/** Created from reviewer feedback: reasons with these codes on similar events are dropped until expiry. */
export interface SuppressionRule {
  id: string;
  orgId: string;
  reasonCodes: string[];
  actorUserId?: string;
  object?: string;
  operation?: string;
  connectedAppId?: string;
  createdBy?: string;
  createdAt: string;
  expiresAt: string;
}
