import type { ClassifiedEvent, PermissionReviewRequest, Reason } from '../../contract/verdict.js';
import type { LeakEvent } from '../../contract/event.js';
import type { AlertLedger } from '../alert-ledger.js';
import type { Baselines } from '../baselines.js';
import type { EventTime } from '../clock.js';
import type { DetectionConfig } from '../config.js';
import type { DetectionState } from '../state.js';

/** Record totals of the windows an event's volume was added to. */
export interface VolumeWindows {
  /** `actor|app|object|operation` */
  series: string;
  hour: number;
  day: number;
  /** Total of the event's session or Bulk API job, when it names one. */
  session: number | undefined;
  sessionKey: string | undefined;
}

/** Everything a rule may read, and where it leaves what it found. */
export interface RuleContext {
  readonly input: ClassifiedEvent;
  readonly event: LeakEvent;
  readonly time: EventTime;
  readonly config: DetectionConfig;
  /** `config.piiObjects` as a set. */
  readonly piiObjects: ReadonlySet<string>;
  readonly state: DetectionState;
  readonly baselines: Baselines;
  readonly ledger: AlertLedger;
  /** Salted hashes of the canary markers, as the classifier would report them. */
  readonly markerHashes: ReadonlySet<string>;
  /** Set by the volume accumulation step for events that carry a record count. */
  volume: VolumeWindows | undefined;
  reasons: Reason[];
  /** The largest z-score of an anomalous window, if any. */
  zScore: number | null;
  permissionReview: Omit<PermissionReviewRequest, 'riskReasons' | 'riskScore'> | undefined;
}

export type Rule = (ctx: RuleContext) => void;

/** The actor as a reason names them: username when known, else user id. */
export function actorName(event: LeakEvent): string {
  return event.actor.username ?? event.actor.userId;
}

export function detailString(event: LeakEvent, key: string): string | undefined {
  const value = event.details?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function detailStrings(event: LeakEvent, key: string): string[] {
  const value = event.details?.[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
