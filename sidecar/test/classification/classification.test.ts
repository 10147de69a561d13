import { afterEach, describe, expect, it } from 'vitest';
import { applyApproved } from '../../src/classification/apply-approved.js';
import { ENTITY_RULES } from '../../src/classification/entity-rules.js';
import { refreshSuggestions } from '../../src/classification/refresh-suggestions.js';
import { suggestFor } from '../../src/classification/suggestion.js';
import { ENTITY_TYPES } from '../../src/contract/entities.js';
import { startOrgEmulator, type OrgEmulator, type OrgEmulatorOptions } from '../../src/emulator/index.js';
import { createOrgClient, OrgRequestError, type OrgClient } from '../../src/writeback/index.js';

let org: OrgEmulator | undefined;
afterEach(async () => {
  await org?.close();
  org = undefined;
});

const start = async (options: OrgEmulatorOptions = {}) => {
  org = await startOrgEmulator({ port: 0, pubsub: false, ...options });
  const client = createOrgClient({
    loginUrl: org.url,
    clientId: org.connectedApp.clientId,
    username: org.identity.username,
    privateKey: org.connectedApp.privateKey as string,
  });
  return { org, client };
};

let findingNumber = 0;
/** PiiFinding__c records as the write-back leaves them (masked samples; the values here are placeholders). */
const findings = (emulator: OrgEmulator, rows: Array<[object: string, field: string, type: string, verdictId?: string]>) =>
  emulator.seed(
    'PiiFinding__c',
    rows.map(([object, field, type, verdictId]) => ({
      FindingKey__c: `finding-${(findingNumber += 1)}`,
      ObjectName__c: object,
      FieldName__c: field,
      EntityType__c: type,
      MaskedSample__c: '•••',
      ...(verdictId ? { LeakVerdict__c: verdictId } : {}),
    })),
  );

const suggestion = (emulator: OrgEmulator, key: string) => emulator.records('FieldClassification__c').find((r) => r.FieldKey__c === key);

const fieldDefinition = async (client: OrgClient, object: string, field: string) =>
  (
    await client.query<{ QualifiedApiName: string; SecurityClassification: string | null; ComplianceGroup: string | null }>(
      `SELECT QualifiedApiName, SecurityClassification, ComplianceGroup FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName = '${object}'`,
    )
  ).find((r) => r.QualifiedApiName === field);

describe('the entity-type table', () => {
  it('maps every entity type Leakwatch finds, health data to Restricted with HIPAA and cards with PCI', () => {
    expect(Object.keys(ENTITY_RULES).sort()).toEqual([...ENTITY_TYPES].sort());
    expect(suggestFor(['MEDICAL'], { sensitivity: null, compliance: [] }).suggested).toEqual({
      sensitivity: 'Restricted',
      compliance: ['PII', 'GDPR', 'CCPA', 'HIPAA'],
    });
    expect(suggestFor(['CREDIT_CARD'], { sensitivity: null, compliance: [] }).suggested.compliance).toContain('PCI');
    expect(suggestFor(['EMAIL_ADDRESS'], { sensitivity: null, compliance: [] }).suggested).toEqual({
      sensitivity: 'Confidential',
      compliance: ['PII', 'GDPR', 'CCPA'],
    });
  });

  it('never lowers a level and keeps the org’s own categories', () => {
    const s = suggestFor(['EMAIL_ADDRESS'], { sensitivity: 'MissionCritical', compliance: ['PII', 'Marketing'] });
    expect(s.suggested).toEqual({ sensitivity: 'MissionCritical', compliance: ['PII', 'GDPR', 'CCPA', 'Marketing'] });
    expect(s.status).toBe('Suggested');
    expect(suggestFor(['EMAIL_ADDRESS'], { sensitivity: 'Restricted', compliance: ['CCPA', 'GDPR', 'PII'] }).status).toBe('Current');
  });
});

