import { deadlinesFrom } from '../../sidecar/src/notify/clocks.js';
import type { OrgClient } from '../../sidecar/src/writeback/index.js';

const HOUR = 3_600_000;
/** The DPO whose milestones the seeded incidents carry (the preview itself runs as Sam Reviewer). */
const DPO = { name: 'Dana DPO', id: '0055g00000DpOdaAAB' };

interface SeededIncident {
  key: string;
  name: string;
  severity: string;
  status: string;
  /** How long before the seed the sidecar became aware. */
  awareForHours: number;
  /** Milestones already recorded, each so many hours after awareness. */
  recorded: Partial<Record<'earlyWarning' | 'notifyAuthority' | 'nis2Notification' | 'finalReport', number>>;
  categories: string[];
  subjects: number;
  /** How long after detection Leakwatch contained it, when it did. */
  containedAfterSeconds?: number;
}

/** The incident console's regulatory clocks in every state the sidecar reports: past 50 %, past 90 %, overdue, and met. */
export const PREVIEW_INCIDENTS = {
  past50: {
    key: '20000000-0000-4000-8000-000000000050',
    name: 'Partner API pull of customer records',
    severity: 'High',
    status: 'Confirmed',
    awareForHours: 40,
    recorded: { earlyWarning: 20 },
    categories: ['EMAIL_ADDRESS', 'PERSON', 'PHONE_NUMBER'],
    subjects: 4_200,
  },
  past90: {
    key: '20000000-0000-4000-8000-000000000090',
    name: 'Support agent export of Leads',
    severity: 'Critical',
    status: 'Confirmed',
    awareForHours: 66,
    recorded: { earlyWarning: 22 },
    categories: ['EMAIL_ADDRESS', 'IBAN_CODE', 'PERSON'],
    subjects: 12_800,
    containedAfterSeconds: 95,
  },
  overdue: {
    key: '20000000-0000-4000-8000-000000000100',
    name: 'Stolen session read Contacts',
    severity: 'Critical',
    status: 'Triage',
    awareForHours: 80,
    recorded: {},
    categories: ['DATE_OF_BIRTH', 'EMAIL_ADDRESS', 'PERSON'],
    subjects: 950,
  },
  met: {
    key: '20000000-0000-4000-8000-000000000200',
    name: 'Marketing list sent to the wrong agency',
    severity: 'High',
    status: 'Notified',
    awareForHours: 24 * 12,
    recorded: { earlyWarning: 6, notifyAuthority: 30, nis2Notification: 48, finalReport: 24 * 10 },
    categories: ['EMAIL_ADDRESS', 'PERSON'],
    subjects: 2_300,
  },
} satisfies Record<string, SeededIncident>;

const MILESTONE_FIELDS = {
  earlyWarning: 'EarlyWarningSentAt__c',
  notifyAuthority: 'AuthorityNotifiedAt__c',
  nis2Notification: 'Nis2NotificationSentAt__c',
  finalReport: 'FinalReportSentAt__c',
} as const;

/**
 * Writes the seeded incidents as the sidecar and a DPO would have: the sidecar's awareness, deadlines
 * (`notify/clocks.ts`) and timeline, and the DPO's milestone fields with their Milestones__c entries.
 */
