/**
 * What every notification target receives about an incident: one revision of it, with masked
 * samples only. `idempotencyKey` (`<incident key>:<revision>:<target>`) names the delivery: a
 * target that sees the same key twice must not open or post twice.
 */
export interface IncidentNotification {
  /**
   * `revision` (default): the incident opened or changed; `reminder`: a regulatory clock passed
   * 50 % or 90 % of its span, or its deadline, with no milestone recorded.
   */
  kind?: 'revision' | 'reminder';
  /** For a reminder: which clock, how far it has run, and when it runs out. */
  reminder?: {
    clock: 'gdpr72h' | 'nis2EarlyWarning24h' | 'nis2Notification72h' | 'nis2FinalReport1Month';
    state: 'past50' | 'past90' | 'overdue';
    dueAt: string;
  };
  /** A drill (`leakwatch drill`): synthetic canary data only; targets should label it so. */
  drill?: boolean;
  /** The org's key (18-character id). */
  orgId: string;
  /** The incident's stable key (`Incident__c.IncidentKey__c`, a UUID). */
  incidentKey: string;
  /** Grows with every change the sidecar makes to the incident; 1 when it opens. */
  revision: number;
  /** One line, no personal data: `Contacts exported by an integration user from a new network`. */
  title: string;
  severity: 'Critical' | 'High' | 'Medium' | 'Low';
  /** `Triage`, `Confirmed`, `Contained`, `Notified`, `Closed` (Incident__c.Status__c). */
  status: string;
  /** When the sidecar detected it (ISO 8601). */
  detectedAt: string;
  /** When the controller became aware (detection, or a DPO's confirmation), if known. */
  awarenessAt?: string;
  /** Regulatory deadlines from awareness (ISO 8601), where they apply. */
  deadlines: {
    gdprAuthorityBy?: string;
    nis2EarlyWarningBy?: string;
    nis2NotificationBy?: string;
    nis2FinalReportBy?: string;
  };
  /** Personal-data categories involved (entity types: EMAIL_ADDRESS, PHONE_NUMBER, …). */
  dataCategories: string[];
  /** Records read, exported or changed, as the verdicts counted them. */
  estimatedRecords?: number;
  /** Data subjects affected, where they can be told apart from records. */
  estimatedSubjects?: number;
  /** Objects and connected apps involved (`Contact`, `ShopSync Connector`). */
  systems: string[];
  /** Who acted: masked usernames (`s•••@•••.example`) or user ids. */
  actors: string[];
  /** A few sentences, from the verdicts' reasons; names users masked, never a field value. */
  summary: string;
  /** The verdicts the incident holds, newest last. */
  verdicts: Array<{ eventId: string; severity: string; riskScore: number; reasons: string[]; occurredAt: string }>;
  /** Masked samples of what was found (`j•••@•••.com`), never raw values. */
  maskedSamples: string[];
}

/** How a delivery ended. A retryable failure is tried again with backoff; another one is a dead letter. */
export type DeliveryResult =
  | { ok: true; remoteId: string; remoteUrl?: string; created: boolean }
  | { ok: false; retryable: boolean; status?: number; error: string; retryAfterMs?: number };

/** A place notifications go: a ticketing system, a webhook, the org, mail. */
export interface NotificationTarget {
  /** `servicenow`, `jira`, `webhook`, `org`, `smtp`. */
  readonly kind: string;
  /** The target's name in the configuration (unique per org). */
  readonly name: string;
  deliver(notification: IncidentNotification, idempotencyKey: string): Promise<DeliveryResult>;
}

const CLOCK_WORDS: Record<NonNullable<IncidentNotification['reminder']>['clock'], string> = {
  gdpr72h: 'GDPR Art. 33: notify the supervisory authority within 72 hours',
  nis2EarlyWarning24h: 'NIS2 Art. 23(4)(a): early warning within 24 hours',
  nis2Notification72h: 'NIS2 Art. 23(4)(b): incident notification within 72 hours',
  nis2FinalReport1Month: 'NIS2 Art. 23(4)(d): final report within one month',
};

const REMINDER_WORDS: Record<NonNullable<IncidentNotification['reminder']>['state'], string> = {
  past50: 'half of the time is gone',
  past90: '90 % of the time is gone',
  overdue: 'the deadline has passed',
};

/**
 * One line saying what a reminder reminds of: `Reminder: GDPR Art. 33: … — 90 % of the time is
 * gone; due 2026-03-05T08:00:00.000Z. Record the milestone in the incident console.` Undefined for
 * a notification that is not a reminder.
 */
export function reminderLine(n: Pick<IncidentNotification, 'kind' | 'reminder'>): string | undefined {
  if (n.kind !== 'reminder' || !n.reminder) return undefined;
  const { clock, state, dueAt } = n.reminder;
  return `Reminder: ${CLOCK_WORDS[clock]} — ${REMINDER_WORDS[state]}; due ${dueAt}. Record the milestone in the incident console once done.`;
}
