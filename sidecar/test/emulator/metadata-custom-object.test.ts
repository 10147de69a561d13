import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import type { OrgClient } from '../../src/writeback/index.js';
import { clientOf, post, startMetadataOrg } from './metadata-soap.js';

const objectXml = (fullName: string, elements: Record<string, string>) =>
  `<metadata xsi:type="CustomObject"><fullName>${fullName}</fullName>${Object.entries(elements)
    .map(([name, value]) => `<${name}>${value}</${name}>`)
    .join('')}</metadata>`;

describe('the emulated Metadata API, CustomObject limited to org-wide defaults', () => {
  let org: OrgEmulator;
  let token: string;
  let client: OrgClient;

  beforeAll(async () => {
    ({ org, token, client } = await startMetadataOrg());
  });
  afterAll(async () => {
    await org.close();
  });

  it('reads a standard object’s starting defaults, with fullName then the WSDL’s alphabetical order', async () => {
    const reply = await post(org, token, '<readMetadata><type>CustomObject</type><fullNames>Account</fullNames><fullNames>Contact</fullNames></readMetadata>');
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(
      '<readMetadataResponse><result>' +
        '<records xsi:type="CustomObject"><fullName>Account</fullName><externalSharingModel>Private</externalSharingModel><sharingModel>ReadWrite</sharingModel></records>' +
        '<records xsi:type="CustomObject"><fullName>Contact</fullName><externalSharingModel>ControlledByParent</externalSharingModel><sharingModel>ControlledByParent</sharingModel></records>' +
        '</result></readMetadataResponse>',
    );
    const [lead, kase] = await client.readMetadata('CustomObject', ['Lead', 'Case']);
    expect(lead).toMatchObject({ fullName: 'Lead', sharingModel: 'ReadWriteTransfer', externalSharingModel: 'Private' });
    expect(lead?.label).toBeUndefined();
    expect(kase).toMatchObject({ fullName: 'Case', sharingModel: 'ReadWriteTransfer', externalSharingModel: 'Private' });
    expect(org.orgWideDefault('Account')).toEqual({ sharingModel: 'ReadWrite', externalSharingModel: 'Private' });
  });

  it('reads a custom object’s definition and defaults from its source file', async () => {
    const reply = await post(org, token, '<readMetadata><type>CustomObject</type><fullNames>LeakVerdict__c</fullNames></readMetadata>');
    expect(reply.text).toContain(
      '<records xsi:type="CustomObject"><fullName>LeakVerdict__c</fullName><deploymentStatus>Deployed</deploymentStatus><enableSharing>true</enableSharing>' +
        '<externalSharingModel>Private</externalSharingModel><label>Leak Verdict</label><pluralLabel>Leak Verdicts</pluralLabel><sharingModel>Private</sharingModel></records>',
    );
    const [verdict] = await client.readMetadata('CustomObject', ['LeakVerdict__c']);
    expect(verdict).toMatchObject({
      fullName: 'LeakVerdict__c',
      label: 'Leak Verdict',
      pluralLabel: 'Leak Verdicts',
      sharingModel: 'Private',
      externalSharingModel: 'Private',
    });
  });

  it('takes the whole component back with a changed default and reads it back', async () => {
    const [incident] = await client.readMetadata('CustomObject', ['Incident__c']);
    const [saved] = await client.updateMetadata('CustomObject', [{ ...incident!, sharingModel: 'Read' }]);
    expect(saved).toEqual({ fullName: 'Incident__c', success: true, errors: [] });
    const [again] = await client.readMetadata('CustomObject', ['Incident__c']);
    expect(again).toMatchObject({ sharingModel: 'Read', externalSharingModel: 'Private', label: 'Incident' });
    expect(org.orgWideDefault('Incident__c')).toEqual({ sharingModel: 'Read', externalSharingModel: 'Private' });

    const [account] = await client.readMetadata('CustomObject', ['Account']);
    const [restored] = await client.updateMetadata('CustomObject', [{ ...account!, sharingModel: 'Private', externalSharingModel: 'Private' }]);
    expect(restored?.success).toBe(true);
    expect(org.orgWideDefault('Account')).toEqual({ sharingModel: 'Private', externalSharingModel: 'Private' });
  });

  it('refuses a component without sharingModel (or externalSharingModel) and keeps the org’s default', async () => {
    const before = org.orgWideDefault('Lead');
    const [missing] = await client.updateMetadata('CustomObject', [{ fullName: 'Lead', externalSharingModel: 'Private' }]);
    expect(missing).toMatchObject({
      success: false,
      errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'Required field is missing: sharingModel', fields: ['sharingModel'] }],
    });
    const [noExternal] = await client.updateMetadata('CustomObject', [{ fullName: 'Lead', sharingModel: 'Private' }]);
    expect(noExternal).toMatchObject({ success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['externalSharingModel'] }] });
    expect(org.orgWideDefault('Lead')).toEqual(before);
  });

  it('refuses a value outside the SharingModel enumeration, and one the object does not offer', async () => {
    const [bad] = await client.updateMetadata('CustomObject', [{ fullName: 'Case', sharingModel: 'PublicEverything', externalSharingModel: 'Private' }]);
    expect(bad).toMatchObject({
      success: false,
      errors: [{ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: expect.stringContaining('PublicEverything'), fields: ['sharingModel'] }],
    });
    const [transfer] = await client.updateMetadata('CustomObject', [
      { fullName: 'DataFlow__c', label: 'Data Flow', pluralLabel: 'Data Flows', sharingModel: 'ReadWriteTransfer', externalSharingModel: 'Private' },
    ]);
    expect(transfer).toMatchObject({ success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['sharingModel'] }] });
    expect(org.orgWideDefault('Case').sharingModel).toBe('ReadWriteTransfer');
    expect(org.orgWideDefault('DataFlow__c').sharingModel).toBe('Private');
  });

  it('refuses an external default wider than the internal one', async () => {
    const [wider] = await client.updateMetadata('CustomObject', [{ fullName: 'Case', sharingModel: 'Read', externalSharingModel: 'ReadWrite' }]);
    expect(wider).toMatchObject({
      success: false,
      errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['externalSharingModel'], message: expect.stringContaining('more restrictive') }],
    });
    const [parent] = await client.updateMetadata('CustomObject', [{ fullName: 'Contact', sharingModel: 'Read', externalSharingModel: 'ControlledByParent' }]);
    expect(parent).toMatchObject({ success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['externalSharingModel'] }] });
    expect(org.orgWideDefault('Case')).toEqual({ sharingModel: 'ReadWriteTransfer', externalSharingModel: 'Private' });
    const [same] = await client.updateMetadata('CustomObject', [{ fullName: 'Case', sharingModel: 'Read', externalSharingModel: 'Read' }]);
    expect(same?.success).toBe(true);
  });

  it('refuses a custom object’s component without label or pluralLabel, or with another label', async () => {
    const [noLabel] = await client.updateMetadata('CustomObject', [
      { fullName: 'PiiFinding__c', pluralLabel: 'PII Findings', sharingModel: 'Read', externalSharingModel: 'Private' },
    ]);
    expect(noLabel).toMatchObject({ success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'Required field is missing: label' }] });
    const [noPlural] = await client.updateMetadata('CustomObject', [
      { fullName: 'PiiFinding__c', label: 'PII Finding', sharingModel: 'Read', externalSharingModel: 'Private' },
    ]);
    expect(noPlural).toMatchObject({
      success: false,
      errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'Required field is missing: pluralLabel' }],
    });
    const [relabelled] = await client.updateMetadata('CustomObject', [
      { fullName: 'PiiFinding__c', label: 'Findings', pluralLabel: 'PII Findings', sharingModel: 'Read', externalSharingModel: 'Private' },
    ]);
    expect(relabelled).toMatchObject({ success: false, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['label'] }] });
    expect(org.orgWideDefault('PiiFinding__c').sharingModel).toBe('Private');
  });

  it('reads an object it keeps no default for as an empty record, and refuses to update it', async () => {
    const [unknown, event, mdt, verdict] = await client.readMetadata('CustomObject', ['Nope__c', 'LeakAlert__e', 'ContainmentPlaybook__mdt', 'leakverdict__c']);
    expect(unknown).toBeUndefined();
    expect(event).toBeUndefined();
    expect(mdt).toBeUndefined();
    expect(verdict).toMatchObject({ fullName: 'LeakVerdict__c' });
    const [saved] = await client.updateMetadata('CustomObject', [
      { fullName: 'Nope__c', label: 'Nope', pluralLabel: 'Nopes', sharingModel: 'Private', externalSharingModel: 'Private' },
    ]);
    expect(saved).toMatchObject({
      success: false,
      errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: 'In field: fullName - no CustomObject named Nope__c found' }],
    });
  });

  it('faults more than 10 names or components, and a call mixing types', async () => {
    const names = Array.from({ length: 11 }, () => '<fullNames>Account</fullNames>').join('');
    const read = await post(org, token, `<readMetadata><type>CustomObject</type>${names}</readMetadata>`);
    expect(read.status).toBe(500);
    expect(read.text).toContain('<faultcode>sf:LIMIT_EXCEEDED</faultcode>');
    const components = Array.from({ length: 11 }, () => objectXml('Account', { externalSharingModel: 'Private', sharingModel: 'Read' })).join('');
    const update = await post(org, token, `<updateMetadata>${components}</updateMetadata>`);
    expect(update.text).toContain('<faultcode>sf:LIMIT_EXCEEDED</faultcode>');
    const before = org.orgWideDefault('Account');
    const mixed = await post(
      org,
      token,
      `<updateMetadata>${objectXml('Account', { externalSharingModel: 'Private', sharingModel: 'Read' })}<metadata xsi:type="CustomField"><fullName>Contact.Email</fullName><securityClassification>Internal</securityClassification></metadata></updateMetadata>`,
    );
    expect(mixed.status).toBe(500);
    expect(mixed.text).toContain('<faultcode>sf:INVALID_TYPE</faultcode>');
    expect(mixed.text).toContain('All components must be of the same type');
    expect(org.orgWideDefault('Account')).toEqual(before);
  });

  it('answers SaveResult XML with per-component errors and successes in order', async () => {
    const reply = await post(
      org,
      token,
      `<updateMetadata>${objectXml('Lead', { externalSharingModel: 'Private', sharingModel: 'Read' })}${objectXml('Lead', { externalSharingModel: 'Read', sharingModel: 'Private' })}</updateMetadata>`,
    );
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(
      '<updateMetadataResponse><result><fullName>Lead</fullName><success>true</success></result><result><errors><fields>externalSharingModel</fields><message>',
    );
    expect(reply.text).toContain(
      '<statusCode>FIELD_INTEGRITY_EXCEPTION</statusCode></errors><fullName>Lead</fullName><success>false</success></result></updateMetadataResponse>',
    );
    expect(org.orgWideDefault('Lead')).toEqual({ sharingModel: 'Read', externalSharingModel: 'Private' });
  });

  it('lets a test set an object’s default as an admin would, in code and over HTTP', async () => {
    org.setOrgWideDefault('Contact', { sharingModel: 'ReadWrite', externalSharingModel: 'Read' });
    expect(org.orgWideDefault('Contact')).toEqual({ sharingModel: 'ReadWrite', externalSharingModel: 'Read' });
    const [contact] = await client.readMetadata('CustomObject', ['Contact']);
    expect(contact).toMatchObject({ sharingModel: 'ReadWrite', externalSharingModel: 'Read' });
    expect(() => org.setOrgWideDefault('Contact', { externalSharingModel: 'ReadWriteTransfer' })).toThrow(/FIELD_INTEGRITY_EXCEPTION/);
    expect(() => org.setOrgWideDefault('Contact', { sharingModel: 'Private' })).toThrow(/more restrictive/);
    expect(() => org.setOrgWideDefault('User', { sharingModel: 'Private' })).toThrow(/no org-wide default/);
    expect(org.orgWideDefault('Contact')).toEqual({ sharingModel: 'ReadWrite', externalSharingModel: 'Read' });
    expect(() => org.orgWideDefault('User')).toThrow(/no org-wide default/);

    const seeded = await fetch(`${org.url}/__emulator/org-wide-defaults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object: 'CollectorStatus__c', sharingModel: 'ReadWrite', externalSharingModel: 'Read' }),
    });
    expect(seeded.status).toBe(201);
    expect(await seeded.json()).toEqual({ object: 'CollectorStatus__c', sharingModel: 'ReadWrite', externalSharingModel: 'Read' });
    expect(org.orgWideDefault('CollectorStatus__c')).toEqual({ sharingModel: 'ReadWrite', externalSharingModel: 'Read' });
    const wider = await fetch(`${org.url}/__emulator/org-wide-defaults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object: 'CollectorStatus__c', sharingModel: 'Private' }),
    });
    expect(wider.status).toBe(400);
    expect(await wider.json()).toMatchObject([{ errorCode: 'FIELD_INTEGRITY_EXCEPTION', message: expect.stringContaining('more restrictive') }]);
    expect(org.orgWideDefault('CollectorStatus__c').sharingModel).toBe('ReadWrite');
    const unknown = await fetch(`${org.url}/__emulator/org-wide-defaults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ object: 'Nope__c', sharingModel: 'Private' }),
    });
    expect(unknown.status).toBe(404);
    const listed = (await (await fetch(`${org.url}/__emulator/org-wide-defaults`)).json()) as Array<{ object: string }>;
    expect(listed).toContainEqual({ object: 'CollectorStatus__c', sharingModel: 'ReadWrite', externalSharingModel: 'Read' });
  });
});

describe('CustomObject updates and the integration user’s permissions', () => {
  let org: OrgEmulator;
  afterAll(async () => {
    await org?.close();
  });

  it('reads with Modify Metadata but refuses a change without Customize Application', async () => {
    org = await startOrgEmulator({ port: 0, pubsub: false, modifyMetadata: true });
    const client = clientOf(org);
    const [account] = await client.readMetadata('CustomObject', ['Account']);
    expect(account).toMatchObject({ sharingModel: 'ReadWrite' });
    const [saved] = await client.updateMetadata('CustomObject', [{ ...account!, sharingModel: 'Private' }]);
    expect(saved).toMatchObject({ success: false, errors: [{ statusCode: 'INSUFFICIENT_ACCESS', message: expect.stringContaining('Customize Application') }] });
    expect(org.orgWideDefault('Account').sharingModel).toBe('ReadWrite');
  });
});

describe('CustomObject in a subscriber org of the namespaced package', () => {
  let org: OrgEmulator;
  afterAll(async () => {
    await org?.close();
  });

  it('names the package’s objects with the namespace', async () => {
    org = await startOrgEmulator({ port: 0, pubsub: false, modifyMetadata: true, customizeApplication: true, namespace: 'leakwatch' });
    const client = clientOf(org);
    const [verdict] = await client.readMetadata('CustomObject', ['leakwatch__LeakVerdict__c']);
    expect(verdict).toMatchObject({ fullName: 'leakwatch__LeakVerdict__c', label: 'Leak Verdict', sharingModel: 'Private' });
    const [saved] = await client.updateMetadata('CustomObject', [{ ...verdict!, sharingModel: 'Read' }]);
    expect(saved).toEqual({ fullName: 'leakwatch__LeakVerdict__c', success: true, errors: [] });
    expect(org.orgWideDefault('leakwatch__LeakVerdict__c')).toEqual({ sharingModel: 'Read', externalSharingModel: 'Private' });
  });
});
