import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_METADATA_DIR, startOrgEmulator, type OrgEmulator, type OrgEmulatorOptions } from '../../src/emulator/index.js';
import { assertion, FIXTURE_OBJECTS, rawSession, requestToken } from './session.js';

let org: OrgEmulator | undefined;
afterEach(async () => {
  await org?.close();
  org = undefined;
});

const V = '/services/data/v62.0';
const start = async (options: OrgEmulatorOptions = {}) => {
  org = await startOrgEmulator({ metadataDir: FIXTURE_OBJECTS, pubsub: false, ...options });
  return org;
};
const query = (soql: string) => `${V}/query?q=${encodeURIComponent(soql)}`;

/** A raw session whose DELETE carries no body and no content type, as a REST client sends it. */
const session = async (org: OrgEmulator) => {
  const call = await rawSession(org);
  const token = (await requestToken(org, await assertion(org))).body.access_token as string;
  return async (method: string, path: string, body?: unknown) => {
    if (method !== 'DELETE') return call(method, path, body);
    const response = await fetch(`${org.url}${path}`, { method, headers: { authorization: `Bearer ${token}` } });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
};

describe('UserLogin: freezing users, with Manage Users only', () => {
  it('gives every user a UserLogin, and refuses query and update without Manage Users as an org refuses an object the user cannot access', async () => {
    const org = await start();
    const [userId] = org.seed('User', [{ Username: 'marketer@acme-shop.example', LastName: 'Marketer', IsActive: true }]);
    const login = org.records('UserLogin').find((row) => row.UserId === userId);
    expect(login).toMatchObject({ IsFrozen: false, IsPasswordLocked: false });
    expect(String(login?.Id)).toMatch(/^060/);
    const call = await session(org);
    expect(await call('GET', query('SELECT Id, IsFrozen FROM UserLogin'))).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_TYPE', message: expect.stringContaining("sObject type 'UserLogin' is not supported.") }],
    });
    expect(await call('PATCH', `${V}/sobjects/UserLogin/${login?.Id}`, { IsFrozen: true })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY' }],
    });
    expect(org.records('UserLogin').find((row) => row.Id === login?.Id)?.IsFrozen).toBe(false);
  });

  it('freezes and unfreezes a user with Manage Users, unlocks but never locks, and changes nothing else', async () => {
    const org = await start({ manageUsers: true });
    const [userId] = org.seed('User', [{ Username: 'marketer@acme-shop.example', LastName: 'Marketer', IsActive: true }]);
    org.seed('UserLogin', [{ UserId: userId, IsPasswordLocked: true }]);
    const call = await session(org);
    const found = await call('GET', query(`SELECT Id, UserId, IsFrozen, IsPasswordLocked FROM UserLogin WHERE UserId = '${userId}'`));
    expect(found.status).toBe(200);
    expect(found.body.records).toHaveLength(1);
    const loginId = found.body.records[0].Id as string;
    expect(found.body.records[0]).toMatchObject({ IsFrozen: false, IsPasswordLocked: true });

    expect(await call('PATCH', `${V}/sobjects/UserLogin/${loginId}`, { IsFrozen: true })).toEqual({ status: 204, body: undefined });
    const frozen = await call('GET', query('SELECT UserId, LastModifiedById FROM UserLogin WHERE IsFrozen = true'));
    expect(frozen.body.records).toEqual([expect.objectContaining({ UserId: userId, LastModifiedById: org.identity.userId })]);

    expect(await call('PATCH', `${V}/sobjects/UserLogin/${loginId}`, { IsPasswordLocked: true })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'FIELD_INTEGRITY_EXCEPTION', fields: ['IsPasswordLocked'] }],
    });
    expect(await call('PATCH', `${V}/sobjects/UserLogin/${loginId}`, { IsPasswordLocked: false })).toMatchObject({ status: 204 });
    expect(await call('PATCH', `${V}/sobjects/UserLogin/${loginId}`, { UserId: org.identity.userId })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_FIELD_FOR_INSERT_UPDATE', fields: ['UserId'] }],
    });
    expect(await call('PATCH', `${V}/sobjects/UserLogin/${loginId}`, { IsFrozen: false })).toMatchObject({ status: 204 });
    expect(org.records('UserLogin').find((row) => row.Id === loginId)).toMatchObject({ UserId: userId, IsFrozen: false, IsPasswordLocked: false });

    // Supported calls: no create(), no delete().
    expect(await call('POST', `${V}/sobjects/UserLogin`, { IsFrozen: true })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_TYPE_FOR_OPERATION' }],
    });
    expect(await call('DELETE', `${V}/sobjects/UserLogin/${loginId}`)).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_TYPE_FOR_OPERATION' }] });
  });

  it('takes Manage Users from a permission set assigned to the integration user', async () => {
    const org = await start();
    const [setId] = org.seed('PermissionSet', [{ Name: 'Leakwatch_Containment', Label: 'Leakwatch Containment', PermissionsManageUsers: true }]);
    org.seed('PermissionSetAssignment', [{ AssigneeId: org.identity.userId, PermissionSetId: setId }]);
    const call = await session(org);
    const found = await call('GET', query(`SELECT Id FROM UserLogin WHERE UserId = '${org.identity.userId}'`));
    expect(found).toMatchObject({ status: 200, body: { totalSize: 1 } });
  });

  it('refuses a token to a frozen integration user, and issues one again once unfrozen', async () => {
    const org = await start();
    org.seed('UserLogin', [{ UserId: org.identity.userId, IsFrozen: true }]);
    expect(org.records('UserLogin').filter((row) => row.UserId === org.identity.userId)).toHaveLength(1);
    expect(await requestToken(org, await assertion(org))).toEqual({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'user account is frozen' },
    });
    expect(org.stats.tokensIssued).toBe(0);
    org.seed('UserLogin', [{ UserId: org.identity.userId, IsFrozen: false }]);
    expect(await requestToken(org, await assertion(org))).toMatchObject({ status: 200, body: { token_type: 'Bearer' } });
  });
});

