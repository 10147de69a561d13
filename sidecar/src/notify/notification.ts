/**
 * What every notification target receives about an incident: one revision of it, with masked
 * samples only. `idempotencyKey` (`<incident key>:<revision>:<target>`) names the delivery: a
 * target that sees the same key twice must not open or post twice.
 */
export interface IncidentNotification {
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
