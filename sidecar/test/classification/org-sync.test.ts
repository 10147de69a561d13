import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_EGRESS_POLICY } from '../../src/egress/policy.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { orgKey } from '../../src/contract/salesforce-id.js';
import { upsertFlows } from '../../src/otlp/flow-records.js';
import { createOrgClient } from '../../src/writeback/index.js';
import { buildTestApp, eventually } from '../api/build-test-app.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1a';

describe('the app keeping a connected org in step (plugins/org-sync.ts)', () => {
  let org: OrgEmulator;
  let test: TestStore;
  beforeAll(async () => {
    org = await startOrgEmulator({ port: 0, pubsub: false, modifyMetadata: true, customizeApplication: true });
    test = await openTestStore('pglite');
  });
  afterAll(async () => {
    await org.close();
    await test.dispose();
  });

  it('publishes flows, refreshes suggestions and applies approved ones on their intervals', async () => {
    const client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey as string,
    });
    const now = Date.now();
    // Stored under the 18-character key, as POST /v1/traces stores them; the settings name the org by 15.
    await upsertFlows(test.store, orgKey(ORG), [
      {
        source: 'shop',
        destination: 'api.example.com',
        day: new Date(now).toISOString().slice(0, 10),
        objects: new Set(['Contact']),
        fields: new Set(),
        spans: 3,
        bytes: 0,
        firstMs: now,
        lastMs: now,
        orgApi: false,
      },
    ]);
    org.seed('PiiFinding__c', [{ FindingKey__c: 'f-1', ObjectName__c: 'Contact', FieldName__c: 'Email', EntityType__c: 'EMAIL_ADDRESS' }]);
    const { app } = await buildTestApp(test.store, {
      egress: { policyFor: () => DEFAULT_EGRESS_POLICY, hashSalt: 'test-salt-0123456789' },
      orgSync: { orgIds: [ORG], clientFor: () => client, flowsEveryMs: 100, suggestEveryMs: 100, applyEveryMs: 100 },
    });
    try {
      await eventually(() => org.records('DataFlow__c').length === 1 && org.records('FieldClassification__c').length === 1);
      const [suggestion] = org.records('FieldClassification__c');
      org.seed('FieldClassification__c', [{ Id: suggestion?.Id, Status__c: 'Approved' }]);
      await eventually(() => org.records('FieldClassification__c')[0]?.Status__c === 'Applied');
      // The counters follow once the poll that wrote the outcome returns.
      await eventually(async () =>
        /leakwatch_classifications_applied_total\{outcome="applied"\} 1/.test((await app.inject({ method: 'GET', url: '/metrics' })).body),
      );
      const metrics = await app.inject({ method: 'GET', url: '/metrics' });
      expect(metrics.body).toMatch(/leakwatch_data_flow_records_total\{outcome="sent"\} 1/);
    } finally {
      await app.close();
    }
  });
});
