/**
 * Tells the org itself: one Case per incident and one `LeakAlert__e` platform event per delivery,
 * through the org connection the write-back uses (`writeback/client.ts`, which applies the
 * package's namespace: `leakwatch__IncidentKey__c`, `leakwatch__LeakAlert__e`).
 *
 * 1. The Case is upserted by `IncidentKey__c` (sObject Rows by External ID, PATCH
 *    `/sobjects/Case/IncidentKey__c/<key>`: 201 created, 200 updated;
 *    https://developer.salesforce.com/docs/platform/api-rest/guide/dome-upsert.html). An upsert is
 *    idempotent: a retry finds the Case it created, never a second one.
 * 2. Then one `LeakAlert__e` is published (POST `/sobjects/LeakAlert__e`;
 *    https://developer.salesforce.com/docs/atlas.en-us.platform_events.meta/platform_events/platform_events_publish_api.htm).
 *    Publishing is not idempotent: a retry after a lost answer publishes again, so Flow and
 *    trigger subscribers deduplicate on `IdempotencyKey__c`. The event comes after the Case, so a
 *    retry after a failed publish only upserts the Case again, and a subscriber always finds it.
 */
import type { OrgClient, OrgRecord } from '../writeback/client.js';
import { classifyError } from '../writeback/errors.js';
import type { DeliveryResult, IncidentNotification, NotificationTarget } from './notification.js';
import { labelsOf, plainTextOf } from './render.js';

/** What the target needs of an org's connection. */
export type OrgTargetClient = Pick<OrgClient, 'upsertOne' | 'publishEvent'>;

interface OrgTargetOptions {
  /** The target's name in the configuration. */
  name: string;
  /** The org's connection (the write-back's, checked to log in to that org); undefined when the org has none. */
  clientFor: (orgId: string) => OrgTargetClient | undefined;
}

/**
 * Case priority per severity. High, Medium and Low are the values of the standard Priority picklist
 * in a new org; Critical has no value of its own there.
 */
const PRIORITY: Record<IncidentNotification['severity'], string> = { Critical: 'High', High: 'High', Medium: 'Medium', Low: 'Low' };

/** Case.Subject is 255 characters, Case.Description 32,000 (Case field reference). */
const SUBJECT_LENGTH = 255;
const DESCRIPTION_LENGTH = 32_000;
/** LeakAlert__e text fields, as force-app defines them. */
const TEXT_LENGTH = 255;

const cut = (value: string, length: number): string => (value.length <= length ? value : `${value.slice(0, length - 1)}…`);

/**
 * The Case's standard fields, all of which every org has. Status is never sent: a new Case gets the
 * org's default case status (CaseStatus.IsDefault) and later revisions leave it to the people working
 * the Case; a fixed value such as `New` could be one an org has renamed or deactivated.
 */
function caseFields(notification: IncidentNotification): OrgRecord {
  const labels = notification.drill ? ['Drill'] : [];
  return {
    Subject: cut(`[Leakwatch ${notification.severity}] ${[...labels, notification.title].join(': ')}`, SUBJECT_LENGTH),
    Description: cut(plainTextOf({ ...notification, kind: 'revision' }), DESCRIPTION_LENGTH),
    Priority: PRIORITY[notification.severity],
  };
}

/** The `LeakAlert__e` fields of one delivery; optional values left out stay empty. */
export function alertFields(notification: IncidentNotification, idempotencyKey: string, caseId: string | undefined): OrgRecord {
  const reminder = notification.kind === 'reminder' ? notification.reminder : undefined;
  const fields: Record<string, unknown> = {
    IncidentKey__c: notification.incidentKey,
    Revision__c: notification.revision,
    Kind__c: notification.kind ?? 'revision',
    Severity__c: notification.severity,
    Title__c: cut([...labelsOf(notification), notification.title].join(': '), TEXT_LENGTH),
    Status__c: notification.status,
    DetectedAt__c: notification.detectedAt,
    GdprNotifyBy__c: notification.deadlines.gdprAuthorityBy,
    Nis2EarlyWarningBy__c: notification.deadlines.nis2EarlyWarningBy,
    DataCategories__c: notification.dataCategories.length > 0 ? cut(notification.dataCategories.join(';'), TEXT_LENGTH) : undefined,
    EstimatedRecords__c: notification.estimatedRecords,
    EstimatedSubjects__c: notification.estimatedSubjects,
    Drill__c: notification.drill === true,
    IdempotencyKey__c: idempotencyKey,
    CaseId__c: caseId,
    ReminderClock__c: reminder?.clock,
    ReminderState__c: reminder?.state,
    ReminderDueAt__c: reminder?.dueAt,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

/** A refusal or failure of the org, as the write-back classifies it (5xx, 429, limits, locks and lost connections retry). */
function failure(step: string, error: unknown): Extract<DeliveryResult, { ok: false }> {
  const classified = classifyError(error);
  return { ok: false, retryable: classified.retryable, error: `${step}: ${classified.code}: ${classified.message}`.slice(0, 500) };
}

/** A notification target that upserts the incident's Case in its org, then publishes one `LeakAlert__e`. */
export function createOrgTarget(options: OrgTargetOptions): NotificationTarget {
  return {
    kind: 'org',
    name: options.name,
    async deliver(notification, idempotencyKey) {
      const client = options.clientFor(notification.orgId);
      if (!client)
        return { ok: false, retryable: false, error: `org ${notification.orgId} has no connection: configure one or leave the org out of this target's orgs` };
      // A subscriber could no longer match a cut key against the ones it has processed.
      if (idempotencyKey.length > TEXT_LENGTH) return { ok: false, retryable: false, error: `the idempotency key is longer than ${TEXT_LENGTH} characters` };
      let upserted: { id?: string; created: boolean };
      try {
        upserted = await client.upsertOne('Case', 'IncidentKey__c', notification.incidentKey, caseFields(notification));
      } catch (error) {
        return failure('upserting the Case', error);
      }
      try {
        await client.publishEvent('LeakAlert__e', alertFields(notification, idempotencyKey, upserted.id));
      } catch (error) {
        return failure('publishing LeakAlert__e', error);
      }
      return { ok: true, remoteId: upserted.id ?? notification.incidentKey, created: upserted.created };
    },
  };
}
