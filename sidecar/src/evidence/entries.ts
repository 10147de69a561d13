import type { CorrelationInput, IncidentState } from '../incidents/correlate.js';
import type { EvidenceInput } from './chain.js';

/** A verdict as the evidence log keeps it: what was judged and why, masked as the verdict is. */
export function verdictEvidence(input: CorrelationInput): EvidenceInput {
  const { event } = input.stored;
  const { verdict } = input;
  return {
    orgId: input.orgId,
    at: input.detectedAt,
    kind: 'verdict',
    subject: event.id,
    data: {
      severity: verdict.severity,
      riskScore: verdict.riskScore,
      codes: verdict.reasons.map((r) => r.code),
      piiTypes: [...verdict.piiTypes],
      occurredAt: new Date(event.occurredAt).toISOString(),
      kind: event.kind,
      ...(event.operation ? { operation: event.operation } : {}),
      ...(event.object ? { object: event.object } : {}),
      ...(event.recordCount !== undefined ? { recordCount: event.recordCount } : {}),
      actor: event.actor.username ?? event.actor.userId,
    },
  };
}

/** One revision of an incident: its state as notified, and the verdicts it holds (by event id). */
export function incidentEvidence(state: IncidentState): EvidenceInput {
  return {
    orgId: state.orgId,
    at: new Date(),
    kind: 'incident-revision',
    subject: state.key,
    data: {
      revision: state.revision,
      title: state.title,
      severity: state.severity,
      openedAt: state.openedAt,
      lastVerdictAt: state.lastVerdictAt,
      actors: state.actorNames,
      objects: state.objects,
      apps: state.apps,
      dataCategories: state.dataCategories,
      estimatedRecords: state.estimatedRecords,
      estimatedSubjects: state.estimatedSubjects,
      verdicts: state.verdicts.map((v) => ({ eventId: v.eventId, severity: v.severity })),
    },
  };
}

/** One delivery attempt of a notification: the target, how it ended, the remote id. */
export function notificationEvidence(
  orgId: string,
  idempotencyKey: string,
  target: string,
  outcome: 'done' | 'retry' | 'dead',
  detail: { remoteId?: string; error?: string },
): EvidenceInput {
  return {
    orgId,
    at: new Date(),
    kind: 'notification-attempt',
    subject: idempotencyKey,
    data: { target, outcome, ...(detail.remoteId ? { remoteId: detail.remoteId } : {}), ...(detail.error ? { error: detail.error.slice(0, 500) } : {}) },
  };
}
