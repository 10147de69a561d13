import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { containIncidents, type ContainmentCache } from '../../src/containment/contain-incidents.js';
import { toId18 } from '../../src/contract/salesforce-id.js';
import type { IncidentState, IncidentVerdict } from '../../src/incidents/correlate.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import type { StoreKind } from '../../src/store/store.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { incidentState, insertIncident } from '../incidents/incident-state.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

let n = 0;
const uuid = () => `c0a1e2f4-5b6d-4e7f-8a9b-${String(++n).padStart(12, '0')}`;

const verdict = (actorId: string, overrides: Partial<IncidentVerdict> = {}): IncidentVerdict => ({
  eventId: uuid(),
  severity: 'Critical',
  riskScore: 95,
  codes: ['canary_touched'],
  occurredAt: new Date(Date.now() - 60_000).toISOString(),
  detectedAt: new Date(Date.now() - 30_000).toISOString(),
  summary: 'A canary record was read.',
  actorId,
  actorName: 'u•••@•••.example',
  ...overrides,
});

interface Setup {
  org: OrgEmulator;
  client: OrgClient;
}

describe.each(STORE_KINDS as StoreKind[])('containing incidents under playbooks, on %s', (kind) => {
  let test: TestStore;
  const orgs: OrgEmulator[] = [];
  let orgCount = 0;
  beforeAll(async () => {
    test = await openTestStore(kind);
  });
  afterAll(async () => {
    await test.dispose();
  });
  afterEach(async () => {
    await Promise.all(orgs.splice(0).map((o) => o.close()));
  });

  /** An org whose integration user holds Manage Users, Customize Application, Manage Sharing and the Metadata API through a permission set, unless `permitted` is false. */
  const start = async ({ permitted = true } = {}): Promise<Setup> => {
    // Each test its own org: the store is shared by the file's tests.
    const org = await startOrgEmulator({ port: 0, pubsub: false, orgId: toId18(`00D5g0000${String(++orgCount).padStart(6, '0')}`) });
    orgs.push(org);
    const client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey as string,
    });
    if (permitted) {
      const [setId] = org.seed('PermissionSet', [
        {
          Name: 'LeakwatchContainment',
          Label: 'Leakwatch containment',
          PermissionsManageUsers: true,
          PermissionsCustomizeApplication: true,
          PermissionsModifyMetadata: true,
          PermissionsManageSharing: true,
        },
      ]);
      org.seed('PermissionSetAssignment', [{ AssigneeId: org.identity.userId, PermissionSetId: setId }]);
    }
    return { org, client };
  };

  /** A user with a login, two open sessions and an OAuth token of one app, as the org holds them. */
  const plantUser = (org: OrgEmulator, username: string): string => {
    const [userId] = org.seed('User', [{ Username: username, LastName: 'Doe', IsActive: true }]);
    org.seed('AuthSession', [
      { UsersId: userId, SessionType: 'API', LoginType: 'Application', NumSecondsValid: 7200, SourceIp: '198.51.100.7' },
      { UsersId: userId, SessionType: 'UI', LoginType: 'Application', NumSecondsValid: 7200, SourceIp: '198.51.100.7' },
    ]);
    org.seed('OauthToken', [{ UserId: userId, AppName: 'Shop Sync', DeleteToken: `delete-${username}`, AccessToken: `access-${username}`, UseCount: 4 }]);
    return userId as string;
  };

  const plantIncident = async (org: OrgEmulator, verdicts: IncidentVerdict[], overrides: Partial<IncidentState> = {}): Promise<IncidentState> => {
    const state = incidentState({
      key: uuid(),
      orgId: org.identity.orgId,
      openedAt: new Date(Date.now() - 30_000).toISOString(),
      canary: true,
      actors: verdicts.map((v) => v.actorId),
      verdicts,
      ...overrides,
    });
    await insertIncident(test.store, state);
    org.seed('Incident__c', [{ IncidentKey__c: state.key, Status__c: 'Triage', Severity__c: 'Critical', DetectedAt__c: state.openedAt }]);
    return state;
  };

  const frozen = (org: OrgEmulator, userId: string) => org.records('UserLogin').find((l) => l.UserId === userId)?.IsFrozen;
  const actions = (org: OrgEmulator, incidentKey: string) => org.records('ContainmentAction__c').filter((a) => a.IncidentKey__c === incidentKey);

  it('freezes an integration user that read a canary at once, ends its sessions and revokes its tokens, and records the time to containment', async () => {
    const { org, client } = await start();
    const thief = plantUser(org, 'shop-sync@acme-shop.example');
    const bystander = plantUser(org, 'agent@acme-shop.example');
    const incident = await plantIncident(org, [verdict(thief, { integration: true })]);
    const cache: ContainmentCache = {};

    const run = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(run.problems).toEqual([]);
    expect(run.unwritten).toEqual([]);
    expect(run.outcomes.map((o) => `${o.action} ${o.status}`).sort()).toEqual(['EndSessions Done', 'FreezeUser Done', 'RevokeOAuthTokens Done']);

    // The org: the thief is frozen, without sessions or tokens; the bystander keeps theirs.
    expect(frozen(org, thief)).toBe(true);
    expect(frozen(org, bystander)).not.toBe(true);
    expect(org.records('AuthSession').map((s) => s.UsersId)).toEqual([bystander, bystander]);
    expect(org.records('OauthToken').map((t) => t.UserId)).toEqual([bystander]);

    // Every action is on record, Done, with its outcome and time to containment; so is the incident's.
    const recorded = actions(org, incident.key);
    expect(recorded.map((a) => [a.Action__c, a.Status__c, a.Mode__c, a.Playbook__c]).sort()).toEqual([
      ['EndSessions', 'Done', 'Automatic', 'CanaryIntegrationUser'],
      ['FreezeUser', 'Done', 'Automatic', 'CanaryIntegrationUser'],
      ['RevokeOAuthTokens', 'Done', 'Automatic', 'CanaryIntegrationUser'],
    ]);
    expect(Object.fromEntries(recorded.map((a) => [a.Action__c, a.Outcome__c]))).toEqual({
      FreezeUser: 'frozen',
      EndSessions: '2 of 2 sessions ended',
      RevokeOAuthTokens: '1 of 1 OAuth tokens revoked (Shop Sync)',
    });
    for (const a of recorded) {
      expect(a.TargetId__c).toBe(thief);
      expect(Number(a.TimeToContainmentSeconds__c)).toBeGreaterThanOrEqual(29);
      expect(Number(a.TimeToContainmentSeconds__c)).toBeLessThan(120);
    }
    const [record] = org.records('Incident__c').filter((i) => i.IncidentKey__c === incident.key);
    expect(record?.ContainedAt__c).toBeTruthy();
    expect(Number(record?.TimeToContainmentSeconds__c)).toBeGreaterThanOrEqual(29);
    expect(run.outcomes.every((o) => (o.containedMs ?? 0) >= 29_000)).toBe(true);

    // Run again, and with a new revision of the incident: nothing is proposed or done twice.
    await test.store.query('UPDATE incident SET revision = 2 WHERE org_id = $1 AND incident_key = $2::uuid', [org.identity.orgId, incident.key]);
    const again = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(again).toEqual({ proposed: 0, outcomes: [], problems: [], unwritten: [] });
    expect(actions(org, incident.key)).toHaveLength(3);
  });

  it("proposes a person's containment, carries it out once approved in the org, and undoes the freeze when asked", async () => {
    const { org, client } = await start();
    const person = plantUser(org, 'marketer@acme-shop.example');
    const incident = await plantIncident(org, [verdict(person)]);
    const cache: ContainmentCache = {};

    const first = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(first.proposed).toBe(2);
    expect(first.outcomes).toEqual([]);
    expect(frozen(org, person)).not.toBe(true);
    const proposed = actions(org, incident.key);
    expect(proposed.map((a) => `${a.Action__c} ${a.Status__c} ${a.Mode__c}`).sort()).toEqual([
      'EndSessions Proposed AfterApproval',
      'FreezeUser Proposed AfterApproval',
    ]);
    expect(proposed[0]?.IncidentActors__c).toBe(person.slice(0, 15));

    // A reviewer approves the freeze and declines ending the sessions (ContainmentController.decide).
    const freeze = proposed.find((a) => a.Action__c === 'FreezeUser')!;
    const sessions = proposed.find((a) => a.Action__c === 'EndSessions')!;
    await client.update('ContainmentAction__c', freeze.Id as string, { Status__c: 'Approved', DecidedAt__c: new Date().toISOString() });
    await client.update('ContainmentAction__c', sessions.Id as string, { Status__c: 'Declined', DecidedAt__c: new Date().toISOString() });
    const second = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(second.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['FreezeUser carry-out Done']);
    expect(frozen(org, person)).toBe(true);
    expect(org.records('AuthSession').filter((s) => s.UsersId === person)).toHaveLength(2);
    const done = actions(org, incident.key).find((a) => a.Action__c === 'FreezeUser')!;
    expect(done.Status__c).toBe('Done');
    expect(JSON.parse(String(done.PriorState__c))).toMatchObject({ wasFrozen: false });
    expect(actions(org, incident.key).find((a) => a.Action__c === 'EndSessions')?.Status__c).toBe('Declined');

    // An admin asks for the undo (ContainmentController.undo): the user is unfrozen.
    await client.update('ContainmentAction__c', freeze.Id as string, { Status__c: 'UndoRequested' });
    const third = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(third.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['FreezeUser undo Undone']);
    expect(frozen(org, person)).toBe(false);
    const undone = actions(org, incident.key).find((a) => a.Action__c === 'FreezeUser')!;
    expect(undone).toMatchObject({ Status__c: 'Undone', Outcome__c: 'unfrozen' });
    expect(undone.UndoneAt__c).toBeTruthy();
  });

  it('never reports Done without the permissions: Failed with the reason, and the access stays', async () => {
    const { org, client } = await start({ permitted: false });
    const thief = plantUser(org, 'shop-sync-2@acme-shop.example');
    const incident = await plantIncident(org, [verdict(thief, { integration: true })]);

    const run = await containIncidents(test.store, org.identity.orgId, client, { maxAttempts: 1 });
    expect(run.outcomes.map((o) => `${o.action} ${o.status}`).sort()).toEqual(['EndSessions Failed', 'FreezeUser Failed', 'RevokeOAuthTokens Failed']);
    expect(frozen(org, thief)).not.toBe(true);
    expect(org.records('AuthSession').filter((s) => s.UsersId === thief)).toHaveLength(2);
    expect(org.records('OauthToken').filter((t) => t.UserId === thief)).toHaveLength(1);
    const outcomes = Object.fromEntries(actions(org, incident.key).map((a) => [a.Action__c, `${a.Status__c}: ${a.Outcome__c}`]));
    expect(outcomes.FreezeUser).toMatch(/^Failed: .*Manage Users/);
    expect(outcomes.EndSessions).toMatch(/^Failed: .*Manage Users/);
    expect(outcomes.RevokeOAuthTokens).toMatch(/^Failed: INSUFFICIENT_ACCESS: .*Customize Application/);
    expect(org.records('Incident__c').find((i) => i.IncidentKey__c === incident.key)?.ContainedAt__c ?? null).toBeNull();
  });

  it('leaves a user frozen before containment frozen on undo, and lifts a temporary freeze at its expiry', async () => {
    const { org, client } = await start();
    const already = plantUser(org, 'frozen@acme-shop.example');
    const login = org.records('UserLogin').find((l) => l.UserId === already)!;
    await client.update('UserLogin', login.Id as string, { IsFrozen: true });
    const temporary = plantUser(org, 'temp@acme-shop.example');
    // A subscriber's own playbook: integration users reading canaries are frozen for one hour.
    org.seed('ContainmentPlaybook__mdt', [
      {
        DeveloperName: 'CanaryIntegrationUser',
        MasterLabel: 'Canary read by an integration user',
        Rule__c: 'canary_touched',
        MinSeverity__c: 'Low',
        Actors__c: 'Integration',
        Mode__c: 'Automatic',
        Actions__c: 'FreezeUser',
        DurationHours__c: 1,
        IsEnabled__c: true,
      },
    ]);
    const a = await plantIncident(org, [verdict(already, { integration: true })]);
    const b = await plantIncident(org, [verdict(temporary, { integration: true })], { openedAt: new Date(Date.now() - 2 * 3_600_000).toISOString() });
    const cache: ContainmentCache = {};

    const run = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(run.outcomes.map((o) => `${o.incidentKey === a.key ? 'a' : 'b'} ${o.action} ${o.step} ${o.status}`).sort()).toEqual([
      'a FreezeUser carry-out Done',
      'b FreezeUser carry-out Done',
      'b FreezeUser expire Undone',
    ]);
    expect(actions(org, a.key)[0]).toMatchObject({ Status__c: 'Done', Outcome__c: 'already frozen' });
    expect(frozen(org, temporary)).toBe(false);
    expect(actions(org, b.key)[0]).toMatchObject({ Status__c: 'Undone', Outcome__c: 'lifted at expiry: unfrozen' });

    await client.update('ContainmentAction__c', actions(org, a.key)[0]!.Id as string, { Status__c: 'UndoRequested' });
    const undo = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(undo.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['FreezeUser undo Undone']);
    expect(frozen(org, already)).toBe(true);
  });

  it('sets an org-wide default that opened personal data back at once, opens it again on undo, and leaves one changed since alone', async () => {
    const { org, client } = await start();
    const admin = plantUser(org, 'admin@acme-shop.example');
    const opened = (object: string) =>
      verdict(admin, {
        codes: ['sharing_opened_pii'],
        severity: 'High',
        sharingChange: { object, scope: 'internal', from: 'Private', to: 'Public Read/Write' },
      });
    // The admin opened Contacts to every internal user (Setup, Sharing Settings).
    org.setOrgWideDefault('Contact', { sharingModel: 'ReadWrite', externalSharingModel: 'Private' });
    const incident = await plantIncident(org, [opened('Contact')], { canary: false });
    const cache: ContainmentCache = {};

    const run = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(run.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['RestoreOrgWideDefault carry-out Done']);
    expect(org.orgWideDefault('Contact')).toMatchObject({ sharingModel: 'Private', externalSharingModel: 'Private' });
    const [action] = actions(org, incident.key);
    expect(action).toMatchObject({
      Action__c: 'RestoreOrgWideDefault',
      Status__c: 'Done',
      Mode__c: 'Automatic',
      Playbook__c: 'SharingOpenedPersonalData',
      TargetId__c: null,
      TargetLabel__c: 'Contact (internal): Public Read/Write → Private',
      Outcome__c: 'Contact sharingModel set from ReadWrite to Private',
    });
    expect(JSON.parse(String(action?.PriorState__c))).toMatchObject({ field: 'sharingModel', before: 'ReadWrite', after: 'Private' });

    // A second reviewer agrees with the admin and asks for the undo: the default is opened again.
    await client.update('ContainmentAction__c', action?.Id as string, { Status__c: 'UndoRequested' });
    const undo = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(undo.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['RestoreOrgWideDefault undo Undone']);
    expect(org.orgWideDefault('Contact').sharingModel).toBe('ReadWrite');
    expect(actions(org, incident.key)[0]).toMatchObject({ Status__c: 'Undone' });

    // Leads were opened, then someone set them to Public Read Only before the sidecar came: left alone.
    org.setOrgWideDefault('Lead', { sharingModel: 'Read', externalSharingModel: 'Private' });
    const later = await plantIncident(org, [opened('Lead')], { canary: false });
    const second = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(second.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['RestoreOrgWideDefault carry-out NotPossible']);
    expect(org.orgWideDefault('Lead').sharingModel).toBe('Read');
    expect(String(actions(org, later.key)[0]?.Outcome__c)).toBe('CHANGED_SINCE: Lead sharingModel is Read now, not ReadWrite; left as it is');
  });

  it('deletes a sharing rule that opened personal data at once, creates it again as it was on undo, and never reports Done without Manage Sharing', async () => {
    const { org, client } = await start();
    const admin = plantUser(org, 'admin@acme-shop.example');
    // The admin shared every Contact owned by internal users with all internal users (Setup, Sharing Settings).
    const definition = {
      fullName: 'Contact.Open_Contacts',
      label: 'Open Contacts',
      accessLevel: 'Edit',
      sharedFrom: { allInternalUsers: '' },
      sharedTo: { allInternalUsers: '' },
    };
    org.createSharingRule('SharingOwnerRule', definition);
    // The audit trail named the rule but not its kind: the sidecar finds it under each kind in turn.
    const opened = verdict(admin, { codes: ['sharing_opened_pii'], severity: 'High', sharingRule: { object: 'Contact', rule: 'Open_Contacts' } });
    const incident = await plantIncident(org, [opened], { canary: false });
    const cache: ContainmentCache = {};

    const run = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(run.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['DeleteSharingRule carry-out Done']);
    expect(org.sharingRule('Contact.Open_Contacts')).toBeUndefined();
    const [action] = actions(org, incident.key);
    expect(action).toMatchObject({
      Action__c: 'DeleteSharingRule',
      Status__c: 'Done',
      Mode__c: 'Automatic',
      Playbook__c: 'SharingOpenedPersonalData',
      TargetId__c: null,
      TargetLabel__c: 'sharing rule Contact.Open_Contacts',
      Outcome__c: 'sharing rule Contact.Open_Contacts (SharingOwnerRule) deleted',
    });
    // The org's record names the rule and its type; the definition stays in the sidecar's store.
    expect(JSON.parse(String(action?.PriorState__c))).toEqual({ sharingRule: { object: 'Contact', rule: 'Open_Contacts' }, type: 'SharingOwnerRule' });

    // A second reviewer asks for the undo: the rule comes back as it was.
    await client.update('ContainmentAction__c', action?.Id as string, { Status__c: 'UndoRequested' });
    const undo = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(undo.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['DeleteSharingRule undo Undone']);
    expect(org.sharingRule('Contact.Open_Contacts')).toMatchObject({ type: 'SharingOwnerRule', ...definition });
    expect(actions(org, incident.key)[0]).toMatchObject({ Status__c: 'Undone', Outcome__c: 'sharing rule Contact.Open_Contacts created again as it was' });

    // A rule already deleted by someone else counts as contained.
    const gone = await plantIncident(
      org,
      [verdict(admin, { codes: ['sharing_opened_pii'], severity: 'High', sharingRule: { object: 'Lead', rule: 'Gone_Rule', ruleType: 'criteria' } })],
      { canary: false },
    );
    const third = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(third.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['DeleteSharingRule carry-out Done']);
    expect(actions(org, gone.key)[0]).toMatchObject({ Outcome__c: 'sharing rule Lead.Gone_Rule no longer exists' });
  });

  it('leaves a sharing rule in place and says why when the integration user lacks Manage Sharing', async () => {
    const org = await startOrgEmulator({ port: 0, pubsub: false, orgId: toId18(`00D5g0000${String(++orgCount).padStart(6, '0')}`), modifyMetadata: true });
    orgs.push(org);
    const client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey as string,
    });
    const admin = plantUser(org, 'admin@acme-shop.example');
    org.createSharingRule('SharingCriteriaRule', {
      fullName: 'Contact.All_Contacts',
      label: 'All Contacts',
      accessLevel: 'Read',
      sharedTo: { allInternalUsers: '' },
      criteriaItems: [{ field: 'LastName', operation: 'notEqual', value: '' }],
    });
    const incident = await plantIncident(
      org,
      [verdict(admin, { codes: ['sharing_opened_pii'], severity: 'High', sharingRule: { object: 'Contact', rule: 'All_Contacts', ruleType: 'criteria' } })],
      { canary: false },
    );

    const run = await containIncidents(test.store, org.identity.orgId, client, { maxAttempts: 1 });
    expect(run.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['DeleteSharingRule carry-out Failed']);
    expect(org.sharingRule('Contact.All_Contacts')).toBeDefined();
    expect(String(actions(org, incident.key)[0]?.Outcome__c)).toMatch(
      /^INSUFFICIENT_ACCESS: .*\(deleting SharingCriteriaRule Contact\.All_Contacts needs Manage Sharing\)$/,
    );
  });

  it('keeps what it did when the org refuses the record, and writes it once the incident is there', async () => {
    const { org, client } = await start();
    const thief = plantUser(org, 'shop-sync-3@acme-shop.example');
    const state = incidentState({
      key: uuid(),
      orgId: org.identity.orgId,
      openedAt: new Date(Date.now() - 10_000).toISOString(),
      canary: true,
      verdicts: [verdict(thief, { integration: true })],
    });
    await insertIncident(test.store, state);
    const cache: ContainmentCache = {};

    const run = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(run.outcomes.filter((o) => o.status === 'Done')).toHaveLength(3);
    expect(frozen(org, thief)).toBe(true);
    // The Incident__c is not in the org yet: the records that name it are refused, and kept.
    expect(run.unwritten).toHaveLength(3);
    expect(org.records('ContainmentAction__c').filter((a) => a.IncidentKey__c === state.key)).toEqual([]);

    org.seed('Incident__c', [{ IncidentKey__c: state.key, Status__c: 'Triage', Severity__c: 'Critical', DetectedAt__c: state.openedAt }]);
    const later = await containIncidents(test.store, org.identity.orgId, client, { cache });
    expect(later.outcomes).toEqual([]);
    expect(later.unwritten).toEqual([]);
    expect(actions(org, state.key).map((a) => a.Status__c)).toEqual(['Done', 'Done', 'Done']);
    expect(org.records('Incident__c').find((i) => i.IncidentKey__c === state.key)?.ContainedAt__c).toBeTruthy();
  });
});
