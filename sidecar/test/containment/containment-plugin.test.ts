import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { createOrgClient } from '../../src/writeback/index.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import { VALID_ENV } from '../api/config-env.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1a';

describe('the enforcement interval in the configuration (LEAKWATCH_ENFORCE_MS)', () => {
  it('polls every 30 seconds by default and takes another interval', () => {
    expect(loadConfig(VALID_ENV).containment).toEqual({ everyMs: 30_000 });
    expect(loadConfig({ ...VALID_ENV, LEAKWATCH_ENFORCE_MS: '5000' }).containment).toEqual({ everyMs: 5_000 });
  });

  it('refuses an interval below a second or above a day, naming the variable', () => {
    expect(() => loadConfig({ ...VALID_ENV, LEAKWATCH_ENFORCE_MS: '999' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...VALID_ENV, LEAKWATCH_ENFORCE_MS: '86400001' })).toThrow(/LEAKWATCH_ENFORCE_MS/);
    expect(() => loadConfig({ ...VALID_ENV, LEAKWATCH_ENFORCE_MS: 'soon' })).toThrow(/LEAKWATCH_ENFORCE_MS/);
  });
});

describe('the app carrying out review decisions on its interval (plugins/containment.ts)', () => {
  let org: OrgEmulator;
  let test: TestStore;
  beforeAll(async () => {
    org = await startOrgEmulator({ port: 0, pubsub: false, assignPermissionSets: true });
    test = await openTestStore('pglite');
  });
  afterAll(async () => {
    await org.close();
    await test.dispose();
  });

  it('removes a rejected assignment without being asked, and counts the outcome and the time to containment', async () => {
    const client = createOrgClient({ loginUrl: org.url, clientId: org.connectedApp.clientId, username: org.identity.username, privateKey: org.connectedApp.privateKey as string });
    const [setId] = org.seed('PermissionSet', [{ Name: 'Export', Label: 'Export', PermissionsModifyAllData: true }]);
    const [userId] = org.seed('User', [{ Username: 'assignee@acme-shop.example', LastName: 'Assignee', IsActive: true }]);
    const [assignmentId] = org.seed('PermissionSetAssignment', [{ AssigneeId: userId, PermissionSetId: setId }]);
    const { app } = await buildTestApp(test.store, { containment: { orgIds: [ORG], clientFor: (orgId) => (orgId === ORG ? client : undefined), everyMs: 100 } });
    try {
      org.seed('PermissionReview__c', [
        { ReviewKey__c: 'review-plugin', Status__c: 'Rejected', AssignmentId__c: assignmentId, AssigneeId__c: userId, DecidedAt__c: new Date().toISOString(), EnforcementStatus__c: 'Queued' },
      ]);
      await eventually(() => org.records('PermissionReview__c')[0]?.EnforcementStatus__c === 'Done');
      expect(org.records('PermissionSetAssignment').some((a) => a.Id === assignmentId)).toBe(false);
      // The outcome is counted once the poll has its answer, a moment after the org shows it.
      await eventually(async () => /leakwatch_org_sync_runs_total\{task="enforce",result="ok"\} [1-9]/.test(await app.metrics.registry.metrics()));
      const metrics = await app.metrics.registry.metrics();
      expect(metrics).toMatch(/leakwatch_review_enforcements_total\{action="remove",outcome="Done"\} 1/);
      expect(metrics).toMatch(/leakwatch_time_to_containment_seconds_count\{action="remove"\} 1/);
      expect(metrics).toMatch(/leakwatch_org_sync_runs_total\{task="enforce",result="ok"\} [1-9]/);
      // Containment ran beside it, with nothing to contain.
      expect(metrics).toMatch(/leakwatch_org_sync_runs_total\{task="contain",result="ok"\} [1-9]/);
      expect(await app.containNow(ORG)).toEqual({ proposed: 0, outcomes: [], problems: [], unwritten: [] });
      // Asked at once: nothing left to do.
      expect(await app.enforceReviewsNow(ORG)).toEqual({ outcomes: [], deferred: 0, unrecorded: [] });
      expect(await app.enforceReviewsNow('00D000000000001')).toBeUndefined();
    } finally {
      await app.close();
    }
  });
});
