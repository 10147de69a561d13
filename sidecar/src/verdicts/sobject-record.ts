/** One record to upsert into the org, keyed by its external-id field. */
export interface SObjectRecord {
  sobject: 'LeakVerdict__c' | 'PiiFinding__c' | 'PermissionReview__c';
  externalIdField: string;
  externalId: string;
  /** External id (EventId__c) of the LeakVerdict__c this record refers to; it must be in the org first. */
  parentExternalId?: string;
  fields: Record<string, string | number | boolean | null | { EventId__c: string }>;
}
