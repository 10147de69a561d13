import type { EntityType } from '../contract/entities.js';
import type { ClassifiedEvent, Detector, Reason, Verdict } from '../contract/verdict.js';
import { AlertLedger } from './alert-ledger.js';
import { Baselines } from './baselines.js';
import { CanaryHashes } from './canary-hashes.js';
import { eventTime } from './clock.js';
import { resolveDetectionConfig, type DetectionConfig, type DetectionConfigInput } from './config.js';
import { isDrillEvent } from '../drill/mark.js';
import { DRILL_RULES, EGRESS_RULES, EVENT_RULES, PERMISSION_CODES } from './rule-sets.js';
import { runRules, type RuleRun } from './run-rules.js';
import { riskScoreOf, severityFor } from './severity.js';
import { memoryStateSource, type StateSource } from './state-source.js';
import type { Canary, DetectionState, SuppressionRule } from './state.js';
import { createSuppression, withoutSuppressed, type ReviewerFeedback } from './suppression.js';

export interface DetectorOptions {
  config?: DetectionConfigInput;
  /** Per-org state; in process memory by default. */
  states?: StateSource;
  /** Wall clock, used only to expire suppressions (all other time comes from the events). */
  now?: () => number;
  /** The classifier's value-hash salt: lets canary markers be recognised in findings without field values. */
  hashSalt?: string;
}

/** The detection engine: the service's `Detector`, plus what benchmarks and reviewer feedback need. */
export interface DetectionEngine extends Detector {
  readonly config: DetectionConfig;
  /** Scores an event of an org whose state is already open; synchronous, for batches and benchmarks. */
  scoreOpen(input: ClassifiedEvent): Verdict | null;
  /** Scores a batch in order: opens the orgs it names once, then scores synchronously. */
  scoreBatch(inputs: readonly ClassifiedEvent[]): Promise<Array<Verdict | null>>;
  /** Opens (loads) an org's state ahead of `scoreOpen`. */
  openOrg(orgId: string): Promise<void>;
  /** Records a reviewer's false positive as a suppression rule and returns it. */
  suppress(feedback: ReviewerFeedback): Promise<SuppressionRule>;
  /** Lifts a suppression (a false positive the reviewer took back); true when it was in force. */
  lift(orgId: string, suppressionId: string): Promise<boolean>;
  /** The suppressions held in memory for an org, under each form of its id (15 or 18 characters) that is open. */
  heldSuppressions(orgId: string): SuppressionRule[];
  /** Registers a canary record or marker for an org (persisted with the org's state). */
  registerCanary(orgId: string, canary: Canary): Promise<void>;
}

interface OrgContext {
  state: DetectionState;
  baselines: Baselines;
  ledger: AlertLedger;
  canaryHashes: CanaryHashes;
}

