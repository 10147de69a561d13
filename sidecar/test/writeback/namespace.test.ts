import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { namespacer } from '../../src/writeback/namespace.js';

describe('namespacing custom names', () => {
  const names = namespacer('leakwatch');

  it('qualifies custom names only, once', () => {
    expect(names.qualify('LeakVerdict__c')).toBe('leakwatch__LeakVerdict__c');
    expect(names.qualify('LeakVerdict__r')).toBe('leakwatch__LeakVerdict__r');
    expect(names.qualify('leakwatch__LeakVerdict__c')).toBe('leakwatch__LeakVerdict__c');
    expect(names.qualify('Name')).toBe('Name');
    expect(names.unqualify('leakwatch__EventId__c')).toBe('EventId__c');
  });

  it('qualifies SOQL outside string literals', () => {
    expect(names.qualifySoql("SELECT Name, LeakVerdict__r.EventId__c FROM PiiFinding__c WHERE Detector__c = 'x__c'")).toBe(
      "SELECT Name, leakwatch__LeakVerdict__r.leakwatch__EventId__c FROM leakwatch__PiiFinding__c WHERE leakwatch__Detector__c = 'x__c'",
    );
  });
});

describe('writing into a subscriber org of the managed package', () => {
  let emulator: OrgEmulator;
  let client: OrgClient;

  beforeAll(async () => {
    emulator = await startOrgEmulator({ namespace: 'leakwatch' });
    client = createOrgClient({
      loginUrl: emulator.url,
      clientId: emulator.connectedApp.clientId,
      username: emulator.identity.username,
      privateKey: emulator.connectedApp.privateKey,
      namespace: 'leakwatch',
    });
  });
  afterAll(() => emulator.close());

  it('upserts and queries with unqualified names while the org holds qualified ones', async () => {
    const eventId = '0c6c1f5e-3b9a-4d2e-8f7a-1a2b3c4d5e6f';
    const [verdict] = await client.upsert('LeakVerdict__c', 'EventId__c', [{ EventId__c: eventId, Severity__c: 'High', ReasonSummary__c: 'x'.repeat(300) }]);
    expect(verdict).toMatchObject({ success: false, error: { code: 'STRING_TOO_LONG', fields: ['ReasonSummary__c'] } });
    await client.upsert('LeakVerdict__c', 'EventId__c', [{ EventId__c: eventId, Severity__c: 'High' }]);
    const [finding] = await client.upsert('PiiFinding__c', 'FindingKey__c', [
      { FindingKey__c: `${eventId}:-:Description:EMAIL_ADDRESS`, LeakVerdict__r: { EventId__c: eventId }, EntityType__c: 'EMAIL_ADDRESS' },
    ]);
    expect(finding?.success).toBe(true);
    expect(emulator.records('leakwatch__LeakVerdict__c')[0]).toMatchObject({ leakwatch__EventId__c: eventId, leakwatch__Severity__c: 'High' });
    const rows = await client.query('SELECT EntityType__c, LeakVerdict__r.Severity__c FROM PiiFinding__c');
    expect(rows).toEqual([
      {
        attributes: { type: 'PiiFinding__c', url: expect.stringContaining('/sobjects/leakwatch__PiiFinding__c/') },
        EntityType__c: 'EMAIL_ADDRESS',
        LeakVerdict__r: { attributes: { type: 'LeakVerdict__c', url: expect.any(String) }, Severity__c: 'High' },
      },
    ]);
  });
});
