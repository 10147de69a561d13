import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { createOrgClient } from '../../src/writeback/index.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import { AUTH } from '../api/envelopes.js';
import { orgKey } from '../../src/contract/salesforce-id.js';
import { incidentState, insertIncident } from '../incidents/incident-state.js';
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
    const client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey as string,
    });
    const [setId] = org.seed('PermissionSet', [{ Name: 'Export', Label: 'Export', PermissionsModifyAllData: true }]);
    const [userId] = org.seed('User', [{ Username: 'assignee@acme-shop.example', LastName: 'Assignee', IsActive: true }]);
    const [assignmentId] = org.seed('PermissionSetAssignment', [{ AssigneeId: userId, PermissionSetId: setId }]);
    const { app } = await buildTestApp(test.store, {
      containment: { orgIds: [ORG], clientFor: (orgId) => (orgId === ORG ? client : undefined), everyMs: 100 },
    });
    try {
      org.seed('PermissionReview__c', [
        {
          ReviewKey__c: 'review-plugin',
          Status__c: 'Rejected',
          AssignmentId__c: assignmentId,
          AssigneeId__c: userId,
          DecidedAt__c: new Date().toISOString(),
          EnforcementStatus__c: 'Queued',
        },
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

  it('blocks an AI destination in its own egress guard once a reviewer approves, and allows it again on undo', async () => {
    const client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey as string,
    });
    // No interval here (orgIds empty): the test runs containment itself, when it wants to.
    const { app } = await buildTestApp(test.store, {
      containment: { orgIds: [], clientFor: (orgId) => (orgId === ORG ? client : undefined), everyMs: 3_600_000 },
    });
    const inspect = async () =>
      (
        await app.inject({
          method: 'POST',
          url: '/v1/egress/inspect',
          headers: AUTH,
          payload: {
            destination: { url: 'https://ai-notes.example/v1/chat', method: 'POST' },
            contentType: 'application/json',
            body: JSON.stringify({ text: 'Order status summary' }),
          },
        })
      ).json() as { decision: string; reasons: Array<{ code: string }> };
    try {
      expect((await inspect()).decision).toBe('allow');
      // The traces showed Contacts going to an AI service outside the allowed regions.
      const state = incidentState({
        key: 'e9a1e2f4-5b6d-4e7f-8a9b-0c1d2e3f4a5b',
        orgId: orgKey(ORG),
        openedAt: new Date().toISOString(),
        verdicts: [
          {
            eventId: 'e9a1e2f4-0000-4000-8000-000000000001',
            severity: 'High',
            riskScore: 70,
            codes: ['pii_to_ai_outside_region'],
            occurredAt: new Date().toISOString(),
            detectedAt: new Date().toISOString(),
            summary: 'shop-middleware sent Contact data to the AI service ai-notes.example in an unknown region.',
            actorId: '005000000000000AAA',
            actorName: '005000000000000AAA',
            destinationHost: 'ai-notes.example',
          },
        ],
      });
      await insertIncident(test.store, state);
      org.seed('Incident__c', [{ IncidentKey__c: state.key, Status__c: 'Triage', Severity__c: 'High', DetectedAt__c: state.openedAt }]);
      const first = await app.containNow(ORG);
      expect(first).toMatchObject({ proposed: 1 });
      const [proposed] = org.records('ContainmentAction__c').filter((a) => a.IncidentKey__c === state.key);
      expect(proposed).toMatchObject({
        Action__c: 'BlockEgressDestination',
        Status__c: 'Proposed',
        TargetLabel__c: 'ai-notes.example',
        Playbook__c: 'PersonalDataToAiAbroad',
      });
      expect((await inspect()).decision).toBe('allow');

      await client.update('ContainmentAction__c', proposed?.Id as string, { Status__c: 'Approved', DecidedAt__c: new Date().toISOString() });
      const run = await app.containNow(ORG);
      expect(run?.outcomes.map((o) => `${o.action} ${o.status}`)).toEqual(['BlockEgressDestination Done']);
      const blocked = await inspect();
      expect(blocked.decision).toBe('block');
      // Blocked for 72 hours from detection (the playbook's duration), or until an admin undoes it.
      const [done] = org.records('ContainmentAction__c').filter((a) => a.IncidentKey__c === state.key);
      expect(done).toMatchObject({ Status__c: 'Done', Outcome__c: "egress to ai-notes.example blocked by the sidecar's guard" });
      expect(Date.parse(String(done?.ExpiresAt__c).replace('+0000', 'Z')) - Date.parse(state.openedAt)).toBe(72 * 3_600_000);

      await client.update('ContainmentAction__c', done?.Id as string, { Status__c: 'UndoRequested' });
      expect((await app.containNow(ORG))?.outcomes.map((o) => `${o.action} ${o.step} ${o.status}`)).toEqual(['BlockEgressDestination undo Undone']);
      expect((await inspect()).decision).toBe('allow');
    } finally {
      await app.close();
    }
  });
});