describe('AuthSession: a user sees and ends only their own sessions, unless they have Manage Users', () => {
  const seedSessions = (org: OrgEmulator) => {
    const [otherId] = org.seed('User', [{ Username: 'marketer@acme-shop.example', LastName: 'Marketer', IsActive: true }]);
    const [own, other] = org.seed('AuthSession', [
      { UsersId: org.identity.userId, SessionType: 'API', LoginType: 'Application', SourceIp: '203.0.113.9', NumSecondsValid: 7200 },
      { UsersId: otherId, SessionType: 'UI', LoginType: 'Application', SourceIp: '198.51.100.4', NumSecondsValid: 7200, IsCurrent: true },
    ]);
    return { own: own as string, other: other as string, otherId: otherId as string };
  };

  it("without Manage Users: queries show only the own sessions, and another user's session cannot be deleted", async () => {
    const org = await start();
    const { own, other } = seedSessions(org);
    expect(own).toMatch(/^0Ak/);
    const call = await session(org);
    const seen = await call('GET', query('SELECT Id, UsersId, SessionType, SourceIp FROM AuthSession'));
    expect(seen.body.records.map((row: { Id: string }) => row.Id)).toEqual([own]);
    expect(await call('DELETE', `${V}/sobjects/AuthSession/${other}`)).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
    expect(org.records('AuthSession').some((row) => row.Id === other)).toBe(true);
    expect(await call('DELETE', `${V}/sobjects/AuthSession/${own}`)).toEqual({ status: 204, body: undefined });
    expect(org.records('AuthSession').some((row) => row.Id === own)).toBe(false);
  });

  it('with Manage Users: sees and deletes every session; never creates or changes one', async () => {
    const org = await start({ manageUsers: true });
    const { own, other, otherId } = seedSessions(org);
    const call = await session(org);
    const seen = await call('GET', query(`SELECT Id FROM AuthSession WHERE UsersId = '${otherId}'`));
    expect(seen.body.records.map((row: { Id: string }) => row.Id)).toEqual([other]);
    expect((await call('GET', query('SELECT COUNT() FROM AuthSession'))).body.totalSize).toBe(2);
    expect(await call('POST', `${V}/sobjects/AuthSession`, { UsersId: otherId })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_TYPE_FOR_OPERATION' }],
    });
    expect(await call('PATCH', `${V}/sobjects/AuthSession/${own}`, { NumSecondsValid: 60 })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_TYPE_FOR_OPERATION' }],
    });
    expect(await call('DELETE', `${V}/sobjects/AuthSession/${other}`)).toMatchObject({ status: 204 });
    expect(org.records('AuthSession').map((row) => row.Id)).toEqual([own]);
  });
});

