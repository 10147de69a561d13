import type { Verdict } from '../contract/verdict.js';
import type { StoredEvent } from '../ingest/stored-event.js';
import { LONG_TEXT, number, text } from './field-values.js';
import type { SObjectRecord } from './sobject-record.js';

/**
 * LeakVerdict__c for a scored event. Status__c is left out on purpose: the org's
 * default (New) applies on insert and an upsert never overwrites a reviewer's status.
 */
export function leakVerdictRecord(stored: StoredEvent, verdict: Verdict, detectedAt: Date): SObjectRecord {
  const { event } = stored;
  const reasons = [...verdict.reasons].sort((a, b) => b.weight - a.weight);
  return {
    sobject: 'LeakVerdict__c',
    externalIdField: 'EventId__c',
    externalId: event.id,
    fields: {
      EventId__c: event.id,
      OrgEventKind__c: event.kind,
      Severity__c: verdict.severity,
      RiskScore__c: number(Math.max(0, Math.min(100, verdict.riskScore)), 3, 0),
      ObjectName__c: text(event.object, 80),
      Operation__c: text(event.operation, 40),
      RecordCount__c: number(event.recordCount, 9, 0),
      ActorUserId__c: text(event.actor.userId, 18),
      ActorUsername__c: text(event.actor.username, 255),
      ActorIsIntegration__c: event.actor.isIntegration === true,
      ConnectedAppId__c: text(event.actor.connectedAppId, 18),
      OccurredAt__c: new Date(event.occurredAt).toISOString(),
      DetectedAt__c: detectedAt.toISOString(),
      ReasonSummary__c: text(
        reasons
          .slice(0, 3)
          .map((r) => r.message)
          .join(' '),
        255,
      ),
      Reasons__c: text(JSON.stringify(reasons.map(({ code, weight, message }) => ({ code, weight, message }))), LONG_TEXT),
      PiiTypes__c: text([...new Set(verdict.piiTypes)].sort().join(';'), 255),
      ZScore__c: number(verdict.zScore, 8, 2),
      Details__c: event.details ? text(JSON.stringify(event.details), LONG_TEXT) : null,
      ProcessingNotes__c: text(stored.notes.join('\n'), LONG_TEXT),
    },
  };
}
