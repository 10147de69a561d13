import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import type { OrgClient } from '../../src/writeback/index.js';
import { clientOf, post, startMetadataOrg } from './metadata-soap.js';

const classification = async (client: OrgClient, object: string, field: string) =>
  (
    await client.query<{ QualifiedApiName: string; SecurityClassification: string | null; ComplianceGroup: string | null }>(
      `SELECT QualifiedApiName, SecurityClassification, ComplianceGroup FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName = '${object}'`,
    )
  ).find((row) => row.QualifiedApiName === field);

describe('the emulated Metadata API (readMetadata, updateMetadata of CustomField)', () => {
  let org: OrgEmulator;
  let token: string;
  let client: OrgClient;

  beforeAll(async () => {
    ({ org, token, client } = await startMetadataOrg());
  });
  afterAll(async () => {
    await org.close();
  });

  it('reads a field, takes a classification, and shows it through FieldDefinition', async () => {
    const [field] = await client.readMetadata('CustomField', ['PiiFinding__c.MaskedSample__c']);
    expect(field).toMatchObject({ fullName: 'PiiFinding__c.MaskedSample__c', label: expect.any(String), type: 'Text', length: 255 });
    expect(field?.securityClassification).toBeUndefined();
    const [saved] = await client.updateMetadata('CustomField', [{ ...field!, securityClassification: 'Restricted', complianceGroup: 'PII;GDPR' }]);
    expect(saved).toEqual({ fullName: 'PiiFinding__c.MaskedSample__c', success: true, errors: [] });
    expect(await classification(client, 'PiiFinding__c', 'MaskedSample__c')).toMatchObject({
      SecurityClassification: 'Restricted',
      ComplianceGroup: 'PII;GDPR',
    });
    const [again] = await client.readMetadata('CustomField', ['PiiFinding__c.MaskedSample__c']);
    expect(again).toMatchObject({ securityClassification: 'Restricted', complianceGroup: 'PII;GDPR' });
  });

  it('supports standard fields an admin can customize, and reads system fields as no component', async () => {
    const [email, createdBy, id] = await client.readMetadata('CustomField', ['Contact.Email', 'Contact.CreatedById', 'Contact.Id']);
    expect(email).toMatchObject({ fullName: 'Contact.Email' });
    expect(createdBy).toBeUndefined();
    expect(id).toBeUndefined();
    const [saved] = await client.updateMetadata('CustomField', [{ fullName: 'Contact.CreatedById', securityClassification: 'Internal' }]);
    expect(saved).toMatchObject({
      success: false,
      errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'In field: fullName - no CustomField named Contact.CreatedById found' }],
    });
  });

  it('refuses an unknown field and a value the Data Sensitivity Level picklist does not have', async () => {
    const [unknown] = await client.updateMetadata('CustomField', [{ fullName: 'Contact.Nope__c', securityClassification: 'Restricted' }]);
    expect(unknown).toMatchObject({ success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY' }] });
    const [field] = await client.readMetadata('CustomField', ['Contact.Phone']);
    const [bad] = await client.updateMetadata('CustomField', [{ ...field!, securityClassification: 'TopSecret' }]);
    expect(bad).toMatchObject({
      success: false,
      errors: [{ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: expect.stringContaining('TopSecret') }],
    });
    expect((await classification(client, 'Contact', 'Phone'))?.SecurityClassification).toBeNull();
  });

  it('replaces the component: a custom field without its label or with another type is refused', async () => {
    const [missing] = await client.updateMetadata('CustomField', [
      { fullName: 'PiiFinding__c.FieldName__c', type: 'Text', securityClassification: 'Internal' },
    ]);
    expect(missing).toMatchObject({ success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'Required field is missing: label' }] });
    const [field] = await client.readMetadata('CustomField', ['PiiFinding__c.FieldName__c']);
    const [retyped] = await client.updateMetadata('CustomField', [{ ...field!, type: 'LongTextArea', securityClassification: 'Internal' }]);
    expect(retyped).toMatchObject({ success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION' }] });
  });

  it('answers another metadata type with the INVALID_TYPE fault', async () => {
    const reply = await post(org, token, '<readMetadata><type>Layout</type><fullNames>Contact-Contact Layout</fullNames></readMetadata>');
    expect(reply.status).toBe(500);
    expect(reply.text).toContain('<faultcode>sf:INVALID_TYPE</faultcode>');
    expect(reply.text).toContain('INVALID_TYPE: Cannot use: Layout in this organization');
    const unknown = await post(org, token, '<readMetadata><type>Nonsense</type><fullNames>X</fullNames></readMetadata>');
    expect(unknown.text).toContain('INVALID_TYPE: Unknown type:Nonsense');
    await expect(client.readMetadata('ApexClass', ['Foo'])).rejects.toMatchObject({ code: 'INVALID_TYPE', retryable: false });
  });

  it('refuses a call without a live session with the INVALID_SESSION_ID fault', async () => {
    const reply = await post(org, 'not-a-session', '<readMetadata><type>CustomField</type><fullNames>Contact.Email</fullNames></readMetadata>');
    expect(reply.status).toBe(500);
    expect(reply.text).toContain('<faultcode>sf:INVALID_SESSION_ID</faultcode>');
  });

  it('shows FieldDefinition only to queries bounded to one object', async () => {
    await expect(client.query('SELECT QualifiedApiName FROM FieldDefinition')).rejects.toMatchObject({ code: 'MALFORMED_QUERY' });
    await expect(
      client.query(
        "SELECT QualifiedApiName FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName = 'Contact' OR EntityDefinition.QualifiedApiName = 'Lead'",
      ),
    ).rejects.toMatchObject({ code: 'MALFORMED_QUERY', message: 'Disjunctions not supported' });
    const rows = await client.query<{ QualifiedApiName: string }>(
      "SELECT QualifiedApiName FROM FieldDefinition WHERE EntityDefinition.QualifiedApiName = 'Lead' LIMIT 1",
    );
    expect(rows.map((r) => r.QualifiedApiName)).toEqual(expect.arrayContaining(['Email', 'Company', 'Id']));
  });
});

