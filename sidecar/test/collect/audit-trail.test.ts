import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { ASSIGNMENT_ACTIONS, AUDIENCES, parseAuditRow, PERMISSION_LABELS, type AuditChange, type AuditRowText } from '../../src/collect/audit-trail/parse.js';
import { collectedEventId } from '../../src/collect/event-id.js';
import { runSource } from '../../src/collect/run-source.js';
import { ASSIGN_ACTIONS } from '../../src/collect/sources/index.js';
import { auditEvent, setupAuditTrailSource, type AuditTrailRow } from '../../src/collect/sources/setup-audit-trail.js';
import type { KeysetPosition } from '../../src/collect/keyset.js';
import type { LeakEvent } from '../../src/contract/event.js';
import { toId18 } from '../../src/contract/salesforce-id.js';
import { createDetector, DEFAULT_DETECTION_CONFIG } from '../../src/detect/index.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { seedRecords } from '../../src/emulator/seeding-client.js';
import { formatDateTime } from '../../src/emulator/validate.js';
import { eventProblems } from '../../src/ingest/event-validator.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { readOnce } from './read-source.js';

/**
 * Where the Display strings below come from. Salesforce documents one Display ("Created permission
 * set MAD: with user license Salesforce.", Object Reference, "SetupAuditTrail"); the rest are:
 * - DOC: that documented example;
 * - PRODUCT: the product's own example (schemas/examples/sharing-oauth.json);
 * - ELASTIC: elastic/integrations, packages/salesforce/data_stream/setupaudittrail sample event;
 * - SFMON: sfmon's test of its org-wide default monitor (Section "Sharing Defaults");
 * - HARDIS: sfdx-hardis's audit trail monitor (Action codes of assignments);
 * - AUDITOR: vorno-crole/sf-org-auditor's rules (Displays starting "Changed permission set" / "Changed profile");
 * - EXISTING: the Displays this repository's PermissionSetAssignment tests already use;
 * - ASSUMED: shaped after Setup's page and field labels; not seen verbatim in an org's audit trail;
 * - GERMAN: a German rendering of an English case, for a user whose language is German.
 */
interface Case {
  name: string;
  row: AuditRowText;
  expected: AuditChange;
}

const row = (Action: string, Section: string, Display: string): AuditRowText => ({ Action, Section, Display });

