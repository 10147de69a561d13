/** One record to upsert into the org, keyed by its external-id field. */
export interface SObjectRecord {
  sobject: 'LeakVerdict__c' | 'PiiFinding__c' | 'PermissionReview__c' | 'Incident__c';
  externalIdField: string;
  /**
   * What makes the outbox row unique for its org and sObject: the external id's value, or for a
   * record written once per revision (Incident__c) the value and the revision.
   */
  externalId: string;
  /** The outbox row (by sObject and `externalId`) this record must wait for: it refers to that record by external id. */
  parentExternalId?: string;
  /** The parent row's sObject; default `LeakVerdict__c`. */
  parentSobject?: SObjectRecord['sobject'];
  fields: Record<string, string | number | boolean | null | { EventId__c: string } | { IncidentKey__c: string }>;
}