describe('classification suggestions in the org (FieldClassification__c)', () => {
  it('suggests for fields with findings, Current for one already as strict, nothing for false positives or unknown fields', async () => {
    const { org: emulator, client } = await start();
    const [falsePositive] = emulator.seed('LeakVerdict__c', [
      { EventId__c: '00000000-0000-4000-8000-000000000001', Status__c: 'FalsePositive', Severity__c: 'Low' },
    ]);
    findings(emulator, [
      ['Contact', 'Email', 'EMAIL_ADDRESS'],
      ['Contact', 'Email', 'EMAIL_ADDRESS'],
      ['Lead', 'Company', 'MEDICAL'],
      ['Lead', 'Company', 'PERSON'],
      ['Contact', 'Phone', 'PHONE_NUMBER'],
      ['Lead', 'FirstName', 'CREDIT_CARD', falsePositive],
      ['Contact', 'Nope__c', 'EMAIL_ADDRESS'],
    ]);
    emulator.classifyField('Contact.Phone', { securityClassification: 'Restricted', complianceGroup: 'PII;GDPR;CCPA' });
    const refreshed = await refreshSuggestions(client, new Date('2026-03-20T12:00:00.000Z'));
    expect(refreshed).toMatchObject({ fields: 3, written: 3, refused: [] });
    expect(suggestion(emulator, 'Contact.Email')).toMatchObject({
      ObjectName__c: 'Contact',
      FieldName__c: 'Email',
      PiiTypes__c: 'EMAIL_ADDRESS',
      SuggestedSensitivity__c: 'Confidential',
      SuggestedCompliance__c: 'PII;GDPR;CCPA',
      CurrentSensitivity__c: null,
      Status__c: 'Suggested',
    });
    expect(suggestion(emulator, 'Lead.Company')).toMatchObject({
      PiiTypes__c: 'PERSON;MEDICAL',
      SuggestedSensitivity__c: 'Restricted',
      SuggestedCompliance__c: 'PII;GDPR;CCPA;HIPAA',
    });
    expect(suggestion(emulator, 'Lead.Company')?.Reason__c).toContain('GDPR Art. 9');
    expect(suggestion(emulator, 'Contact.Phone')).toMatchObject({
      Status__c: 'Current',
      SuggestedSensitivity__c: 'Restricted',
      CurrentSensitivity__c: 'Restricted',
    });
    expect(suggestion(emulator, 'Lead.FirstName')).toBeUndefined();
    expect(suggestion(emulator, 'Contact.Nope__c')).toBeUndefined();
    // Nothing changed: nothing is written again.
    expect((await refreshSuggestions(client)).written).toBe(0);
  });

  it('leaves an admin’s decision alone until the suggestion itself changes', async () => {
    const { org: emulator, client } = await start();
    findings(emulator, [['Contact', 'Email', 'EMAIL_ADDRESS']]);
    await refreshSuggestions(client);
    const id = suggestion(emulator, 'Contact.Email')?.Id as string;
    emulator.seed('FieldClassification__c', [
      { Id: id, Status__c: 'Dismissed', ReviewedBy__c: emulator.identity.userId, ReviewedAt__c: '2026-03-20T13:00:00.000Z' },
    ]);
    findings(emulator, [['Contact', 'Email', 'EMAIL_ADDRESS']]);
    await refreshSuggestions(client);
    expect(suggestion(emulator, 'Contact.Email')).toMatchObject({ Status__c: 'Dismissed', ReviewedBy__c: emulator.identity.userId });
    findings(emulator, [['Contact', 'Email', 'US_SSN']]);
    await refreshSuggestions(client);
    expect(suggestion(emulator, 'Contact.Email')).toMatchObject({
      Status__c: 'Suggested',
      SuggestedSensitivity__c: 'Restricted',
      PiiTypes__c: 'EMAIL_ADDRESS;US_SSN',
    });
  });

  it('marks an approved suggestion Current once an admin applied it in Setup, and leaves it Approved until then', async () => {
    const { org: emulator, client } = await start();
    findings(emulator, [['Contact', 'Email', 'EMAIL_ADDRESS']]);
    await refreshSuggestions(client);
    const wanted = suggestion(emulator, 'Contact.Email')!;
    emulator.seed('FieldClassification__c', [{ Id: wanted.Id, Status__c: 'Approved', ReviewedBy__c: emulator.identity.userId }]);
    await refreshSuggestions(client);
    expect(suggestion(emulator, 'Contact.Email')).toMatchObject({ Status__c: 'Approved' });
    emulator.classifyField('Contact.Email', {
      securityClassification: String(wanted.SuggestedSensitivity__c),
      complianceGroup: String(wanted.SuggestedCompliance__c),
    });
    await refreshSuggestions(client);
    expect(suggestion(emulator, 'Contact.Email')).toMatchObject({
      Status__c: 'Current',
      CurrentSensitivity__c: wanted.SuggestedSensitivity__c,
      ReviewedBy__c: emulator.identity.userId,
    });
  });
});