const CASES: Case[] = [
  // Sharing rules
  {
    name: 'PRODUCT: a criteria sharing rule on Contact, naming no audience',
    row: row('createdCriteriaSharingRule', 'Sharing Rules', 'Created sharing rule All_Contacts for Contact'),
    expected: { type: 'sharingRule', change: 'created', object: 'Contact', rule: 'All_Contacts', ruleType: 'criteria' },
  },
  {
    name: 'PRODUCT + ASSUMED tail: the same rule opening Contact to All Internal Users, read/write',
    row: row('createdCriteriaSharingRule', 'Sharing Rules', 'Created sharing rule All_Contacts for Contact: shared with All Internal Users, Read/Write access'),
    expected: {
      type: 'sharingRule',
      change: 'created',
      object: 'Contact',
      sharedWith: 'AllInternalUsers',
      accessLevel: 'Edit',
      rule: 'All_Contacts',
      ruleType: 'criteria',
    },
  },
  {
    name: 'ASSUMED: "Entire Organization", the older name of All Internal Users',
    row: row('insertSharingRule', 'Sharing Rules', 'Created sharing rule Everyone_Leads for Lead: shared with Entire Organization, Read Only'),
    expected: { type: 'sharingRule', change: 'created', object: 'Lead', sharedWith: 'AllInternalUsers', accessLevel: 'Read', rule: 'Everyone_Leads' },
  },
  {
    name: 'ASSUMED: a rule changed to share with all partner users',
    row: row('updateSharingRule', 'Sharing Rules', 'Changed sharing rule Partner_Leads for Lead: shared with All Partner Users, Read/Write'),
    expected: { type: 'sharingRule', change: 'changed', object: 'Lead', sharedWith: 'AllPartnerUsers', accessLevel: 'Edit', rule: 'Partner_Leads' },
  },
  {
    name: 'ASSUMED: a guest user sharing rule',
    row: row('insertSharingRule', 'Sharing Rules', 'Created guest user sharing rule Site_Cases for Case: shared with guest users, Read Only'),
    expected: { type: 'sharingRule', change: 'created', object: 'Case', sharedWith: 'GuestUser', accessLevel: 'Read', rule: 'Site_Cases', ruleType: 'guest' },
  },
  {
    name: 'ASSUMED: object label first, shared with a role and its subordinates (no open audience)',
    row: row(
      'insertSharingRule',
      'Sharing Rules',
      'Created Contact sharing rule Support_Contacts: owned by Role Support, shared with Role and Subordinates Sales, Read Only',
    ),
    expected: {
      type: 'sharingRule',
      change: 'created',
      object: 'Contact',
      sharedWithType: 'roleAndSubordinates',
      accessLevel: 'Read',
      rule: 'Support_Contacts',
    },
  },
  {
    name: 'ASSUMED: a deleted rule opens nothing, whatever it shared with',
    row: row('deleteSharingRule', 'Sharing Rules', 'Deleted sharing rule All_Contacts for Contact: shared with All Internal Users, Read/Write access'),
    expected: { type: 'sharingRule', change: 'deleted', object: 'Contact', accessLevel: 'Edit', rule: 'All_Contacts' },
  },
  {
    name: "PRODUCT (demo): object label first, the rule's name quoted",
    row: row(
      'createdsharingrule',
      'Sharing Rules',
      'Created Contact sharing rule "Open_Contacts": Contact owned by All Internal Users shared with All Internal Users; access level: Read/Write',
    ),
    expected: { type: 'sharingRule', change: 'created', object: 'Contact', sharedWith: 'AllInternalUsers', accessLevel: 'Edit', rule: 'Open_Contacts' },
  },
  {
    name: 'ASSUMED: an owner-based rule names its kind',
    row: row('insertSharingRule', 'Sharing Rules', 'Created owner-based sharing rule Sales_Leads for Lead: shared with All Internal Users, Read Only'),
    expected: {
      type: 'sharingRule',
      change: 'created',
      object: 'Lead',
      sharedWith: 'AllInternalUsers',
      accessLevel: 'Read',
      rule: 'Sales_Leads',
      ruleType: 'owner',
    },
  },
  {
    name: 'ASSUMED: a rule named by a label that cannot be its API name keeps no name',
    row: row('insertSharingRule', 'Sharing Rules', 'Created sharing rule All Contacts for Contact: shared with All Internal Users, Read Only'),
    expected: { type: 'sharingRule', change: 'created', object: 'Contact', sharedWith: 'AllInternalUsers', accessLevel: 'Read' },
  },
  {
    name: 'must not match: a sharing set is not a sharing rule',
    row: row('insertSharingSets', 'Sharing Rules', 'Created sharing set Customer_Cases'),
    expected: { type: 'unknown' },
  },
  // Org-wide defaults
  {
    name: 'SFMON: Account widened from Private to Public Read Only',
    row: row('changedObjectSharing', 'Sharing Defaults', 'Account: Private -> Public Read Only'),
    expected: { type: 'orgWideDefault', scope: 'internal', object: 'Account', from: 'Private', to: 'Public Read Only', opensTo: 'PublicReadOnly' },
  },
  {
    name: 'SFMON shape: a default narrowed opens nothing',
    row: row('changedObjectSharing', 'Sharing Defaults', 'Contact: Public Read/Write -> Private'),
    expected: { type: 'orgWideDefault', scope: 'internal', object: 'Contact', from: 'Public Read/Write', to: 'Private' },
  },
  {
    name: 'ASSUMED: the external default of Contact widened',
    row: row('changedObjectSharing', 'Sharing Defaults', 'Changed Contact org-wide default (external) from Private to Public Read Only'),
    expected: { type: 'orgWideDefault', scope: 'external', object: 'Contact', from: 'Private', to: 'Public Read Only', opensTo: 'PublicReadOnly' },
  },
  {
    name: 'ASSUMED: the combined "Account, Contract and Asset" label is Account',
    row: row('changedObjectSharing', 'Sharing Defaults', 'Changed Account, Contract and Asset default access from Private to Public Read/Write'),
    expected: { type: 'orgWideDefault', scope: 'internal', object: 'Account', from: 'Private', to: 'Public Read/Write', opensTo: 'PublicReadWrite' },
  },
  {
    name: 'ASSUMED: a label of several words is the API name without spaces',
    row: row('changedObjectSharing', 'Sharing Defaults', 'Changed Contact Point Email Default Internal Access from Private to Public Read/Write/Transfer'),
    expected: {
      type: 'orgWideDefault',
      scope: 'internal',
      object: 'ContactPointEmail',
      from: 'Private',
      to: 'Public Read/Write/Transfer',
      opensTo: 'PublicReadWrite',
    },
  },
  {
    name: 'must not match: a hierarchy setting in the same section is no access level',
    row: row('changedObjectSharing', 'Sharing Defaults', 'Changed Invoice Grant Access Using Hierarchies from True to False'),
    expected: { type: 'unknown' },
  },
  // Permission sets and profiles
  {
    name: 'AUDITOR prefix + ASSUMED tail: Modify All Data turned on in a permission set',
    row: row('PermSetEnableUserPerm', 'Manage Users', 'Changed permission set Marketing Power: Modify All Data was changed from False to True'),
    expected: {
      type: 'permission',
      holder: 'permissionSet',
      name: 'Marketing Power',
      permissions: ['ModifyAllData'],
      from: 'False',
      to: 'True',
      granted: true,
    },
  },
  {
    name: 'AUDITOR prefix + ASSUMED tail: a profile whose name holds ": " loses View All Data',
    row: row('profilePermChangedCustom', 'Manage Users', 'Changed profile Custom: Marketing Profile: View All Data was changed from True to False'),
    expected: {
      type: 'permission',
      holder: 'profile',
      name: 'Custom: Marketing Profile',
      permissions: ['ViewAllData'],
      from: 'True',
      to: 'False',
      granted: false,
    },
  },
  {
    name: 'AUDITOR prefix + ASSUMED tail: the longest label wins (Manage Internal Users, not Manage Users)',
    row: row('PermSetEnableUserPerm', 'Permission Sets', 'Changed permission set Helpdesk: Manage Internal Users was changed from False to True'),
    expected: { type: 'permission', holder: 'permissionSet', name: 'Helpdesk', permissions: ['ManageInternalUsers'], from: 'False', to: 'True', granted: true },
  },
  {
    name: 'AUDITOR prefix + ASSUMED tail: a permission that is not critical names none',
    row: row('PermSetEnableUserPerm', 'Manage Users', 'Changed permission set Sales Ops: API Enabled was changed from False to True'),
    expected: { type: 'permission', holder: 'permissionSet', name: 'Sales Ops', permissions: [], from: 'False', to: 'True', granted: true },
  },
  {
    name: 'ASSUMED: the label before the holder, enabled/disabled values',
    row: row('profilePermChangedCustom', 'Profiles', 'Changed Export Reports permission for profile Custom: Sales from disabled to enabled'),
    expected: { type: 'permission', holder: 'profile', name: 'Custom: Sales', permissions: ['ExportReport'], from: 'disabled', to: 'enabled', granted: true },
  },
  {
    name: 'ASSUMED: "Enabled <label> for permission set <name>", after the PermSetEnableUserPerm code',
    row: row('PermSetEnableUserPerm', 'Manage Users', 'Enabled Author Apex for permission set Dev Tools'),
    expected: { type: 'permission', holder: 'permissionSet', name: 'Dev Tools', permissions: ['AuthorApex'], granted: true },
  },
  {
    name: 'must not match, DOC: creating a permission set changes no permission',
    row: row('PermSetCreate', 'Manage Users', 'Created permission set MAD: with user license Salesforce.'),
    expected: { type: 'unknown' },
  },
  {
    name: 'must not match, ASSUMED: object permissions are no checkbox',
    row: row('profileOlpChangedCustom', 'Profiles', 'Changed profile Custom: Sales: Contact was changed from Read to Read, Edit'),
    expected: { type: 'unknown' },
  },
  {
    name: "GERMAN: a permission set change in the user's own language is not guessed",
    row: row('PermSetEnableUserPerm', 'Manage Users', 'Berechtigungssatz Marketing Power geändert: „Alle Daten ändern“ wurde von Falsch in Wahr geändert'),
    expected: { type: 'unknown' },
  },
  // Connected apps
  {
    name: 'must not match, ELASTIC: an insertConnectedApplication row whose Display names a user, not an app',
    row: row('insertConnectedApplication', 'Connected Apps', 'For user user@elastic.co, the User Verified Email status changed to verified'),
    expected: { type: 'unknown' },
  },
  {
    name: 'ASSUMED: an app created with scopes as Setup lists them, "label (names)"',
    row: row(
      'insertConnectedApplication',
      'Connected Apps',
      'Created connected app Lead Exporter Pro with OAuth scopes: Full access (full), Perform requests at any time (refresh_token, offline_access)',
    ),
    expected: { type: 'connectedApp', change: 'created', appName: 'Lead Exporter Pro', scopes: ['full', 'refresh_token', 'offline_access'] },
  },
  {
    name: 'ASSUMED: scopes changed, listed by name',
    row: row(
      'changeOauthDefaultScope',
      'Connected Apps',
      'Changed OAuth scopes for connected app ShopSync from api, refresh_token to api, refresh_token, full',
    ),
    expected: {
      type: 'connectedApp',
      change: 'oauth_scopes',
      appName: 'ShopSync',
      scopes: ['api', 'refresh_token', 'full'],
      previousScopes: ['api', 'refresh_token'],
    },
  },
  {
    name: 'ASSUMED: scopes changed, permission set style, listed by label',
    row: row(
      'changeOauthDefaultScope',
      'Connected Apps',
      'Changed connected app ShopSync: Selected OAuth Scopes was changed from Manage user data via APIs (api) to Manage user data via APIs, Full access',
    ),
    expected: { type: 'connectedApp', change: 'oauth_scopes', appName: 'ShopSync', scopes: ['api', 'full'], previousScopes: ['api'] },
  },
  {
    name: 'ASSUMED: IP restrictions relaxed',
    row: row(
      'changeIpRelaxationPolicy',
      'Connected Apps',
      'Changed IP relaxation for connected app ShopSync from Enforce IP restrictions to Relax IP restrictions',
    ),
    expected: { type: 'connectedApp', change: 'ip_relaxation', appName: 'ShopSync', ipRelaxation: 'relax' },
  },
  {
    name: 'ASSUMED: IP restrictions relaxed with a second factor (the longer label wins)',
    row: row(
      'changeIpRelaxationPolicy',
      'Connected Apps',
      'Changed IP relaxation policy for connected app Field App to Relax IP restrictions with second factor',
    ),
    expected: { type: 'connectedApp', change: 'ip_relaxation', appName: 'Field App', ipRelaxation: 'relax_with_second_factor' },
  },
  {
    name: 'ASSUMED: any other app setting names the app and nothing of the values',
    row: row(
      'updateConnectedApplication',
      'Connected Apps',
      'Changed connected app ShopSync: Callback URL was changed from https://a.example/cb to https://b.example/cb',
    ),
    expected: { type: 'connectedApp', change: 'changed', appName: 'ShopSync' },
  },
  {
    name: 'ASSUMED: an app deleted',
    row: row('deleteApplication', 'Connected Apps', 'Deleted connected app Old Sync'),
    expected: { type: 'connectedApp', change: 'deleted', appName: 'Old Sync' },
  },
  // Login IP ranges and session settings
  {
    name: "GERMAN Display, language-neutral Action code: a profile's login IP ranges",
    row: row('loginIpRange', 'Manage Users', 'Anmelde-IP-Bereiche für Profil Vertrieb geändert'),
    expected: { type: 'setting', change: 'login_ip_range' },
  },
  {
    name: "ASSUMED: a profile's login IP ranges, by the Display alone",
    row: row('changedLoginIpRanges', 'Profiles', 'Changed login IP ranges for profile Custom: Sales'),
    expected: { type: 'setting', change: 'login_ip_range' },
  },
  {
    name: "ASSUMED: the org's trusted IP ranges (Network Access)",
    row: row('addedTrustedIpRange', 'Network Access', 'Added trusted IP range 203.0.113.0 to 203.0.113.255'),
    expected: { type: 'setting', change: 'trusted_ip_range' },
  },
  {
    name: 'ASSUMED: the session timeout',
    row: row('changedSessionTimeout', 'Session Settings', 'Changed session timeout from 2 hours to 12 hours'),
    expected: { type: 'setting', change: 'session_timeout' },
  },
  {
    name: 'ASSUMED: any other session setting',
    row: row('lockSessionsToIp', 'Session Settings', 'Lock sessions to the IP address from which they originated was changed from True to False'),
    expected: { type: 'setting', change: 'session_settings' },
  },
  {
    name: 'must not match, ASSUMED: login hours are no IP range',
    row: row('changedLoginHours', 'Manage Users', 'Changed login hours for profile Custom: Sales'),
    expected: { type: 'unknown' },
  },
  // Assignments and everything else
  {
    name: 'HARDIS code, EXISTING Display: an assignment is left to the PermissionSetAssignment source',
    row: row('PermSetAssign', 'Manage Users', 'Permission set Marketing Power: assigned to user marketer@acme-shop.example'),
    expected: { type: 'assignment' },
  },
  {
    name: 'HARDIS: a group unassignment, whatever its spelling of the code',
    row: row('permsetgroupunassign', 'Manage Users', 'Permission set group Sales Bundle: unassigned from user marketer@acme-shop.example'),
    expected: { type: 'assignment' },
  },
  {
    name: 'HARDIS: a permission set licence assignment grants no permission',
    row: row('PermSetLicenseAssign', 'Manage Users', 'Permission set license Sales Cloud Einstein: assigned to user marketer@acme-shop.example'),
    expected: { type: 'unknown' },
  },
  {
    name: 'anything else',
    row: row('changedApexClass', 'Apex Class', 'Changed Apex class ContactExport'),
    expected: { type: 'unknown' },
  },
];

