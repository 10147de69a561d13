import type { LeakEvent } from '../contract/event.js';
import type { Reason, Verdict } from '../contract/verdict.js';
import { DEFAULT_DETECTION_CONFIG, type DetectionConfig } from './config.js';
import type { SuppressionRule } from './state.js';

const DAY_MS = 86_400_000;

/** A reviewer marked a verdict as a false positive. */
export interface ReviewerFeedback {
  verdict: Verdict;
  event: LeakEvent;
  reviewer?: string;
  /** Codes to suppress; by default every suppressible code of the verdict. */
  reasonCodes?: string[];
  /** Also suppress for other actors doing the same to the same object. */
  anyActor?: boolean;
  /** Lifetime in days; `config.suppressionDays` by default. */
  ttlDays?: number;
}

/**
 * The suppression rule a false positive creates: the same reasons, for the same
 * actor (and app), object and operation, until it expires. Its id derives from
 * the verdict, so recording the same feedback twice keeps one rule (until the later expiry).
 */
export function createSuppression(
  feedback: ReviewerFeedback,
  now: Date,
  config: Pick<DetectionConfig, 'unsuppressibleCodes' | 'suppressionDays'> = DEFAULT_DETECTION_CONFIG,
): SuppressionRule {
  const { verdict, event } = feedback;
  const codes = (feedback.reasonCodes ?? verdict.reasons.map((r) => r.code)).filter((code) => !config.unsuppressibleCodes.includes(code));
  if (codes.length === 0) throw new RangeError('none of these reasons can be suppressed');
  const ttlDays = feedback.ttlDays ?? config.suppressionDays;
  return {
    id: `fp:${verdict.eventId}`,
    orgId: verdict.orgId,
    reasonCodes: [...new Set(codes)],
    actorUserId: feedback.anyActor ? undefined : event.actor.userId,
    object: event.object,
    operation: event.operation,
    connectedAppId: event.actor.connectedAppId,
    createdBy: feedback.reviewer,
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + ttlDays * DAY_MS).toISOString(),
  };
}

/** True when the rule covers this event (fields a rule leaves unset match anything) and has not expired. */
function suppressionCovers(rule: SuppressionRule, orgId: string, event: LeakEvent, nowMs: number): boolean {
  return (
    rule.orgId === orgId &&
    Date.parse(rule.expiresAt) > nowMs &&
    (rule.actorUserId === undefined || rule.actorUserId === event.actor.userId) &&
    (rule.object === undefined || rule.object === event.object) &&
    (rule.operation === undefined || rule.operation === event.operation) &&
    (rule.connectedAppId === undefined || rule.connectedAppId === event.actor.connectedAppId)
  );
}

/** The reasons left once active suppressions covering the event have removed theirs. */
export function withoutSuppressed(
  reasons: Reason[],
  orgId: string,
  event: LeakEvent,
  rules: readonly SuppressionRule[],
  nowMs: number,
  unsuppressible: readonly string[],
): Reason[] {
  if (rules.length === 0) return reasons;
  const dropped = new Set<string>();
  for (const rule of rules) {
    if (!suppressionCovers(rule, orgId, event, nowMs)) continue;
    for (const code of rule.reasonCodes) if (!unsuppressible.includes(code)) dropped.add(code);
  }
  return dropped.size === 0 ? reasons : reasons.filter((r) => !dropped.has(r.code));
}