export const seedPreviewIncidents = async (org: OrgClient, now: Date = new Date()): Promise<void> => {
  const records = Object.values(PREVIEW_INCIDENTS).map((incident: SeededIncident) => {
    const aware = now.getTime() - incident.awareForHours * HOUR;
    const awareAt = new Date(aware).toISOString();
    const deadlines = deadlinesFrom(awareAt);
    const milestones = Object.entries(incident.recorded)
      .map(([milestone, hours]) => ({ milestone, at: new Date(aware + hours * HOUR).toISOString(), who: DPO.name, userId: DPO.id }))
      .sort((a, b) => a.at.localeCompare(b.at));
    return {
      IncidentKey__c: incident.key,
      Name: incident.name,
      Status__c: incident.status,
      Severity__c: incident.severity,
      DetectedAt__c: awareAt,
      ConfirmedAt__c: incident.status === 'Triage' ? null : new Date(aware + HOUR).toISOString(),
      DataCategories__c: incident.categories.join(';'),
      EstimatedSubjects__c: incident.subjects,
      Summary__c: `${incident.severity} verdicts on ${incident.categories.join(', ')}, opened by Leakwatch (revision 1).`,
      Timeline__c: JSON.stringify([
        { at: new Date(aware - 5 * 60_000).toISOString(), what: `${incident.severity} verdict: ${incident.name}`, who: 'o•••@•••.example' },
        { at: awareAt, what: 'Incident opened by Leakwatch from its first verdict', who: 'Leakwatch' },
      ]),
      Revision__c: 1,
      AwarenessAt__c: awareAt,
      AwarenessBasis__c: 'Detection',
      GdprNotifyBy__c: deadlines.gdprAuthorityBy,
      Nis2EarlyWarningBy__c: deadlines.nis2EarlyWarningBy,
      Nis2NotificationBy__c: deadlines.nis2NotificationBy,
      Nis2FinalReportBy__c: deadlines.nis2FinalReportBy,
      ...Object.fromEntries(milestones.map((entry) => [MILESTONE_FIELDS[entry.milestone as keyof typeof MILESTONE_FIELDS], entry.at])),
      Milestones__c: milestones.length ? JSON.stringify(milestones) : null,
      ContainedAt__c: incident.containedAfterSeconds === undefined ? null : new Date(aware + incident.containedAfterSeconds * 1000).toISOString(),
      TimeToContainmentSeconds__c: incident.containedAfterSeconds ?? null,
    };
  });
  const results = await org.upsert('Incident__c', 'IncidentKey__c', records);
  const failed = results.find((result) => !result.success);
  if (failed && !failed.success) throw new Error(`seeding the preview's incidents failed: ${failed.message}`);
  await seedPreviewContainment(org, now);
};

/** The agent whose export opened the past-90 % incident: its actor, and the target of its containment. */
const AGENT = { id: '0055g00000SuPaGAAR', label: 's•••@•••.example' };

/**
 * The containment of the past-90 % incident as the sidecar writes it: a freeze its playbook carried out at once
 * (the incident's time to containment), and ending the user's sessions, which waits for a reviewer.
 */
export const PREVIEW_CONTAINMENT = {
  frozen: { key: `${PREVIEW_INCIDENTS.past90.key}:FreezeUser:${AGENT.id.slice(0, 15)}`, action: 'FreezeUser', label: 'Freeze User', target: AGENT.label },
  proposed: { key: `${PREVIEW_INCIDENTS.past90.key}:EndSessions:${AGENT.id.slice(0, 15)}`, action: 'EndSessions', label: 'End Sessions', target: AGENT.label },
} as const;

export const seedPreviewContainment = async (org: OrgClient, now: Date = new Date()): Promise<void> => {
  const incident: SeededIncident = PREVIEW_INCIDENTS.past90;
  const detected = now.getTime() - incident.awareForHours * HOUR;
  const at = (seconds: number) => new Date(detected + seconds * 1000).toISOString();
  const common = {
    Incident__r: { IncidentKey__c: incident.key },
    IncidentKey__c: incident.key,
    DetectedAt__c: at(0),
    IncidentActors__c: AGENT.id.slice(0, 15),
  };
  const results = await org.upsert('ContainmentAction__c', 'ActionKey__c', [
    {
      ...common,
      ActionKey__c: PREVIEW_CONTAINMENT.frozen.key,
      Action__c: PREVIEW_CONTAINMENT.frozen.action,
      TargetId__c: AGENT.id,
      TargetLabel__c: PREVIEW_CONTAINMENT.frozen.target,
      Mode__c: 'Automatic',
      Status__c: 'Done',
      Playbook__c: 'CanaryIntegrationUser',
      Rule__c: 'canary_touched',
      ProposedAt__c: at(60),
      DoneAt__c: at(incident.containedAfterSeconds ?? 0),
      TimeToContainmentSeconds__c: incident.containedAfterSeconds ?? null,
      Outcome__c: 'frozen',
      Attempts__c: 1,
      PriorState__c: JSON.stringify({ userLoginId: '0605g00000SuPaGAAR', wasFrozen: false }),
    },
    {
      ...common,
      ActionKey__c: PREVIEW_CONTAINMENT.proposed.key,
      Action__c: PREVIEW_CONTAINMENT.proposed.action,
      TargetId__c: AGENT.id,
      TargetLabel__c: PREVIEW_CONTAINMENT.proposed.target,
      Mode__c: 'AfterApproval',
      Status__c: 'Proposed',
      Playbook__c: 'IntegrationCredentialsInBrowser',
      Rule__c: 'integration_interactive',
      ProposedAt__c: at(61),
    },
  ]);
  const failed = results.find((result) => !result.success);
  if (failed && !failed.success) throw new Error(`seeding the preview's containment failed: ${failed.message}`);
};
