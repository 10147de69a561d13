import { deadlinesFrom } from '../notify/clocks.js';
import { LONG_TEXT, number, text } from '../verdicts/field-values.js';
import type { SObjectRecord } from '../verdicts/sobject-record.js';
import type { IncidentState } from './correlate.js';
import { awarenessOf } from './awareness.js';

/** The outbox key of one revision of an incident's record. */
export const incidentRevisionKey = (key: string, revision: number): string => `${key}#${revision}`;

/**
 * Incident__c for one revision of an incident, upserted by IncidentKey__c. Status__c (but Merged,
 * when an administrator merged the incident into another) and the
 * milestones a person records (ConfirmedAt__c, EarlyWarningSentAt__c, AuthorityNotifiedAt__c,
 * Nis2NotificationSentAt__c, FinalReportSentAt__c, Milestones__c) are never sent: the org's default
 * (Triage) applies on insert and a DPO's entries are never overwritten. The regulatory deadlines are
 * the notifications' (`notify/clocks.ts`), counted from awareness, so the console shows the same clocks.
 * A revision waits for the one before it, so an older revision never lands after a newer one.
 */
export function incidentRecord(state: IncidentState): SObjectRecord {
  // Waiting for a DPO's confirmation: no awareness yet, so no deadline (null clears an earlier one).
  const awareness = awarenessOf(state);
  const deadlines = awareness ? deadlinesFrom(awareness.at) : undefined;
  return {
    sobject: 'Incident__c',
    externalIdField: 'IncidentKey__c',
    externalId: incidentRevisionKey(state.key, state.revision),
    ...(state.revision > 1 ? { parentSobject: 'Incident__c' as const, parentExternalId: incidentRevisionKey(state.key, state.revision - 1) } : {}),
    fields: {
      Name: text(state.title, 80),
      IncidentKey__c: state.key,
      Severity__c: state.severity,
      DetectedAt__c: state.openedAt,
      DataCategories__c: text(state.dataCategories.join(';'), 255),
      EstimatedSubjects__c: number(state.estimatedSubjects, 9, 0),
      Summary__c: text(summaryOf(state), LONG_TEXT),
      Timeline__c: text(JSON.stringify(timelineOf(state)), 131_072),
      Revision__c: number(state.revision, 9, 0),
      AwarenessAt__c: awareness?.at ?? null,
      AwarenessBasis__c: state.awarenessBasis === 'confirmation' ? 'DPO confirmation' : 'Detection',
      GdprNotifyBy__c: deadlines?.gdprAuthorityBy ?? null,
      Nis2EarlyWarningBy__c: deadlines?.nis2EarlyWarningBy ?? null,
      Nis2NotificationBy__c: deadlines?.nis2NotificationBy ?? null,
      Nis2FinalReportBy__c: deadlines?.nis2FinalReportBy ?? null,
      // The one status the sidecar sets: an administrator merged this incident into another.
      ...(state.mergedInto ? { Status__c: 'Merged', MergedInto__r: { IncidentKey__c: state.mergedInto } } : {}),
    },
  };
}

/** What happened, in a few lines: counts, systems, who, and the verdicts' reasons (users masked, no field value). */
export function summaryOf(state: IncidentState): string {
  const facts = [
    state.mergedInto ? `Merged into incident ${state.mergedInto}: its verdicts and counts are there now.` : '',
    `${state.verdictCount} verdict${state.verdictCount === 1 ? '' : 's'} from ${state.firstEventAt} to ${state.lastVerdictAt}, opened by Leakwatch at ${state.openedAt} (revision ${state.revision}).`,
    `Actors: ${state.actorNames.join(', ') || 'none named'}.`,
    state.objects.length ? `Objects: ${state.objects.join(', ')}.` : '',
    state.apps.length ? `Connected apps: ${state.apps.join(', ')}.` : '',
    state.dataCategories.length ? `Personal data: ${state.dataCategories.join(', ')}.` : '',
    `Records in the flagged events: at least ${state.estimatedRecords}; of people (Contacts, Leads, users, person accounts): at least ${state.estimatedSubjects}.`,
  ].filter((l) => l !== '');
  const verdicts = [...state.verdicts]
    .sort((a, b) => b.riskScore - a.riskScore)
    .slice(0, 20)
    .map((v) => `- ${v.severity} ${v.riskScore}: ${v.summary}`);
  return [...facts, '', ...verdicts].join('\n');
}

/** The incident's timeline as Incident__c.Timeline__c holds it: `[{at, what, who}]`, oldest first. */
export function timelineOf(state: IncidentState): Array<{ at: string; what: string; who: string }> {
  return [
    ...state.verdicts.map((v) => ({ at: v.occurredAt, what: `${v.severity} verdict: ${v.summary}`.slice(0, 500), who: v.actorName })),
    { at: state.openedAt, what: 'Incident opened by Leakwatch from its first verdict', who: 'Leakwatch' },
  ].sort((a, b) => a.at.localeCompare(b.at));
}
