import { flowKey } from '../../sidecar/src/otlp/publish-flows.js';
import type { OrgClient, OrgRecord } from '../../sidecar/src/writeback/index.js';
import { PREVIEW_USER_ID } from './build.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * Personal data the demo's verdicts do not reach (its findings are in case comments): Contact e-mail addresses and
 * phone numbers, and health data in a Case description, as the sidecar writes PiiFinding__c.
 */
const FINDINGS = [
  { key: 'preview-map:Contact:Email', object: 'Contact', field: 'Email', type: 'EMAIL_ADDRESS', occurrences: 48, sample: 'm•••@example.com' },
  { key: 'preview-map:Contact:Phone', object: 'Contact', field: 'Phone', type: 'PHONE_NUMBER', occurrences: 31, sample: '+49 ••• •••• 12' },
  { key: 'preview-map:Case:Description', object: 'Case', field: 'Description', type: 'MEDICAL', occurrences: 3, sample: 'd••••••s' },
];

/**
 * The data flows of the preview: the point is the first, Contact e-mail addresses going to an AI endpoint in the US.
 * Keyed as the sidecar keys them, so a flow the demo's traces also showed is the one record it would be.
 */
export const PREVIEW_FLOWS = {
  openai: {
    FlowKey__c: flowKey('shop-middleware', 'api.openai.com'),
    SourceService__c: 'shop-middleware',
    DestinationHost__c: 'api.openai.com',
    PolicyName__c: 'ai-providers',
    Region__c: 'US',
    AiService__c: true,
    AllowListed__c: false,
    RegionAllowed__c: false,
    Objects__c: 'Contact',
    Fields__c: 'Contact.Email;Contact.FirstName',
    Spans30d__c: 14_400,
    Bytes30d__c: 52_000_000,
    ActiveDays30d__c: 12,
    SpansPerDay__c: 1_200,
  },
  erp: {
    FlowKey__c: flowKey('shop-middleware', 'erp.acme-shop.example'),
    SourceService__c: 'shop-middleware',
    DestinationHost__c: 'erp.acme-shop.example',
    PolicyName__c: 'internal',
    Region__c: 'EU',
    AiService__c: false,
    AllowListed__c: true,
    RegionAllowed__c: true,
    Objects__c: 'Contact',
    Fields__c: null,
    Spans30d__c: 9_000,
    Bytes30d__c: 18_000_000,
    ActiveDays30d__c: 30,
    SpansPerDay__c: 300,
  },
  helpdesk: {
    FlowKey__c: flowKey('helpdesk-sync', 'support.helpdesk.example.eu'),
    SourceService__c: 'helpdesk-sync',
    DestinationHost__c: 'support.helpdesk.example.eu',
    PolicyName__c: 'helpdesk',
    Region__c: 'EU',
    AiService__c: false,
    AllowListed__c: true,
    RegionAllowed__c: true,
    Objects__c: 'Case',
    Fields__c: 'Case.Description;Case.Subject',
    Spans30d__c: 1_200,
    Bytes30d__c: 2_400_000,
    ActiveDays30d__c: 30,
    SpansPerDay__c: 40,
  },
} satisfies Record<string, OrgRecord>;

/** Classification suggestions in the states an admin sees: two to decide, one the sidecar already applied. */
export const PREVIEW_SUGGESTIONS = {
  email: {
    FieldKey__c: 'Contact.Email',
    ObjectName__c: 'Contact',
    FieldName__c: 'Email',
    PiiTypes__c: 'EMAIL_ADDRESS',
    CurrentSensitivity__c: null,
    SuggestedSensitivity__c: 'Confidential',
    CurrentCompliance__c: null,
    SuggestedCompliance__c: 'GDPR;PII',
    Reason__c: 'EMAIL_ADDRESS found in 48 values: personal data under GDPR Art. 4(1)',
    Status__c: 'Suggested',
  },
  description: {
    FieldKey__c: 'Case.Description',
    ObjectName__c: 'Case',
    FieldName__c: 'Description',
    PiiTypes__c: 'MEDICAL',
    CurrentSensitivity__c: 'Internal',
    SuggestedSensitivity__c: 'Restricted',
    CurrentCompliance__c: null,
    SuggestedCompliance__c: 'GDPR;HIPAA',
    Reason__c: 'MEDICAL found: health data, a special category under GDPR Art. 9',
    Status__c: 'Suggested',
  },
  phone: {
    FieldKey__c: 'Contact.Phone',
    ObjectName__c: 'Contact',
    FieldName__c: 'Phone',
    PiiTypes__c: 'PHONE_NUMBER',
    CurrentSensitivity__c: null,
    SuggestedSensitivity__c: 'Confidential',
    CurrentCompliance__c: null,
    SuggestedCompliance__c: 'GDPR;PII',
    Reason__c: 'PHONE_NUMBER found in 31 values: personal data under GDPR Art. 4(1)',
    Status__c: 'Applied',
  },
} satisfies Record<string, OrgRecord>;

const upsertAll = async (org: OrgClient, sobject: string, externalIdField: string, records: OrgRecord[]): Promise<void> => {
  const failed = (await org.upsert(sobject, externalIdField, records)).find((result) => !result.success);
  if (failed && !failed.success) throw new Error(`seeding the preview's ${sobject} failed: ${failed.message}`);
};

/**
 * Writes what the data map shows beyond the demo, as the sidecar would: findings on Contact and Case fields, the data
 * flows it mapped from traces (DataFlow__c) and its classification suggestions (FieldClassification__c).
 */
export const seedPreviewDataMap = async (org: OrgClient, now: Date = new Date()): Promise<void> => {
  const at = (offset: number) => new Date(now.getTime() - offset).toISOString();
  await upsertAll(
    org,
    'PiiFinding__c',
    'FindingKey__c',
    FINDINGS.map((finding) => ({
      FindingKey__c: finding.key,
      ObjectName__c: finding.object,
      FieldName__c: finding.field,
      EntityType__c: finding.type,
      Confidence__c: 0.97,
      Detector__c: finding.type === 'MEDICAL' ? 'ner' : `pattern:${finding.type.toLowerCase()}`,
      Occurrences__c: finding.occurrences,
      MaskedSample__c: finding.sample,
    })),
  );
  await upsertAll(
    org,
    'DataFlow__c',
    'FlowKey__c',
    Object.values(PREVIEW_FLOWS).map((flow, index) => ({
      ...flow,
      FirstSeen__c: at(29 * DAY),
      LastSeen__c: at((index + 1) * HOUR),
      CheckedAt__c: at(0),
    })),
  );
  await upsertAll(org, 'FieldClassification__c', 'FieldKey__c', [
    { ...PREVIEW_SUGGESTIONS.email, CheckedAt__c: at(0) },
    { ...PREVIEW_SUGGESTIONS.description, CheckedAt__c: at(0) },
    { ...PREVIEW_SUGGESTIONS.phone, ReviewedBy__c: PREVIEW_USER_ID, ReviewedAt__c: at(2 * DAY), AppliedAt__c: at(2 * DAY - 60_000), CheckedAt__c: at(0) },
  ]);
};