describe('the OAuth revoke endpoint', () => {
  const revoke = async (org: OrgEmulator, body: string | undefined, method = 'POST') => {
    const response = await fetch(`${org.url}/services/oauth2/revoke${method === 'GET' ? `?${body ?? ''}` : ''}`, {
      method,
      ...(method === 'POST' ? { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body ?? '' } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };

  it('removes the OauthToken whose DeleteToken is sent, without any Authorization header, and counts it', async () => {
    const org = await start();
    const [otherId] = org.seed('User', [{ Username: 'marketer@acme-shop.example', LastName: 'Marketer', IsActive: true }]);
    org.seed('OauthToken', [
      { UserId: otherId, AppName: 'Data Loader', DeleteToken: 'DEL-1', AccessToken: 'ACC-1' },
      { UserId: otherId, AppName: 'Workbench', DeleteToken: 'DEL-2', AccessToken: 'ACC-2' },
    ]);
    expect(await revoke(org, new URLSearchParams({ token: 'DEL-1' }).toString())).toEqual({ status: 200, body: undefined });
    expect(org.records('OauthToken').map((row) => row.AppName)).toEqual(['Workbench']);
    expect(await revoke(org, new URLSearchParams({ token: 'DEL-1' }).toString())).toMatchObject({ status: 400, body: { error: 'invalid_token' } });
    // The documented blind GET, by the token's access token.
    expect(await revoke(org, 'token=ACC-2', 'GET')).toMatchObject({ status: 200 });
    expect(org.records('OauthToken')).toEqual([]);
    expect(org.stats.tokensRevoked).toBe(2);
  });

  it('answers unsupported_token_type without a token, and ends an access token the org issued', async () => {
    const org = await start();
    expect(await revoke(org, '')).toMatchObject({ status: 400, body: { error: 'unsupported_token_type' } });
    expect(await revoke(org, undefined, 'GET')).toMatchObject({ status: 400, body: { error: 'unsupported_token_type' } });
    const token = (await requestToken(org, await assertion(org))).body.access_token as string;
    const limits = () => fetch(`${org.url}${V}/limits`, { headers: { authorization: `Bearer ${token}` } });
    expect((await limits()).status).toBe(200);
    expect(await revoke(org, new URLSearchParams({ token }).toString())).toMatchObject({ status: 200 });
    expect((await limits()).status).toBe(401);
    expect(org.stats.tokensRevoked).toBe(1);
  });
});

describe('custom metadata records (__mdt)', () => {
  let root: string;
  const playbookRecord = (label: string, values: Array<[string, string, string | null]>) =>
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">\n' +
    `    <label>${label}</label>\n    <protected>false</protected>\n` +
    values
      .map(([field, type, value]) =>
        value === null
          ? `    <values>\n        <field>${field}</field>\n        <value xsi:nil="true"/>\n    </values>\n`
          : `    <values>\n        <field>${field}</field>\n        <value xsi:type="${type}">${value}</value>\n    </values>\n`,
      )
      .join('') +
    '</CustomMetadata>\n';
  const field = (xml: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">${xml}</CustomField>\n`;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'leakwatch-mdt-'));
    const type = join(root, 'main', 'objects', 'Playbook__mdt');
    await mkdir(join(type, 'fields'), { recursive: true });
    await writeFile(
      join(type, 'Playbook__mdt.object-meta.xml'),
      '<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata"><label>Playbook</label><pluralLabel>Playbooks</pluralLabel><visibility>Public</visibility></CustomObject>\n',
    );
    await writeFile(
      join(type, 'fields', 'Rule__c.field-meta.xml'),
      field('<fullName>Rule__c</fullName><label>Rule</label><length>80</length><type>Text</type>'),
    );
    await writeFile(
      join(type, 'fields', 'IsEnabled__c.field-meta.xml'),
      field('<fullName>IsEnabled__c</fullName><label>Enabled</label><defaultValue>true</defaultValue><type>Checkbox</type>'),
    );
    await writeFile(
      join(type, 'fields', 'DurationHours__c.field-meta.xml'),
      field('<fullName>DurationHours__c</fullName><label>Hours</label><precision>5</precision><scale>0</scale><type>Number</type>'),
    );
    await writeFile(
      join(type, 'fields', 'Mode__c.field-meta.xml'),
      field(
        '<fullName>Mode__c</fullName><label>Mode</label><type>Picklist</type><valueSet><restricted>true</restricted><valueSetDefinition><value><fullName>NotifyOnly</fullName><default>false</default><label>Notify Only</label></value><value><fullName>Automatic</fullName><default>false</default><label>Automatic</label></value></valueSetDefinition></valueSet>',
      ),
    );
    const records = join(root, 'main', 'customMetadata');
    await mkdir(records, { recursive: true });
    await writeFile(
      join(records, 'Playbook.Canary.md-meta.xml'),
      playbookRecord('Canary touched', [
        ['Rule__c', 'xsd:string', 'canary_touched'],
        ['IsEnabled__c', 'xsd:boolean', 'true'],
        ['DurationHours__c', 'xsd:double', '24'],
        ['Mode__c', 'xsd:string', 'Automatic'],
      ]),
    );
    await writeFile(
      join(records, 'Playbook.Volume.md-meta.xml'),
      playbookRecord('Unusual volume', [
        ['Rule__c', 'xsd:string', 'volume_anomaly'],
        ['IsEnabled__c', 'xsd:boolean', 'false'],
        ['DurationHours__c', 'xsd:double', '0'],
        ['Mode__c', 'xsd:string', 'NotifyOnly'],
      ]),
    );
    await writeFile(
      join(records, 'Playbook.Blank.md-meta.xml'),
      playbookRecord('Blank', [
        ['Rule__c', 'xsd:string', ''],
        ['DurationHours__c', 'xsd:double', null],
      ]),
    );
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('loads the package records, typed, and answers SOQL on them with filters', async () => {
    const org = await start({ metadataDir: root });
    const call = await session(org);
    const enabled = await call(
      'GET',
      query(
        'SELECT Id, DeveloperName, MasterLabel, Label, QualifiedApiName, NamespacePrefix, Rule__c, DurationHours__c, Mode__c FROM Playbook__mdt WHERE IsEnabled__c = true ORDER BY DeveloperName',
      ),
    );
    expect(enabled.status).toBe(200);
    expect(enabled.body.records.map((row: { DeveloperName: string }) => row.DeveloperName)).toEqual(['Blank', 'Canary']);
    const [blank, canary] = enabled.body.records;
    expect(canary).toMatchObject({
      MasterLabel: 'Canary touched',
      Label: 'Canary touched',
      QualifiedApiName: 'Canary',
      NamespacePrefix: null,
      Rule__c: 'canary_touched',
      DurationHours__c: 24,
      Mode__c: 'Automatic',
    });
    expect(canary.Id).toMatch(/^m0/);
    // An empty value and xsi:nil are null; a checkbox left out takes the field's default.
    expect(blank).toMatchObject({ Rule__c: null, DurationHours__c: null });
    const off = await call('GET', query("SELECT DeveloperName FROM Playbook__mdt WHERE IsEnabled__c = false AND Rule__c = 'volume_anomaly'"));
    expect(off.body.records).toEqual([expect.objectContaining({ DeveloperName: 'Volume' })]);
  });

  it('refuses create, update and delete through the REST API', async () => {
    const org = await start({ metadataDir: root });
    const call = await session(org);
    const canary = org.records('Playbook__mdt').find((row) => row.DeveloperName === 'Canary');
    expect(await call('POST', `${V}/sobjects/Playbook__mdt`, { Rule__c: 'x' })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_TYPE_FOR_OPERATION' }],
    });
    expect(await call('PATCH', `${V}/sobjects/Playbook__mdt/${canary?.Id}`, { IsEnabled__c: false })).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_TYPE_FOR_OPERATION' }],
    });
    expect(await call('DELETE', `${V}/sobjects/Playbook__mdt/${canary?.Id}`)).toMatchObject({
      status: 400,
      body: [{ errorCode: 'INVALID_TYPE_FOR_OPERATION' }],
    });
    expect(org.records('Playbook__mdt').find((row) => row.Id === canary?.Id)).toMatchObject({ IsEnabled__c: true });
    expect(org.records('Playbook__mdt')).toHaveLength(3);
  });

  it('spells type, fields and records with the namespace when the emulator runs namespaced', async () => {
    const org = await start({ metadataDir: root, namespace: 'leakwatch' });
    const call = await session(org);
    const rows = await call(
      'GET',
      query("SELECT DeveloperName, QualifiedApiName, NamespacePrefix, leakwatch__Rule__c FROM leakwatch__Playbook__mdt WHERE DeveloperName = 'Canary'"),
    );
    expect(rows.body.records).toEqual([
      expect.objectContaining({
        DeveloperName: 'Canary',
        QualifiedApiName: 'leakwatch__Canary',
        NamespacePrefix: 'leakwatch',
        leakwatch__Rule__c: 'canary_touched',
      }),
    ]);
    expect(await call('GET', query('SELECT DeveloperName FROM Playbook__mdt'))).toMatchObject({ status: 400, body: [{ errorCode: 'INVALID_TYPE' }] });
    const entity = await call(
      'GET',
      query("SELECT DeveloperName, NamespacePrefix, KeyPrefix FROM EntityDefinition WHERE QualifiedApiName = 'leakwatch__Playbook__mdt'"),
    );
    expect(entity.body.records).toEqual([
      expect.objectContaining({ DeveloperName: 'Playbook', NamespacePrefix: 'leakwatch', KeyPrefix: expect.stringMatching(/^m0/) }),
    ]);
  });

  it("lets the seeding API change a record by DeveloperName, or add a subscriber's own", async () => {
    const org = await start({ metadataDir: root });
    const before = org.records('Playbook__mdt').find((row) => row.DeveloperName === 'Canary');
    const response = await fetch(`${org.url}/__emulator/records/Playbook__mdt`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        records: [
          { DeveloperName: 'Canary', IsEnabled__c: false, Mode__c: 'NotifyOnly' },
          { DeveloperName: 'Mine', Rule__c: 'integration_interactive', Mode__c: 'Automatic', DurationHours__c: 2 },
        ],
      }),
    });
    expect(response.status).toBe(201);
    const { ids } = (await response.json()) as { ids: string[] };
    expect(ids[0]).toBe(before?.Id);
    const canary = org.records('Playbook__mdt').find((row) => row.Id === before?.Id);
    expect(canary).toMatchObject({ IsEnabled__c: false, Mode__c: 'NotifyOnly', Rule__c: 'canary_touched', MasterLabel: 'Canary touched' });
    const mine = org.records('Playbook__mdt').find((row) => row.Id === ids[1]);
    expect(mine).toMatchObject({
      DeveloperName: 'Mine',
      MasterLabel: 'Mine',
      Label: 'Mine',
      QualifiedApiName: 'Mine',
      NamespacePrefix: null,
      IsEnabled__c: true,
      DurationHours__c: 2,
    });
    expect(org.records('Playbook__mdt')).toHaveLength(4);

    const call = await session(org);
    const enabled = await call('GET', query('SELECT DeveloperName FROM Playbook__mdt WHERE IsEnabled__c = true ORDER BY DeveloperName'));
    expect(enabled.body.records.map((row: { DeveloperName: string }) => row.DeveloperName)).toEqual(['Blank', 'Mine']);

    // What a deployment would refuse, the seeding API refuses.
    expect(() => org.seed('Playbook__mdt', [{ Rule__c: 'no name' }])).toThrow(/DeveloperName/);
    expect(() => org.seed('Playbook__mdt', [{ DeveloperName: 'Bad', Mode__c: 'Sometimes' }])).toThrow(/restricted picklist/);
  });

  it('loads every customMetadata record of the package in force-app', async () => {
    const files = (await readdir(DEFAULT_METADATA_DIR, { recursive: true })).filter((entry) =>
      /(^|[\\/])customMetadata[\\/][^\\/]+\.md-meta\.xml$/.test(entry),
    );
    const playbooks = files.filter((entry) => /ContainmentPlaybook\.[^\\/]+\.md-meta\.xml$/.test(entry));
    expect(playbooks.length).toBeGreaterThan(0);
    const org = await start({ metadataDir: DEFAULT_METADATA_DIR, namespace: 'leakwatch' });
    const loaded = [...org.schema.values()].filter((object) => object.customMetadata).flatMap((object) => org.records(object.name));
    expect(loaded).toHaveLength(files.length);
    const names = org
      .records('leakwatch__ContainmentPlaybook__mdt')
      .map((row) => row.DeveloperName)
      .sort();
    expect(names).toEqual(playbooks.map((entry) => (/ContainmentPlaybook\.([^\\/]+)\.md-meta\.xml$/.exec(entry) as RegExpExecArray)[1]).sort());
    const call = await session(org);
    const rows = await call(
      'GET',
      query(
        'SELECT DeveloperName, leakwatch__Rule__c, leakwatch__MinSeverity__c, leakwatch__Actors__c, leakwatch__Mode__c, leakwatch__Actions__c, leakwatch__DurationHours__c, leakwatch__IsEnabled__c FROM leakwatch__ContainmentPlaybook__mdt WHERE leakwatch__IsEnabled__c = true',
      ),
    );
    expect(rows.status).toBe(200);
    for (const row of rows.body.records) expect(typeof row.leakwatch__DurationHours__c === 'number' || row.leakwatch__DurationHours__c === null).toBe(true);
  });
});

describe("UserPermissionAccess: the calling user's own permissions", () => {
  it('answers one row with what the user holds, by option or by an assigned permission set, and nothing else', async () => {
    const org = await start({ customizeApplication: true });
    const call = await session(org);
    const before = await call(
      'GET',
      query('SELECT PermissionsManageUsers, PermissionsCustomizeApplication, PermissionsModifyAllData FROM UserPermissionAccess'),
    );
    expect(before.status).toBe(200);
    expect(before.body.records).toHaveLength(1);
    expect(before.body.records[0]).toMatchObject({ PermissionsManageUsers: false, PermissionsCustomizeApplication: true, PermissionsModifyAllData: false });
    const [setId] = org.seed('PermissionSet', [{ Name: 'Containment', Label: 'Containment', PermissionsManageUsers: true }]);
    org.seed('PermissionSetAssignment', [{ AssigneeId: org.identity.userId, PermissionSetId: setId }]);
    const after = await call('GET', query('SELECT PermissionsManageUsers FROM UserPermissionAccess WHERE PermissionsManageUsers = true'));
    expect(after.body.records).toHaveLength(1);
    expect((await call('POST', `${V}/sobjects/UserPermissionAccess`, { PermissionsManageUsers: true })).status).toBe(400);
  });
});
