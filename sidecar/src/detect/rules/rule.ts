import type { ClassifiedEvent, PermissionReviewRequest, Reason } from '../../contract/verdict.js';
import type { LeakEvent } from '../../contract/event.js';
import type { AlertLedger } from '../alert-ledger.js';
import type { Baselines } from '../baselines.js';
import type { EventTime } from '../clock.js';
import type { DetectionConfig, ReasonWeights } from '../config.js';
import type { DetectionState } from '../state.js';

/** Record totals of the windows an event's volume was added to. */
interface VolumeWindows {
  /** `actor|app|object|operation` */
  series: string;
  hour: number;
  day: number;
  /** Total of the event's session or Bulk API job, when it names one. */
  session: number | undefined;
  sessionKey: string | undefined;
}

/** A permission review as the permission rule drafts it; the detector adds the risk from the verdict's reasons. */
type PermissionReviewDraft = Omit<PermissionReviewRequest, 'riskReasons' | 'riskScore'>;

/**
 * What rules hand on: to later rules that name the output in `needs`, or to the verdict. The
 * detector orders rules so that an output's producer runs before every rule that needs it.
 */
export interface RuleOutputs {
  /** First day of the actor's activity, with this event recorded in it (`activity` metric, series = user id). */
  actorFirstDay: number | undefined;
  /** The windows the event's records were added to; undefined for an event that carries no record count. */
  volume: VolumeWindows | undefined;
  /** The largest z-score of an anomalous volume window, for the verdict. */
  zScore: number | undefined;
  /** A permission assignment for a reviewer to decide on, for the verdict. */
  permissionReview: PermissionReviewDraft | undefined;
}

export type OutputName = keyof RuleOutputs;
type WeightName = keyof ReasonWeights;

/** What every rule may read about the event being scored and its org. */
export interface RuleFacts {
  readonly input: ClassifiedEvent;
  readonly event: LeakEvent;
  readonly time: EventTime;
  /** Tunables other than weights: a rule reads the weights it declares from `weights`. */
  readonly config: Omit<DetectionConfig, 'weights'>;
  /** `config.piiObjects` as a set. */
  readonly piiObjects: ReadonlySet<string>;
  readonly state: DetectionState;
  readonly baselines: Baselines;
  readonly ledger: AlertLedger;
  /** Salted hashes of the canary markers, as the classifier would report them. */
  readonly markerHashes: ReadonlySet<string>;
}

/** A rule's input: the facts, the weights it declares, and the outputs it needs. */
type RuleInput<N extends OutputName, W extends WeightName> = RuleFacts & {
  readonly weights: Readonly<Pick<ReasonWeights, W>>;
} & Readonly<Pick<RuleOutputs, N>>;

/** A reason whose code is one the rule declares. */
export interface RuleReason<C extends string> extends Reason {
  code: C;
}

/** What a rule found: its reasons in the order it found them, and the outputs it produces. */
type RuleResult<C extends string, P extends OutputName> = {
  readonly reasons?: readonly RuleReason<C>[];
} & { readonly [K in P]?: RuleOutputs[K] };

/** What the verdict does with a reason code, beyond scoring it. */
export interface ReasonTraits {
  /** Counts towards the risk of the permission review the verdict carries. */
  readonly permission?: boolean;
}

/**
 * A detection rule. It reads the facts and the outputs it `needs`, and returns its reasons and the
 * outputs it `produces` (undefined when it found nothing: the common case allocates nothing).
 */
export interface Rule<C extends string = string, N extends OutputName = OutputName, P extends OutputName = OutputName, W extends WeightName = WeightName> {
  readonly name: string;
  /** Every reason code the rule may emit. */
  readonly reasons: { readonly [K in C]: ReasonTraits };
  /** The configured weights (`config.weights`) it reads. */
  readonly weights: readonly W[];
  readonly needs: readonly N[];
  readonly produces: readonly P[];
  run(input: RuleInput<N, W>): RuleResult<C, P> | undefined;
}

/**
 * A step that computes one output for later rules (and may record state for them) and never
 * raises a reason. Its value is returned as is, so a step run on every event allocates no wrapper.
 */
interface Step<K extends OutputName = OutputName, N extends OutputName = OutputName> {
  readonly name: string;
  readonly needs: readonly N[];
  readonly produces: readonly [K];
  derive(input: RuleInput<N, never>): RuleOutputs[K];
}

export type AnyRule = Rule | Step;

/** Declares a rule, inferring its codes, needs, outputs and weights from the declaration. */
export function defineRule<C extends string, N extends OutputName = never, P extends OutputName = never, W extends WeightName = never>(
  rule: Rule<C, N, P, W>,
): Rule<C, N, P, W> {
  return rule;
}

/** Declares a step, inferring its output and needs from the declaration. */
export function defineStep<K extends OutputName, N extends OutputName = never>(step: Step<K, N>): Step<K, N> {
  return step;
}

/** Adds a reason to a rule's list, creating the list on the first one (most events raise none). */
export function withReason<C extends string>(reasons: RuleReason<C>[] | undefined, reason: RuleReason<C>): RuleReason<C>[] {
  if (!reasons) return [reason];
  reasons.push(reason);
  return reasons;
}
