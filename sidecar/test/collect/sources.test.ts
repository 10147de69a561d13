import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { runSource } from '../../src/collect/run-source.js';
import { loginHistorySource, oauthTokenSource, permissionAssignmentSource, ASSIGN_ACTIONS } from '../../src/collect/sources/index.js';
import type { LeakEvent } from '../../src/contract/event.js';
import { createDetector, DEFAULT_DETECTION_CONFIG } from '../../src/detect/index.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { formatDateTime } from '../../src/emulator/validate.js';
import { eventProblems } from '../../src/ingest/event-validator.js';
import type { Store } from '../../src/store/store.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { readOnce } from './read-source.js';

const MINUTE = 60_000;
const ago = (ms: number) => formatDateTime(new Date(Math.floor((Date.now() - ms) / 1_000) * 1_000));
const classifier = createClassifier({ salt: 'collect-sources-salt-01' });

const ADMIN = '0055g00000AdMiNAAV';
const MARKETER = '0055g00000MaRkTAAN';
const SHOPSYNC = '0055g00000ShOpSAAV';
const INTEGRATION_PROFILE = '00e5g000000IntGAAC';
const MARKETING_SET = '0PS5g0000000MktAAC';
const PROFILE_SET = '0PS5g0000000PrfAAC';

