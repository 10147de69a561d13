import type { PermissionReviewRequest } from '../contract/verdict.js';
import { LONG_TEXT, number, text } from './field-values.js';
import type { SObjectRecord } from './sobject-record.js';

/** PermissionReview__c keyed by the permission event's id. Status__c is left to the org's default (Pending). */
export function permissionReviewRecord(eventId: string, review: PermissionReviewRequest): SObjectRecord {
  return {
    sobject: 'PermissionReview__c',
    externalIdField: 'ReviewKey__c',
    externalId: eventId,
    parentExternalId: eventId,
    fields: {
      ReviewKey__c: eventId,
      LeakVerdict__r: { EventId__c: eventId },
      AssignmentId__c: text(review.assignmentId, 18),
      PermissionSetId__c: text(review.permissionSetId, 18),
      PermissionSetName__c: text(review.permissionSetName, 80),
      AssigneeId__c: text(review.assigneeId, 18),
      AssigneeUsername__c: text(review.assigneeUsername, 255),
      AssignedById__c: text(review.assignedById, 18),
      CriticalPermissions__c: text(review.criticalPermissions.join(';'), 255),
      RiskReasons__c: text(JSON.stringify(review.riskReasons), LONG_TEXT),
      RiskScore__c: number(Math.max(0, Math.min(100, review.riskScore)), 3, 0),
    },
  };
}