describe('the Metadata API and the integration user’s permissions', () => {
  let org: OrgEmulator;
  afterAll(async () => {
    await org?.close();
  });

  it('faults every call without Modify Metadata or Modify All Data, and refuses changes without Customize Application', async () => {
    org = await startOrgEmulator({ port: 0, pubsub: false });
    const client = clientOf(org);
    await expect(client.readMetadata('CustomField', ['Contact.Email'])).rejects.toMatchObject({
      code: 'INSUFFICIENT_ACCESS',
      message: 'INSUFFICIENT_ACCESS: use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions',
      retryable: false,
    });
    // A permission set with Modify Metadata (and no Customize Application), assigned to the integration user.
    const [set] = org.seed('PermissionSet', [{ Name: 'LeakwatchMetadata', Label: 'Leakwatch Metadata', PermissionsModifyMetadata: true }]);
    org.seed('PermissionSetAssignment', [{ AssigneeId: org.identity.userId, PermissionSetId: set }]);
    const [email] = await client.readMetadata('CustomField', ['Contact.Email']);
    const [saved] = await client.updateMetadata('CustomField', [{ ...email!, securityClassification: 'Confidential' }]);
    expect(saved).toMatchObject({ success: false, errors: [{ statusCode: 'INSUFFICIENT_ACCESS', message: expect.stringContaining('Customize Application') }] });
    org.seed('PermissionSet', [{ Id: set, PermissionsCustomizeApplication: true }]);
    const [granted] = await client.updateMetadata('CustomField', [{ ...email!, securityClassification: 'Confidential' }]);
    expect(granted?.success).toBe(true);
  });
});
