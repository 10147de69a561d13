import jsforce from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { post } from './metadata-soap.js';
import { assertion, requestToken } from './session.js';

/** A criteria rule opening every contact with an email address to all internal users. */
const allContacts = {
  fullName: 'Contact.All_Contacts',
  accessLevel: 'Read',
  description: 'Everyone sees contacts with an email',
  label: 'All Contacts',
  sharedTo: { allInternalUsers: '' },
  criteriaItems: [
    { field: 'Email', operation: 'notEqual', value: '' },
    { field: 'LastName', operation: 'startsWith', value: 'A' },
  ],
  booleanFilter: '1 AND 2',
  includeRecordsOwnedByAll: true,
};

const criteriaXml = (fullName: string, inner: string) => `<metadata xsi:type="SharingCriteriaRule"><fullName>${fullName}</fullName>${inner}</metadata>`;
const goodInner =
  '<accessLevel>Edit</accessLevel><label>Sales Contacts</label><sharedTo><group>Sales</group></sharedTo>' +
  '<criteriaItems><field>Email</field><operation>contains</operation><value>@acme</value></criteriaItems>';

const sessionOf = async (org: OrgEmulator) => (await requestToken(org, await assertion(org))).body.access_token as string;

describe('the emulated Metadata API, sharing rules', () => {
  let org: OrgEmulator;
  let token: string;

  beforeAll(async () => {
    org = await startOrgEmulator({ port: 0, pubsub: false, modifyMetadata: true, manageSharing: true });
    token = await sessionOf(org);
    org.createSharingRule('SharingCriteriaRule', allContacts);
  });
  afterAll(async () => {
    await org.close();
  });

  it('reads a seeded criteria rule with its elements in the WSDL’s order', async () => {
    const reply = await post(
      org,
      token,
      '<readMetadata><type>SharingCriteriaRule</type><fullNames>contact.all_contacts</fullNames><fullNames>Contact.Nope</fullNames></readMetadata>',
    );
    expect(reply.status).toBe(200);
    expect(reply.text).toContain(
      '<readMetadataResponse><result><records xsi:type="SharingCriteriaRule"><fullName>Contact.All_Contacts</fullName><accessLevel>Read</accessLevel>' +
        '<description>Everyone sees contacts with an email</description><label>All Contacts</label><sharedTo><allInternalUsers></allInternalUsers></sharedTo>' +
        '<booleanFilter>1 AND 2</booleanFilter><criteriaItems><field>Email</field><operation>notEqual</operation></criteriaItems>' +
        '<criteriaItems><field>LastName</field><operation>startsWith</operation><value>A</value></criteriaItems>' +
        '<includeRecordsOwnedByAll>true</includeRecordsOwnedByAll></records><records xsi:type="SharingCriteriaRule"/></result></readMetadataResponse>',
    );
    // The same name read as another rule type is no rule of that type.
    const owner = await post(org, token, '<readMetadata><type>SharingOwnerRule</type><fullNames>Contact.All_Contacts</fullNames></readMetadata>');
    expect(owner.text).toContain('<result><records xsi:type="SharingOwnerRule"/></result>');
    expect(org.sharingRule('CONTACT.ALL_CONTACTS')).toMatchObject({
      type: 'SharingCriteriaRule',
      fullName: 'Contact.All_Contacts',
      sharedTo: { allInternalUsers: '' },
    });
  });

  it('deletes a rule, reads it as empty, refuses an unknown name, and creates it again from the XML read returned', async () => {
    const read = await post(org, token, '<readMetadata><type>SharingCriteriaRule</type><fullNames>Contact.All_Contacts</fullNames></readMetadata>');
    const component = /<records xsi:type="SharingCriteriaRule">(.*?)<\/records>/.exec(read.text)?.[1] as string;
    expect(component).toContain('<fullName>Contact.All_Contacts</fullName>');

    const deleted = await post(
      org,
      token,
      '<deleteMetadata><type>SharingCriteriaRule</type><fullNames>Contact.All_Contacts</fullNames><fullNames>Contact.Not_There</fullNames></deleteMetadata>',
    );
    expect(deleted.status).toBe(200);
    expect(deleted.text).toContain(
      '<deleteMetadataResponse><result><fullName>Contact.All_Contacts</fullName><success>true</success></result>' +
        '<result><errors><fields>fullName</fields><message>In field: fullName - no SharingCriteriaRule named Contact.Not_There found</message><statusCode>INVALID_CROSS_REFERENCE_KEY</statusCode></errors>' +
        '<fullName>Contact.Not_There</fullName><success>false</success></result></deleteMetadataResponse>',
    );
    expect(org.sharingRule('Contact.All_Contacts')).toBeUndefined();
    const gone = await post(org, token, '<readMetadata><type>SharingCriteriaRule</type><fullNames>Contact.All_Contacts</fullNames></readMetadata>');
    expect(gone.text).toContain('<result><records xsi:type="SharingCriteriaRule"/></result>');

    const created = await post(org, token, `<createMetadata><metadata xsi:type="SharingCriteriaRule">${component}</metadata></createMetadata>`);
    expect(created.status).toBe(200);
    expect(created.text).toContain(
      '<createMetadataResponse><result><fullName>Contact.All_Contacts</fullName><success>true</success></result></createMetadataResponse>',
    );
    const again = await post(org, token, '<readMetadata><type>SharingCriteriaRule</type><fullNames>Contact.All_Contacts</fullNames></readMetadata>');
    expect(again.text).toContain(`<records xsi:type="SharingCriteriaRule">${component}</records>`);
  });

  it('refuses a duplicate name, of any rule type', async () => {
    const reply = await post(org, token, `<createMetadata>${criteriaXml('Contact.All_Contacts', goodInner)}</createMetadata>`);
    expect(reply.text).toContain('<statusCode>DUPLICATE_DEVELOPER_NAME</statusCode></errors><fullName>Contact.All_Contacts</fullName><success>false</success>');
    const owner = await post(
      org,
      token,
      '<createMetadata><metadata xsi:type="SharingOwnerRule"><fullName>Contact.all_contacts</fullName><accessLevel>Read</accessLevel><label>X</label>' +
        '<sharedTo><role>CEO</role></sharedTo><sharedFrom><allInternalUsers/></sharedFrom></metadata></createMetadata>',
    );
    expect(owner.text).toContain('<statusCode>DUPLICATE_DEVELOPER_NAME</statusCode>');
    expect(org.sharingRule('Contact.All_Contacts')?.accessLevel).toBe('Read');
  });

  it('creates owner and guest rules and answers one SaveResult per component, in order', async () => {
    const reply = await post(
      org,
      token,
      '<createMetadata>' +
        '<metadata xsi:type="SharingOwnerRule"><fullName>Lead.Sales_To_Support</fullName><accessLevel>Edit</accessLevel><label>Sales to Support</label>' +
        '<sharedTo><roleAndSubordinates>Support</roleAndSubordinates></sharedTo><sharedFrom><group>Sales</group></sharedFrom></metadata>' +
        '<metadata xsi:type="SharingOwnerRule"><fullName>Lead.No_Source</fullName><accessLevel>Read</accessLevel><label>No Source</label>' +
        '<sharedTo><role>CEO</role></sharedTo></metadata>' +
        '</createMetadata>',
    );
    expect(reply.text).toContain(
      '<createMetadataResponse><result><fullName>Lead.Sales_To_Support</fullName><success>true</success></result><result><errors><fields>sharedFrom</fields><message>Required field is missing: sharedFrom</message>',
    );
    const read = await post(org, token, '<readMetadata><type>SharingOwnerRule</type><fullNames>Lead.Sales_To_Support</fullNames></readMetadata>');
    expect(read.text).toContain(
      '<records xsi:type="SharingOwnerRule"><fullName>Lead.Sales_To_Support</fullName><accessLevel>Edit</accessLevel><label>Sales to Support</label>' +
        '<sharedTo><roleAndSubordinates>Support</roleAndSubordinates></sharedTo><sharedFrom><group>Sales</group></sharedFrom></records>',
    );

    const guest = await post(
      org,
      token,
      '<createMetadata><metadata xsi:type="SharingGuestRule"><fullName>Case.Site_Cases</fullName><accessLevel>Read</accessLevel><label>Site Cases</label>' +
        '<sharedTo><guestUser>Help_Site</guestUser></sharedTo><criteriaItems><field>Subject</field><operation>contains</operation><value>public</value></criteriaItems>' +
        '<includeHVUOwnedRecords>false</includeHVUOwnedRecords></metadata></createMetadata>',
    );
    expect(guest.text).toContain('<fullName>Case.Site_Cases</fullName><success>true</success>');
    expect(org.sharingRule('Case.Site_Cases')).toMatchObject({ type: 'SharingGuestRule', sharedTo: { guestUser: 'Help_Site' }, includeHVUOwnedRecords: false });
  });

  it('refuses what Setup would not save', async () => {
    const cases: Array<[string, string, string]> = [
      // [component, statusCode, field]
      [criteriaXml('Contact.Bad_Field', goodInner.replace('<field>Email</field>', '<field>Shoe_Size__c</field>')), 'INVALID_FIELD', 'criteriaItems[0].field'],
      [
        criteriaXml('Contact.Bad_Operation', goodInner.replace('contains', 'resembles')),
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        'criteriaItems[0].operation',
      ],
      [
        criteriaXml('Contact.No_Criteria', '<accessLevel>Read</accessLevel><label>X</label><sharedTo><group>Sales</group></sharedTo>'),
        'FIELD_INTEGRITY_EXCEPTION',
        'criteriaItems',
      ],
      [
        criteriaXml('Contact.Two_Groups', goodInner.replace('<group>Sales</group>', '<group>Sales</group><role>CEO</role>')),
        'FIELD_INTEGRITY_EXCEPTION',
        'sharedTo',
      ],
      [criteriaXml('Contact.Unknown_Share', goodInner.replace('<group>Sales</group>', '<everybody/>')), 'FIELD_INTEGRITY_EXCEPTION', 'sharedTo'],
      [criteriaXml('Contact.No_Share', goodInner.replace('<sharedTo><group>Sales</group></sharedTo>', '')), 'FIELD_INTEGRITY_EXCEPTION', 'sharedTo'],
      [criteriaXml('Contact.Empty_Group', goodInner.replace('<group>Sales</group>', '<group/>')), 'FIELD_INTEGRITY_EXCEPTION', 'sharedTo'],
      [criteriaXml('Contact.No_Label', goodInner.replace('<label>Sales Contacts</label>', '')), 'FIELD_INTEGRITY_EXCEPTION', 'label'],
      [
        criteriaXml('Contact.All_Access', goodInner.replace('<accessLevel>Edit</accessLevel>', '<accessLevel>All</accessLevel>')),
        'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
        'accessLevel',
      ],
      [criteriaXml('Contact.Bad__Name', goodInner), 'FIELD_INTEGRITY_EXCEPTION', 'fullName'],
      [criteriaXml('Contact.1Rule', goodInner), 'FIELD_INTEGRITY_EXCEPTION', 'fullName'],
      [criteriaXml('Contact.Trailing_', goodInner), 'FIELD_INTEGRITY_EXCEPTION', 'fullName'],
      [criteriaXml('Contact.Has Space', goodInner), 'FIELD_INTEGRITY_EXCEPTION', 'fullName'],
      [criteriaXml('Nope__c.Rule', goodInner), 'INVALID_CROSS_REFERENCE_KEY', 'fullName'],
      [criteriaXml('User.Rule', goodInner), 'INVALID_CROSS_REFERENCE_KEY', 'fullName'],
      [criteriaXml('Contact.Bad_Filter', `${goodInner}<booleanFilter>1 OR 2</booleanFilter>`), 'FIELD_INTEGRITY_EXCEPTION', 'booleanFilter'],
      [criteriaXml('Contact.Guest_Share', goodInner.replace('<group>Sales</group>', '<guestUser>Site</guestUser>')), 'FIELD_INTEGRITY_EXCEPTION', 'sharedTo'],
      [
        '<metadata xsi:type="SharingGuestRule"><fullName>Contact.Guest_Edit</fullName><accessLevel>Edit</accessLevel><label>X</label><sharedTo><guestUser>Site</guestUser></sharedTo>' +
          '<criteriaItems><field>Email</field><operation>equals</operation><value>a@b.c</value></criteriaItems></metadata>',
        'FIELD_INTEGRITY_EXCEPTION',
        'accessLevel',
      ],
      [
        '<metadata xsi:type="SharingGuestRule"><fullName>Contact.Guest_Group</fullName><accessLevel>Read</accessLevel><label>X</label><sharedTo><group>Sales</group></sharedTo>' +
          '<criteriaItems><field>Email</field><operation>equals</operation><value>a@b.c</value></criteriaItems></metadata>',
        'FIELD_INTEGRITY_EXCEPTION',
        'sharedTo',
      ],
    ];
    for (const [component, statusCode, field] of cases) {
      const reply = await post(org, token, `<createMetadata>${component}</createMetadata>`);
      expect(reply.status, component).toBe(200);
      expect(reply.text, component).toContain(`<errors><fields>${field}</fields>`);
      expect(reply.text, component).toContain(`<statusCode>${statusCode}</statusCode>`);
      expect(reply.text, component).toContain('<success>false</success>');
    }
    expect(org.sharingRule('Contact.Bad_Field')).toBeUndefined();
    expect(org.sharingRule('Contact.Guest_Edit')).toBeUndefined();
  });

  it('faults more than 10 names or components, mixed types, update of a rule and create of a CustomField', async () => {
    const names = Array.from({ length: 11 }, (_, i) => `<fullNames>Contact.Rule_${i}</fullNames>`).join('');
    for (const operation of ['readMetadata', 'deleteMetadata']) {
      const reply = await post(org, token, `<${operation}><type>SharingCriteriaRule</type>${names}</${operation}>`);
      expect(reply.status).toBe(500);
      expect(reply.text).toContain('<faultcode>sf:LIMIT_EXCEEDED</faultcode>');
    }
    const components = Array.from({ length: 11 }, (_, i) => criteriaXml(`Contact.Rule_${i}`, goodInner)).join('');
    const create = await post(org, token, `<createMetadata>${components}</createMetadata>`);
    expect(create.text).toContain('<faultcode>sf:LIMIT_EXCEEDED</faultcode>');
    expect(org.sharingRule('Contact.Rule_0')).toBeUndefined();

    const mixed = await post(
      org,
      token,
      `<createMetadata>${criteriaXml('Contact.Mixed', goodInner)}<metadata xsi:type="SharingOwnerRule"><fullName>Lead.Mixed</fullName></metadata></createMetadata>`,
    );
    expect(mixed.text).toContain('<faultcode>sf:INVALID_TYPE</faultcode>');
    const update = await post(org, token, `<updateMetadata>${criteriaXml('Contact.All_Contacts', goodInner)}</updateMetadata>`);
    expect(update.status).toBe(500);
    expect(update.text).toContain('<faultcode>sf:INVALID_OPERATION</faultcode>');
    const field = await post(org, token, '<createMetadata><metadata xsi:type="CustomField"><fullName>Contact.Shoe__c</fullName></metadata></createMetadata>');
    expect(field.text).toContain('<faultcode>sf:INVALID_OPERATION</faultcode>');
    expect(field.text).toContain('SharingCriteriaRule');
    const object = await post(org, token, '<deleteMetadata><type>CustomObject</type><fullNames>Account</fullNames></deleteMetadata>');
    expect(object.text).toContain('<faultcode>sf:INVALID_OPERATION</faultcode>');
    const layout = await post(org, token, '<deleteMetadata><type>Layout</type><fullNames>Account-Account Layout</fullNames></deleteMetadata>');
    expect(layout.text).toContain('<faultcode>sf:INVALID_TYPE</faultcode>');
  });

  it('seeds rules over HTTP as an admin creates them in Setup, and lists them', async () => {
    const rule = {
      fullName: 'Account.Key_Accounts',
      label: 'Key Accounts',
      accessLevel: 'Edit',
      sharedTo: { group: ['Key_Account_Team'] },
      criteriaItems: [{ field: 'Name', operation: 'contains', value: 'Key' }],
    };
    const created = await fetch(`${org.url}/__emulator/sharing-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'SharingCriteriaRule', rule }),
    });
    expect(created.status).toBe(201);
    expect(await created.json()).toEqual({ type: 'SharingCriteriaRule', ...rule, sharedTo: { group: 'Key_Account_Team' } });
    const duplicate = await fetch(`${org.url}/__emulator/sharing-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'SharingCriteriaRule', rule }),
    });
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toMatchObject([{ errorCode: 'DUPLICATE_DEVELOPER_NAME' }]);
    const bad = await fetch(`${org.url}/__emulator/sharing-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'SharingCriteriaRule',
        rule: { ...rule, fullName: 'Account.Other', criteriaItems: [{ field: 'Nope', operation: 'equals', value: 'x' }] },
      }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject([{ errorCode: 'INVALID_FIELD', message: expect.stringContaining('Nope') }]);
    const badType = await fetch(`${org.url}/__emulator/sharing-rules`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'SharingTerritoryRule', rule }),
    });
    expect(badType.status).toBe(400);
    const listed = (await (await fetch(`${org.url}/__emulator/sharing-rules`)).json()) as Array<{ type: string; fullName: string }>;
    expect(listed).toContainEqual(expect.objectContaining({ type: 'SharingCriteriaRule', fullName: 'Account.Key_Accounts', label: 'Key Accounts' }));
    expect(listed.map((r) => r.fullName)).not.toContain('Account.Other');
    expect(() => org.createSharingRule('SharingCriteriaRule', { ...rule, fullName: 'Account.Bad_', label: 'x' })).toThrow(/FIELD_INTEGRITY_EXCEPTION/);
  });

  it('takes jsforce’s read, delete and create of a SharingCriteriaRule', async () => {
    org.createSharingRule('SharingCriteriaRule', { ...allContacts, fullName: 'Contact.Jsforce_Rule', label: 'Jsforce Rule' });
    const seeded = org.sharingRule('Contact.Jsforce_Rule');
    const connection = new jsforce.Connection({ instanceUrl: org.url, accessToken: token, version: '62.0' });
    const read = (await connection.metadata.read('SharingCriteriaRule', ['Contact.Jsforce_Rule'])) as unknown as Array<Record<string, unknown>>;
    const [rule] = read;
    expect(rule).toMatchObject({ fullName: 'Contact.Jsforce_Rule', label: 'Jsforce Rule', accessLevel: 'Read', booleanFilter: '1 AND 2' });
    expect((rule?.criteriaItems as unknown[]).length).toBe(2);

    const deleted = await connection.metadata.delete('SharingCriteriaRule', ['Contact.Jsforce_Rule']);
    expect(deleted).toMatchObject([{ fullName: 'Contact.Jsforce_Rule', success: true }]);
    expect(org.sharingRule('Contact.Jsforce_Rule')).toBeUndefined();
    const missing = await connection.metadata.delete('SharingCriteriaRule', ['Contact.Jsforce_Rule']);
    expect(missing).toMatchObject([{ success: false, errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY' }] }]);

    const created = await connection.metadata.create('SharingCriteriaRule', [rule as never]);
    expect(created).toMatchObject([{ fullName: 'Contact.Jsforce_Rule', success: true }]);
    // What jsforce read, sent back unchanged, is the rule as it was (an empty criteria value is no value).
    expect(org.sharingRule('Contact.Jsforce_Rule')).toEqual(seeded);
    expect(seeded?.criteriaItems?.[0]).toEqual({ field: 'Email', operation: 'notEqual' });

    // A component written as a client would by hand: an empty sharedTo element, one criteria item.
    const [fresh] = await connection.metadata.create('SharingCriteriaRule', [
      {
        fullName: 'Contact.By_Hand',
        label: 'By Hand',
        accessLevel: 'Edit',
        sharedTo: { allInternalUsers: null },
        criteriaItems: [{ field: 'Phone', operation: 'startsWith', value: '+44' }],
      } as never,
    ]);
    expect(fresh).toMatchObject({ fullName: 'Contact.By_Hand', success: true });
    expect(org.sharingRule('Contact.By_Hand')).toMatchObject({
      sharedTo: { allInternalUsers: '' },
      criteriaItems: [{ field: 'Phone', operation: 'startsWith', value: '+44' }],
    });
  });
});

describe('sharing rules and the integration user’s permissions', () => {
  let org: OrgEmulator;
  afterAll(async () => {
    await org?.close();
  });

  it('reads without Manage Sharing but refuses create and delete, until a permission set grants it', async () => {
    org = await startOrgEmulator({ port: 0, pubsub: false, modifyMetadata: true });
    const token = await sessionOf(org);
    org.createSharingRule('SharingCriteriaRule', allContacts);
    const read = await post(org, token, '<readMetadata><type>SharingCriteriaRule</type><fullNames>Contact.All_Contacts</fullNames></readMetadata>');
    expect(read.text).toContain('<fullName>Contact.All_Contacts</fullName><accessLevel>Read</accessLevel>');

    const deleted = await post(org, token, '<deleteMetadata><type>SharingCriteriaRule</type><fullNames>Contact.All_Contacts</fullNames></deleteMetadata>');
    expect(deleted.text).toContain('<statusCode>INSUFFICIENT_ACCESS</statusCode></errors><fullName>Contact.All_Contacts</fullName><success>false</success>');
    expect(deleted.text).toContain('Manage Sharing');
    expect(org.sharingRule('Contact.All_Contacts')).toBeDefined();
    const created = await post(org, token, `<createMetadata>${criteriaXml('Contact.Sales_Contacts', goodInner)}</createMetadata>`);
    expect(created.text).toContain('<statusCode>INSUFFICIENT_ACCESS</statusCode></errors><fullName>Contact.Sales_Contacts</fullName><success>false</success>');
    expect(org.sharingRule('Contact.Sales_Contacts')).toBeUndefined();

    const [set] = org.seed('PermissionSet', [{ Name: 'Sharing_Admin', Label: 'Sharing Admin', PermissionsManageSharing: true }]);
    org.seed('PermissionSetAssignment', [{ AssigneeId: org.identity.userId, PermissionSetId: set }]);
    const granted = await post(org, token, '<deleteMetadata><type>SharingCriteriaRule</type><fullNames>Contact.All_Contacts</fullNames></deleteMetadata>');
    expect(granted.text).toContain('<result><fullName>Contact.All_Contacts</fullName><success>true</success></result>');
    expect(org.sharingRule('Contact.All_Contacts')).toBeUndefined();
  });

  it('refuses every call without Modify Metadata or Modify All Data', async () => {
    const bare = await startOrgEmulator({ port: 0, pubsub: false, manageSharing: true });
    try {
      const reply = await post(
        bare,
        await sessionOf(bare),
        '<deleteMetadata><type>SharingCriteriaRule</type><fullNames>Contact.X</fullNames></deleteMetadata>',
      );
      expect(reply.status).toBe(500);
      expect(reply.text).toContain('<faultcode>sf:INSUFFICIENT_ACCESS</faultcode>');
    } finally {
      await bare.close();
    }
  });
});