describe('applying approved classifications through the Metadata API', () => {
  const approve = (emulator: OrgEmulator, key: string) =>
    emulator.seed('FieldClassification__c', [{ Id: suggestion(emulator, key)?.Id, Status__c: 'Approved', ReviewedBy__c: emulator.identity.userId }]);

  it('applies an approved suggestion, which FieldDefinition then shows, and marks it Applied', async () => {
    const { org: emulator, client } = await start({ modifyMetadata: true, customizeApplication: true });
    findings(emulator, [['Lead', 'Company', 'MEDICAL']]);
    emulator.classifyField('Lead.Company', { securityClassification: 'Internal', complianceGroup: 'COPPA' });
    await refreshSuggestions(client);
    approve(emulator, 'Lead.Company');
    const now = new Date('2026-03-20T14:00:00.000Z');
    expect(await applyApproved(client, now)).toEqual({ outcomes: [{ fieldKey: 'Lead.Company', outcome: 'applied' }], unrecorded: [] });
    expect(await fieldDefinition(client, 'Lead', 'Company')).toMatchObject({
      SecurityClassification: 'Restricted',
      ComplianceGroup: 'PII;GDPR;CCPA;HIPAA;COPPA',
    });
    expect(suggestion(emulator, 'Lead.Company')).toMatchObject({
      Status__c: 'Applied',
      AppliedAt__c: '2026-03-20T14:00:00.000+0000',
      CurrentSensitivity__c: 'Restricted',
      CurrentCompliance__c: 'PII;GDPR;CCPA;HIPAA;COPPA',
      LastError__c: null,
    });
    // Applied stays Applied: the refresh finds the suggestion unchanged.
    await refreshSuggestions(client);
    expect(suggestion(emulator, 'Lead.Company')?.Status__c).toBe('Applied');
    expect((await applyApproved(client)).outcomes).toEqual([]);
  });

  it('marks it Failed with the org’s message, and never Applied, without Customize Application', async () => {
    const { org: emulator, client } = await start({ modifyMetadata: true });
    findings(emulator, [['Contact', 'Email', 'EMAIL_ADDRESS']]);
    await refreshSuggestions(client);
    approve(emulator, 'Contact.Email');
    expect((await applyApproved(client)).outcomes).toEqual([{ fieldKey: 'Contact.Email', outcome: 'failed', errorCode: 'INSUFFICIENT_ACCESS' }]);
    expect(suggestion(emulator, 'Contact.Email')).toMatchObject({
      Status__c: 'Failed',
      LastError__c: expect.stringMatching(/^INSUFFICIENT_ACCESS: .*Customize Application/),
    });
    expect(suggestion(emulator, 'Contact.Email')?.AppliedAt__c ?? null).toBeNull();
    expect((await fieldDefinition(client, 'Contact', 'Email'))?.SecurityClassification).toBeNull();
  });

  it('marks it Failed when the user may not use the Metadata API at all', async () => {
    const { org: emulator, client } = await start();
    findings(emulator, [['Contact', 'Email', 'EMAIL_ADDRESS']]);
    await refreshSuggestions(client);
    approve(emulator, 'Contact.Email');
    await applyApproved(client);
    expect(suggestion(emulator, 'Contact.Email')).toMatchObject({
      Status__c: 'Failed',
      LastError__c: 'INSUFFICIENT_ACCESS: INSUFFICIENT_ACCESS: use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions',
    });
  });

  it('marks a field the Metadata API does not support Failed', async () => {
    const { org: emulator, client } = await start({ modifyMetadata: true, customizeApplication: true });
    findings(emulator, [['Contact', 'CreatedById', 'PERSON']]);
    await refreshSuggestions(client);
    approve(emulator, 'Contact.CreatedById');
    expect((await applyApproved(client)).outcomes).toEqual([{ fieldKey: 'Contact.CreatedById', outcome: 'failed', errorCode: 'NOT_FOUND' }]);
    expect(suggestion(emulator, 'Contact.CreatedById')).toMatchObject({ Status__c: 'Failed', LastError__c: expect.stringContaining('Contact.CreatedById') });
  });

  it('leaves a suggestion Approved when the org is briefly unavailable, and applies it at the next poll', async () => {
    const { org: emulator, client } = await start({ modifyMetadata: true, customizeApplication: true });
    findings(emulator, [['Contact', 'Email', 'EMAIL_ADDRESS']]);
    await refreshSuggestions(client);
    approve(emulator, 'Contact.Email');
    let failures = 1;
    const flaky = {
      ...client,
      query: client.query.bind(client),
      upsert: client.upsert.bind(client),
      updateMetadata: client.updateMetadata.bind(client),
      readMetadata: async (type: string, names: string[]) => {
        if (failures-- > 0) throw new OrgRequestError('SERVER_UNAVAILABLE', 'Server is temporarily unavailable', true);
        return client.readMetadata(type, names);
      },
    };
    expect((await applyApproved(flaky)).outcomes).toEqual([{ fieldKey: 'Contact.Email', outcome: 'retry', errorCode: 'SERVER_UNAVAILABLE' }]);
    expect(suggestion(emulator, 'Contact.Email')?.Status__c).toBe('Approved');
    expect((await applyApproved(flaky)).outcomes).toEqual([{ fieldKey: 'Contact.Email', outcome: 'applied' }]);
  });
});
