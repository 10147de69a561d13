import type { Verdict } from '../contract/verdict.js';
import type { StoredEvent } from '../ingest/stored-event.js';
import { leakVerdictRecord } from './leak-verdict-record.js';
import { permissionReviewRecord } from './permission-review-record.js';
import { piiFindingRecords } from './pii-finding-records.js';
import type { SObjectRecord } from './sobject-record.js';

/** Every record a verdict writes into the org, the LeakVerdict__c first; empty fields are left out. */
export function verdictRecords(stored: StoredEvent, verdict: Verdict, detectedAt: Date): SObjectRecord[] {
  const records = [leakVerdictRecord(stored, verdict, detectedAt), ...piiFindingRecords(stored)];
  if (verdict.permissionReview) records.push(permissionReviewRecord(stored.event.id, verdict.permissionReview));
  return records.map((r) => ({
    ...r,
    fields: Object.fromEntries(Object.entries(r.fields).filter(([, v]) => v !== null)),
  }));
}