export function createDetector(options: DetectorOptions = {}): DetectionEngine {
  const config = resolveDetectionConfig(options.config);
  const states = options.states ?? memoryStateSource(config);
  const now = options.now ?? Date.now;
  const piiObjects = new Set(config.piiObjects);
  const orgs = new Map<string, OrgContext>();
  const opening = new Map<string, Promise<OrgContext>>();

  function contextFor(orgId: string, state: DetectionState): OrgContext {
    const registry = state.canaries();
    for (const canary of config.canaries) {
      if (canary.orgId !== undefined && canary.orgId !== orgId) continue;
      const present = canary.kind === 'record' ? registry.recordIds.has(canary.recordId.slice(0, 15)) : registry.markers.includes(canary.value);
      if (!present) state.addCanary(canary);
    }
    const ctx = {
      state,
      baselines: new Baselines(state, config),
      ledger: new AlertLedger(state),
      canaryHashes: new CanaryHashes(options.hashSalt),
    };
    orgs.set(orgId, ctx);
    return ctx;
  }

  /** The org's context, unless its state was discarded since (then it is dropped, and the org opened again). */
  function current(orgId: string): OrgContext | undefined {
    const ctx = orgs.get(orgId);
    if (!ctx?.state.discarded) return ctx;
    orgs.delete(orgId);
    return undefined;
  }

  async function open(orgId: string): Promise<OrgContext> {
    const ready = current(orgId);
    if (ready) return ready;
    let pending = opening.get(orgId);
    if (!pending) {
      pending = Promise.resolve(states.open(orgId)).then((state) => contextFor(orgId, state));
      opening.set(orgId, pending);
      pending.then(
        () => opening.delete(orgId),
        () => opening.delete(orgId),
      );
    }
    return pending;
  }

  /**
   * Applies a change to the org's live state. The check and the change run without a pause in
   * between, so a change never lands in a state that was discarded while the org was opening.
   */
  async function change(orgId: string, apply: (state: DetectionState) => void): Promise<void> {
    for (;;) {
      const org = await open(orgId);
      if (!org.state.discarded) return apply(org.state);
    }
  }

  function evaluate(org: OrgContext, input: ClassifiedEvent): Verdict | null {
    const { event } = input;
    const time = eventTime(event.occurredAt);
    const drill = isDrillEvent(event);
    const egress = event.kind === 'egress';
    if (!drill && !egress) org.state.advanceTo(time.day);
    const run: RuleRun = {
      input,
      event,
      time,
      config,
      weights: config.weights,
      piiObjects,
      state: org.state,
      baselines: org.baselines,
      ledger: org.ledger,
      markerHashes: org.canaryHashes.of(org.state.canaries()),
      actorFirstDay: undefined,
      volume: undefined,
      zScore: undefined,
      permissionReview: undefined,
    };
    const found = runRules(egress ? EGRESS_RULES : drill ? DRILL_RULES : EVENT_RULES, run);
    if (found.length === 0) return null;
    const nowMs = now();
    org.state.forgetExpiredSuppressions(nowMs);
    const reasons = withoutSuppressed(found, input.orgId, event, org.state.suppressions(), nowMs, config.unsuppressibleCodes);
    if (reasons.length === 0) return null;
    return verdictOf(input, run, reasons);
  }

  return {
    config,
    async score(input) {
      return evaluate(current(input.orgId) ?? (await open(input.orgId)), input);
    },
    scoreOpen(input) {
      let org = current(input.orgId);
      if (!org) {
        const state = states.open(input.orgId);
        if (state instanceof Promise) throw new Error('org state is not open yet: call openOrg first');
        org = contextFor(input.orgId, state);
      }
      return evaluate(org, input);
    },
    async scoreBatch(inputs) {
      const contexts = new Map<string, OrgContext>();
      for (const input of inputs) if (!contexts.has(input.orgId)) contexts.set(input.orgId, current(input.orgId) ?? (await open(input.orgId)));
      return inputs.map((input) => evaluate(contexts.get(input.orgId)!, input));
    },
    async openOrg(orgId) {
      await open(orgId);
    },
    async suppress(feedback) {
      const rule = createSuppression(feedback, new Date(now()), config);
      await change(rule.orgId, (state) => state.addSuppression(rule));
      return rule;
    },
    async lift(orgId, suppressionId) {
      let lifted = false;
      await change(orgId, (state) => {
        lifted = state.liftSuppression(suppressionId);
      });
      return lifted;
    },
    heldSuppressions(orgId) {
      const org15 = orgId.slice(0, 15);
      return [...orgs.keys()].filter((key) => key.slice(0, 15) === org15).flatMap((key) => current(key)?.state.suppressions() ?? []);
    },
    async registerCanary(orgId, canary) {
      await change(orgId, (state) => state.addCanary(canary));
    },
  };
}

function verdictOf(input: ClassifiedEvent, run: RuleRun, reasons: Reason[]): Verdict {
  const sorted = [...reasons].sort((a, b) => b.weight - a.weight);
  const riskScore = riskScoreOf(sorted.map((r) => r.weight));
  const verdict: Verdict = {
    eventId: input.event.id,
    orgId: input.orgId,
    severity: severityFor(riskScore),
    riskScore,
    reasons: sorted,
    piiTypes: piiTypesOf(input),
    zScore: run.zScore === undefined ? null : Math.round(run.zScore * 100) / 100,
  };
  if (run.permissionReview) {
    const riskReasons = sorted.filter((r) => PERMISSION_CODES.has(r.code));
    if (riskReasons.length > 0)
      verdict.permissionReview = {
        ...run.permissionReview,
        riskReasons,
        riskScore: riskScoreOf(riskReasons.map((r) => r.weight)),
      };
  }
  return verdict;
}

function piiTypesOf(input: ClassifiedEvent): EntityType[] {
  const types = new Set<EntityType>();
  for (const f of input.findings) for (const e of f.entities) types.add(e.type);
  return [...types].sort();
}