describe('sources read from the org emulator', () => {
  let org: OrgEmulator;
  let client: OrgClient;
  let testStore: TestStore;
  let store: Store;
  let orgId: string;

  beforeAll(async () => {
    // Its integration user has Customize Application, so it sees every user's OAuth tokens.
    org = await startOrgEmulator({ port: 0, queryBatchSize: 500, customizeApplication: true });
    orgId = org.identity.orgId;
    client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
    testStore = await openTestStore('pglite');
    store = testStore.store;
    org.seed('Profile', [{ Id: INTEGRATION_PROFILE, Name: 'Minimum Access - API Only Integrations' }]);
    org.seed('User', [
      { Id: ADMIN, Username: 'admin@acme-shop.example', LastName: 'Admin', IsActive: true },
      { Id: MARKETER, Username: 'marketer@acme-shop.example', LastName: 'Marketer', IsActive: true },
      { Id: SHOPSYNC, Username: 'shopsync@acme-shop.example', LastName: 'ShopSync', ProfileId: INTEGRATION_PROFILE, IsActive: true },
    ]);
  });
  afterAll(async () => {
    await org.close();
    await testStore.dispose();
  });

  it('turns every LoginHistory row into one login event, across pages of rows that share a second', async () => {
    const rows = Array.from({ length: 1_500 }, (_, i) => ({
      UserId: i % 3 === 0 ? SHOPSYNC : MARKETER,
      LoginTime: ago(10 * MINUTE - Math.floor(i / 600) * 1_000),
      LoginType: i === 9 ? 'Application' : 'Remote Access 2.0',
      SourceIp: '203.0.113.10',
      Status: i % 50 === 0 ? 'Invalid Password' : 'Success',
      Application: 'ShopSync',
      Browser: 'Unknown',
      Platform: 'Unknown',
      CountryIso: 'DE',
    }));
    const ids = org.seed('LoginHistory', rows);
    const deps = { store, classifier, owner: 'test', pageSize: 400 };
    const first = await runSource(deps, orgId, client, loginHistorySource());
    expect(first).toMatchObject({ status: 'done', rows: 1_500, stored: 1_500 });
    expect(first.pages).toBe(4);
    const again = await runSource(deps, orgId, client, loginHistorySource());
    expect(again).toMatchObject({ status: 'done', rows: 0, stored: 0 });
    const [stored] = await store.query<{ n: string }>("SELECT count(*) AS n FROM ingested_event WHERE kind = 'login'");
    expect(Number(stored?.n)).toBe(1_500);

    const page = await readOnce(loginHistorySource(), client, orgId);
    const interactive = page.events.find((e) => e.details?.['loginType'] === 'Application') as LeakEvent;
    expect(interactive.actor).toMatchObject({ userId: SHOPSYNC, username: 'shopsync@acme-shop.example', isIntegration: true });
    expect(interactive.details).toMatchObject({ source: 'LoginHistory', sourceIp: '203.0.113.10', country: 'DE', success: true });
    expect(page.events.every((e) => eventProblems(e) === null)).toBe(true);
    expect(ids).toHaveLength(1_500);
    const verdict = await createDetector().score({ orgId, event: interactive, findings: [] });
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['integration_interactive']);
  });

  it('reads permission set assignments with their permissions and the assigner from the audit trail', async () => {
    const at = ago(30 * MINUTE);
    org.seed('PermissionSet', [
      { Id: MARKETING_SET, Name: 'Marketing_Power', Label: 'Marketing Power', PermissionsModifyAllData: true, PermissionsExportReport: true, Type: 'Regular' },
      { Id: PROFILE_SET, Name: 'X00ex00000018ozh_128_09_04_12_1', Label: 'System Administrator', IsOwnedByProfile: true, PermissionsModifyAllData: true },
    ]);
    org.seed('ObjectPermissions', [
      { ParentId: MARKETING_SET, SobjectType: 'Contact', PermissionsRead: true, PermissionsViewAllRecords: true, PermissionsModifyAllRecords: true },
    ]);
    const [byAdmin, unlogged] = org.seed('PermissionSetAssignment', [
      { AssigneeId: MARKETER, PermissionSetId: MARKETING_SET, IsActive: true, SystemModstamp: at },
      { AssigneeId: SHOPSYNC, PermissionSetId: MARKETING_SET, IsActive: true, SystemModstamp: ago(20 * MINUTE) },
      { AssigneeId: ADMIN, PermissionSetId: PROFILE_SET, IsActive: true, SystemModstamp: at },
    ]);
    org.seed('SetupAuditTrail', [
      {
        Action: 'PermSetAssign',
        Section: 'Manage Users',
        Display: 'Permission set Marketing Power: assigned to user marketer@acme-shop.example',
        CreatedById: ADMIN,
        CreatedDate: at,
      },
      {
        Action: 'PermSetAssign',
        Section: 'Manage Users',
        Display: 'Permission set Support Basics: assigned to user shopsync@acme-shop.example',
        CreatedById: MARKETER,
        CreatedDate: ago(20 * MINUTE),
      },
    ]);
    const source = permissionAssignmentSource({ permissions: DEFAULT_DETECTION_CONFIG.criticalPermissions, assignActions: ASSIGN_ACTIONS });
    const page = await readOnce(source, client, orgId);
    expect(page.rows).toBe(3);
    expect(page.events).toHaveLength(2);
    const assigned = page.events.find((e) => e.recordIds?.[0] === byAdmin) as LeakEvent;
    expect(assigned.actor).toMatchObject({ userId: ADMIN, username: 'admin@acme-shop.example' });
    expect(assigned.details).toMatchObject({
      permissionSetName: 'Marketing Power',
      assigneeId: MARKETER,
      assigneeUsername: 'marketer@acme-shop.example',
      assignedById: ADMIN,
      assignerKnown: true,
      permissions: ['ModifyAllData', 'ExportReport'],
      objectPermissions: [{ object: 'Contact', viewAll: true, modifyAll: true }],
    });
    const orphan = page.events.find((e) => e.recordIds?.[0] === unlogged) as LeakEvent;
    expect(orphan.details).toMatchObject({ assignerKnown: false });
    expect(orphan.details?.['assignedById']).toBeUndefined();

    const detector = createDetector();
    const verdict = await detector.score({ orgId, event: assigned, findings: [] });
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['critical_permission', 'pii_object_modify_all']);
    expect(verdict?.permissionReview).toMatchObject({ assignedById: ADMIN, assigneeId: MARKETER });
    const orphanVerdict = await detector.score({ orgId, event: orphan, findings: [] });
    expect(orphanVerdict?.reasons.map((r) => r.code)).not.toContain('self_assigned_permission');
  });

  it('reports OAuth tokens that appear, act again and disappear, once each', async () => {
    org.seed('ConnectedApplication', [{ Id: '0H45g000000AiMkAAC', Name: 'MailBlast AI' }]);
    const [token] = org.seed('OauthToken', [
      { AppName: 'MailBlast AI', UserId: MARKETER, CreatedDate: ago(40 * 86_400_000), LastUsedDate: ago(35 * 86_400_000), UseCount: 3 },
      { AppName: 'Data Loader', UserId: SHOPSYNC, CreatedDate: ago(3 * 86_400_000), LastUsedDate: ago(MINUTE), UseCount: 900 },
    ]);
    const deps = { store, classifier, owner: 'test' };
    const kinds = async () =>
      (await store.query<{ op: string }>("SELECT classified->'event'->>'operation' AS op FROM ingested_event WHERE kind = 'oauth' ORDER BY 1")).map(
        (r) => r.op,
      );
    expect(await runSource(deps, orgId, client, oauthTokenSource())).toMatchObject({ status: 'done', rows: 2, stored: 2 });
    expect(await runSource(deps, orgId, client, oauthTokenSource())).toMatchObject({ stored: 0 });
    org.seed('OauthToken', [{ Id: token, LastUsedDate: ago(0), UseCount: 4 }]);
    expect(await runSource(deps, orgId, client, oauthTokenSource())).toMatchObject({ stored: 1 });
    expect(await kinds()).toEqual(['authorize', 'authorize', 'login']);
    const [woke] = await store.query<{ e: LeakEvent }>(
      "SELECT classified->'event' AS e FROM ingested_event WHERE kind = 'oauth' AND classified->'event'->>'operation' = 'login'",
    );
    expect(woke?.e.actor).toMatchObject({ userId: MARKETER, connectedAppId: '0H45g000000AiMkAAC' });
  });
});