describe('the audit trail parser', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(parseAuditRow(c.row)).toEqual(c.expected);
  });

  it('covers every change type with cases that match and cases that must not', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(25);
    const types = new Set(CASES.map((c) => c.expected.type));
    expect([...types].sort()).toEqual(['assignment', 'connectedApp', 'orgWideDefault', 'permission', 'setting', 'sharingRule', 'unknown']);
  });

  it("maps the labels of exactly the detector's critical permissions", () => {
    expect(Object.values(PERMISSION_LABELS).sort()).toEqual([...DEFAULT_DETECTION_CONFIG.criticalPermissions].sort());
  });

  it('names only audiences the detector weighs', () => {
    for (const audience of AUDIENCES) expect(DEFAULT_DETECTION_CONFIG.openSharingAudiences[audience]).toBeGreaterThan(0);
  });

  it('treats as assignments every Action the PermissionSetAssignment source reads for its assigner', () => {
    for (const action of ASSIGN_ACTIONS) expect(ASSIGNMENT_ACTIONS).toContain(action);
  });
});

const ORG = '00D5g000004Cx1aEAC';
const ADMIN = '0055g00000AdMiNAAV';

describe('audit trail events', () => {
  const auditRow = (Display: string, Action: string, Section: string, extra: Partial<AuditTrailRow> = {}): AuditTrailRow => ({
    Id: '0Ym5g00000AuDiTAAA',
    Action,
    Section,
    Display,
    CreatedDate: '2026-11-02T11:30:00.000+0000',
    CreatedById: ADMIN,
    ...extra,
  });

  it('builds a valid event for every case, and never carries the Display text', () => {
    for (const c of CASES) {
      const source = auditRow(c.row.Display ?? '', c.row.Action, c.row.Section ?? '', { DelegateUser: 'support.agent@partner.example' });
      const event = auditEvent(ORG, source, parseAuditRow(c.row), { username: 'admin@acme-shop.example', isIntegration: false }, new Map());
      if (c.expected.type === 'assignment') {
        expect(event).toBeUndefined();
        continue;
      }
      expect(eventProblems(event), c.name).toBeNull();
      const stored = JSON.stringify(event);
      expect(stored).not.toContain(c.row.Display);
      expect(stored).not.toContain('support.agent@partner.example');
      expect(stored).not.toContain('user@elastic.co');
      expect(event?.details).toMatchObject({ source: 'SetupAuditTrail', action: c.row.Action, delegated: true });
    }
  });

  it('keys connected apps by their ConnectedApplication id, else by name, and revokes deleted ones', () => {
    const apps = new Map([['ShopSync', '0H45g000000ShSyCAK']]);
    const changed = auditRow('Changed OAuth scopes for connected app ShopSync from api to api, full', 'changeOauthDefaultScope', 'Connected Apps');
    const event = auditEvent(ORG, changed, parseAuditRow(changed), undefined, apps);
    expect(event).toMatchObject({
      kind: 'oauth',
      operation: 'change',
      details: { appName: 'ShopSync', connectedAppId: '0H45g000000ShSyCAK', scopes: ['api', 'full'], change: 'connected_app_oauth_scopes' },
    });
    expect(event?.actor).toEqual({ userId: ADMIN });
    const deleted = auditRow('Deleted connected app Old Sync', 'deleteApplication', 'Connected Apps');
    expect(auditEvent(ORG, deleted, parseAuditRow(deleted), undefined, apps)).toMatchObject({
      operation: 'revoke',
      details: { connectedAppId: 'app:Old Sync', change: 'connected_app_deleted' },
    });
  });

  it('scores a permission turned on, and not one turned off', async () => {
    const on = auditRow('Changed permission set Marketing Power: Modify All Data was changed from False to True', 'PermSetEnableUserPerm', 'Manage Users');
    const off = auditRow('Changed permission set Marketing Power: Modify All Data was changed from True to False', 'PermSetDisableUserPerm', 'Manage Users', {
      Id: '0Ym5g00000AuDiUAAA',
    });
    const detector = createDetector();
    const granted = auditEvent(ORG, on, parseAuditRow(on), undefined, new Map()) as LeakEvent;
    expect(granted).toMatchObject({
      kind: 'permission',
      operation: 'change',
      details: { permissionSetName: 'Marketing Power', permissions: ['ModifyAllData'], changedFrom: 'False', changedTo: 'True' },
    });
    const verdict = await detector.score({ orgId: ORG, event: granted, findings: [] });
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['critical_permission']);
    expect(verdict?.reasons[0]?.message).toBe(`${ADMIN} turned on ModifyAllData in permission set Marketing Power; everyone assigned it now has it.`);
    expect(verdict?.permissionReview).toBeUndefined();
    const revoked = auditEvent(ORG, off, parseAuditRow(off), undefined, new Map()) as LeakEvent;
    expect(revoked.operation).toBe('revoke');
    expect(await detector.score({ orgId: ORG, event: revoked, findings: [] })).toBeNull();
  });
});

