import { isSalesforceId } from '../contract/salesforce-id.js';

/**
 * The fields of a LeakVerdict__c that the feedback stage reads: what the sidecar wrote (see
 * `verdicts/leak-verdict-record.ts`) plus the org's Id and LastModifiedDate. FalsePositiveReason__c
 * is never read: the reviewer's words are not something the sidecar needs.
 */
export type FalsePositiveRecord = {
  Id: string;
  LastModifiedDate: string;
  EventId__c?: string | null;
  OrgEventKind__c?: string | null;
  Severity__c?: string | null;
  RiskScore__c?: number | null;
  Reasons__c?: string | null;
  ActorUserId__c?: string | null;
  ConnectedAppId__c?: string | null;
  ObjectName__c?: string | null;
  Operation__c?: string | null;
  OccurredAt__c?: string | null;
};

/** Where reading stopped: the last verdict taken, in `ORDER BY LastModifiedDate, Id` order. */
export interface FeedbackCursor {
  lastModified: Date;
  id: string;
}

export interface FalsePositiveWindow {
  /** Read after this verdict; absent: from `from` on. */
  after?: FeedbackCursor;
  /** Nothing older: feedback from before it has expired anyway. */
  from: Date;
  /** Nothing from this instant on: the seconds still open (see `pollFeedback`). */
  before: Date;
  limit: number;
}

const FIELDS: ReadonlyArray<keyof FalsePositiveRecord> = [
  'Id',
  'LastModifiedDate',
  'EventId__c',
  'OrgEventKind__c',
  'Severity__c',
  'RiskScore__c',
  'Reasons__c',
  'ActorUserId__c',
  'ConnectedAppId__c',
  'ObjectName__c',
  'Operation__c',
  'OccurredAt__c',
];

/** A SOQL dateTime literal, `YYYY-MM-DDThh:mm:ssZ` (SOQL takes no fractions of a second). */
export function soqlDateTime(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The verdicts changed within the window: after the cursor (or from `from` on) and before `before`. */
function changedWithin({ after, from, before }: Omit<FalsePositiveWindow, 'limit'>): string {
  if (after && !isSalesforceId(after.id)) throw new TypeError(`not a record id: ${JSON.stringify(after.id)}`);
  const since =
    after && after.lastModified.getTime() >= from.getTime()
      ? `(LastModifiedDate > ${soqlDateTime(after.lastModified)} OR (LastModifiedDate = ${soqlDateTime(after.lastModified)} AND Id > '${after.id}'))`
      : `LastModifiedDate >= ${soqlDateTime(from)}`;
  return `LastModifiedDate < ${soqlDateTime(before)} AND ${since}`;
}

/**
 * The next page of verdicts marked as false positives, oldest change first. Ties within a second
 * (Salesforce keeps LastModifiedDate to the second) are broken by Id, so a page boundary inside a
 * second neither skips nor repeats a verdict.
 */
export function falsePositivesSoql(window: FalsePositiveWindow): string {
  return (
    `SELECT ${FIELDS.join(', ')} FROM LeakVerdict__c ` +
    `WHERE Status__c = 'FalsePositive' AND ${changedWithin(window)} ` +
    `ORDER BY LastModifiedDate, Id LIMIT ${window.limit}`
  );
}

/** A verdict whose false positive was taken back: only what says which suppression to lift. */
export type UnmarkedRecord = { Id: string; EventId__c?: string | null };

const EVENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Of the verdicts of these events (whose false positives this replica learnt), those that changed
 * within the window and are no longer marked as false positives: a reviewer took the mark back.
 * Only event ids as the sidecar writes them (UUIDs) are asked for.
 */
export function unmarkedSoql(eventIds: readonly string[], window: Omit<FalsePositiveWindow, 'limit'>): string {
  const ids = eventIds.filter((id) => EVENT_ID.test(id));
  if (ids.length === 0) throw new RangeError('no event ids to ask for');
  return (
    `SELECT Id, EventId__c FROM LeakVerdict__c ` +
    `WHERE Status__c != 'FalsePositive' AND EventId__c IN (${ids.map((id) => `'${id}'`).join(', ')}) ` +
    `AND ${changedWithin(window)}`
  );
}

/** Whether an event id can be asked for in `unmarkedSoql`. */
export function isEventId(value: string): boolean {
  return EVENT_ID.test(value);
}

/** Whether a value is a record id the cursor can hold (it goes into the next query). */
export function isRecordId(value: unknown): value is string {
  return typeof value === 'string' && isSalesforceId(value);
}

/** A dateTime as the REST API returns it (`2026-11-02T03:04:05.000+0000`). */
export function parseOrgDateTime(value: string): Date {
  return new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
}
