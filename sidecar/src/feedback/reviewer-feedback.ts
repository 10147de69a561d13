import { SIDECAR_ACTOR_ID, type EventKind, type LeakEvent, type Operation } from '../contract/event.js';
import type { Reason, Severity } from '../contract/verdict.js';
import type { ReviewerFeedback } from '../detect/index.js';
import type { FalsePositiveRecord } from './false-positive-query.js';

const KINDS: readonly EventKind[] = ['dml', 'permission', 'sharing', 'setup', 'oauth', 'login', 'export', 'egress'];
const SEVERITIES: readonly Severity[] = ['Critical', 'High', 'Medium', 'Low', 'Info'];

type FeedbackOf = { feedback: ReviewerFeedback } | { skip: string };

/**
 * The detector's feedback for a verdict a reviewer marked as a false positive, rebuilt from the
 * fields the sidecar wrote: the event's id, actor, connected app, object and operation, and the
 * reason codes (from `Reasons__c`). `orgId` is the org as the detector keys its state; `ttlDays`
 * what is left of the suppression's lifetime. A record that cannot say what to suppress, or for
 * whom, gives `skip` with why; so does one the sidecar raised itself (egress, data flows).
 */
export function reviewerFeedbackOf(record: FalsePositiveRecord, orgId: string, ttlDays: number): FeedbackOf {
  const eventId = record.EventId__c;
  const userId = record.ActorUserId__c;
  if (!eventId) return { skip: 'the verdict has no EventId__c' };
  if (!userId) return { skip: 'the verdict has no ActorUserId__c, so the suppression would cover every user' };
  // Egress decisions and data flows: each raises its verdict once, and the sidecar's actor stands for
  // every service and destination, so a suppression would silence all the others.
  if (userId === SIDECAR_ACTOR_ID)
    return { skip: 'the sidecar raised the verdict itself (an egress decision or a data flow); a suppression for its actor would cover every destination' };
  const reasons = reasonsOf(record.Reasons__c);
  if (!reasons) return { skip: 'Reasons__c is not the JSON array of reasons the sidecar wrote' };
  const event: LeakEvent = {
    id: eventId,
    kind: KINDS.find((kind) => kind === record.OrgEventKind__c) ?? 'dml',
    occurredAt: record.OccurredAt__c ?? record.LastModifiedDate,
    actor: { userId, ...(record.ConnectedAppId__c ? { connectedAppId: record.ConnectedAppId__c } : {}) },
    ...(record.ObjectName__c ? { object: record.ObjectName__c } : {}),
    ...(record.Operation__c ? { operation: record.Operation__c as Operation } : {}),
  };
  return {
    feedback: {
      verdict: {
        eventId,
        orgId,
        severity: SEVERITIES.find((severity) => severity === record.Severity__c) ?? 'Info',
        riskScore: record.RiskScore__c ?? 0,
        reasons,
        piiTypes: [],
        zScore: null,
      },
      event,
      ttlDays,
    },
  };
}

function reasonsOf(json: string | null | undefined): Reason[] | undefined {
  if (!json) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const reasons: Reason[] = [];
  for (const item of parsed) {
    const { code, weight, message } = (item ?? {}) as Partial<Reason>;
    if (typeof code !== 'string' || code === '') return undefined;
    reasons.push({ code, weight: typeof weight === 'number' ? weight : 0, message: typeof message === 'string' ? message : '' });
  }
  return reasons;
}