const MINUTE = 60_000;
const DAY = 86_400_000;
const second = (msAgo: number) => formatDateTime(new Date(Math.floor((Date.now() - msAgo) / 1_000) * 1_000));
const classifier = createClassifier({ salt: 'collect-audit-trail-salt-01' });
const SHOPSYNC_APP = '0H45g000000ShSyCAK';

describe('the SetupAuditTrail source against the org emulator', () => {
  let org: OrgEmulator;
  let client: OrgClient;
  let orgId: string;
  let seeded: Array<{ id: string; Action: string; Display: string }>;

  const seed = (sobject: string, records: Array<Record<string, unknown>>): Promise<string[]> => seedRecords(org.url, sobject, records);

  const readAll = async (): Promise<LeakEvent[]> => {
    const source = setupAuditTrailSource();
    const events: LeakEvent[] = [];
    let position: KeysetPosition | undefined;
    for (;;) {
      const page = await readOnce(source, client, orgId, position);
      events.push(...page.events);
      position = page.position;
      if (!page.more) return events;
    }
  };

  beforeAll(async () => {
    org = await startOrgEmulator({ port: 0 });
    orgId = org.identity.orgId;
    client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
    await seed('User', [{ Id: ADMIN, Username: 'admin@acme-shop.example', LastName: 'Admin', IsActive: true }]);
    await seed('ConnectedApplication', [{ Id: SHOPSYNC_APP, Name: 'ShopSync' }]);
    // Ten rows in one second, so that pages of four end inside it, then rows in other seconds.
    const shared = second(20 * MINUTE);
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => ({
        Action: i % 3 === 0 ? 'PermSetAssign' : 'changedApexClass',
        Section: i % 3 === 0 ? 'Manage Users' : 'Apex Class',
        Display: i % 3 === 0 ? `Permission set Support ${i}: assigned to user agent${i}@acme-shop.example` : `Changed Apex class Export${i}`,
        CreatedDate: shared,
      })),
      {
        Action: 'createdCriteriaSharingRule',
        Section: 'Sharing Rules',
        Display: 'Created sharing rule All_Contacts for Contact: shared with All Internal Users, Read/Write access',
        CreatedDate: second(30 * MINUTE),
      },
      {
        Action: 'insertConnectedApplication',
        Section: 'Connected Apps',
        Display:
          'Created connected app ShopSync with OAuth scopes: Manage user data via APIs (api), Perform requests at any time (refresh_token, offline_access)',
        CreatedDate: second(12 * DAY),
      },
      {
        Action: 'changeOauthDefaultScope',
        Section: 'Connected Apps',
        Display: 'Changed OAuth scopes for connected app ShopSync from api, refresh_token, offline_access to api, refresh_token, offline_access, full',
        CreatedDate: second(2 * DAY),
      },
      {
        Action: 'insertConnectedApplication',
        Section: 'Connected Apps',
        Display: 'Created connected app Lead Exporter Pro with OAuth scopes: Full access (full)',
        CreatedDate: second(DAY),
      },
      {
        Action: 'PermSetGroupAssign',
        Section: 'Manage Users',
        Display: 'Permission set group Sales Bundle: assigned to user marketer@acme-shop.example',
        CreatedDate: second(15 * MINUTE),
        DelegateUser: 'support.agent@partner.example',
      },
      // Older than the 180 days the org keeps: not read.
      { Action: 'changedApexClass', Section: 'Apex Class', Display: 'Changed Apex class Ancient', CreatedDate: second(181 * DAY) },
      // Newer than the settle time: left for the next read.
      { Action: 'changedApexClass', Section: 'Apex Class', Display: 'Changed Apex class Fresh', CreatedDate: second(0) },
    ].map((r) => ({ CreatedById: ADMIN, ...r }));
    const ids = await seed('SetupAuditTrail', rows);
    seeded = rows.map((r, i) => ({ id: ids[i] as string, Action: r.Action, Display: r.Display }));
  });
  afterAll(async () => org.close());

  const inWindow = () => seeded.filter((r) => !/Ancient|Fresh/.test(r.Display));
  const expectedIds = () =>
    inWindow()
      .filter((r) => !ASSIGNMENT_ACTIONS.some((a) => a.toLowerCase() === r.Action.toLowerCase()))
      .map((r) => collectedEventId(orgId, 'SetupAuditTrail', toId18(r.id)))
      .sort();

  describe.each(STORE_KINDS)('stored on %s', (kind) => {
    let testStore: TestStore;
    beforeAll(async () => {
      testStore = await openTestStore(kind);
    });
    afterAll(async () => testStore.dispose());

    it('turns each row into exactly one event across pages that split a second, and assignment rows into none', async () => {
      const deps = { store: testStore.store, classifier, owner: 'test', pageSize: 4 };
      const first = await runSource(deps, orgId, client, setupAuditTrailSource());
      expect(first).toMatchObject({ status: 'done', rows: inWindow().length, stored: expectedIds().length, duplicates: 0 });
      expect(first.pages).toBe(Math.ceil((inWindow().length + 1) / 4));
      const again = await runSource(deps, orgId, client, setupAuditTrailSource());
      expect(again).toMatchObject({ status: 'done', rows: 0, stored: 0 });
      const stored = await testStore.store.query<{ id: string }>(
        "SELECT event_id::text AS id FROM ingested_event WHERE org_id = $1 AND classified->'event'->'details'->>'source' = 'SetupAuditTrail' ORDER BY 1",
        [orgId],
      );
      expect(stored.map((r) => r.id)).toEqual(expectedIds());
    });
  });

  it('names the actor from User, and opens Contact to all internal users in a way the detector flags', async () => {
    const events = await readAll();
    expect(events.map((e) => e.id).sort()).toEqual(expectedIds());
    expect(events.every((e) => eventProblems(e) === null)).toBe(true);
    const sharing = events.find((e) => e.kind === 'sharing') as LeakEvent;
    expect(sharing).toMatchObject({
      object: 'Contact',
      actor: { userId: ADMIN, username: 'admin@acme-shop.example', isIntegration: false },
      details: {
        source: 'SetupAuditTrail',
        section: 'Sharing Rules',
        action: 'createdCriteriaSharingRule',
        object: 'Contact',
        sharedWith: 'AllInternalUsers',
        accessLevel: 'Edit',
        rule: 'All_Contacts',
        ruleType: 'criteria',
      },
    });
    const verdict = await createDetector().score({ orgId, event: sharing, findings: [] });
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['sharing_opened_pii']);
    expect(verdict?.reasons[0]?.message).toBe('admin@acme-shop.example opened Contact, an object holding personal data, to AllInternalUsers with Edit access.');
  });

  it('learns a connected app during warm-up, then flags its new scopes and a new app', async () => {
    const oauth = (await readAll()).filter((e) => e.kind === 'oauth').sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    expect(oauth.map((e) => e.details?.['connectedAppId'])).toEqual([SHOPSYNC_APP, SHOPSYNC_APP, 'app:Lead Exporter Pro']);
    const detector = createDetector();
    const verdicts = [];
    for (const event of oauth) verdicts.push(detector.scoreOpen({ orgId, event, findings: [] }));
    expect(verdicts[0]).toBeNull();
    expect(verdicts[1]?.reasons.map((r) => r.code)).toEqual(['new_oauth_scopes', 'broad_oauth_scopes']);
    expect(verdicts[1]?.reasons[0]?.message).toBe('Connected app ShopSync was given scopes full by admin@acme-shop.example.');
    expect(verdicts[2]?.reasons.map((r) => r.code)).toEqual(['new_connected_app', 'broad_oauth_scopes']);
  });
});
