import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import type { EgressPolicy } from '../../src/egress/policy.js';
import { upsertFlows } from '../../src/otlp/flow-records.js';
import type { FlowSample } from '../../src/otlp/flows.js';
import { flowKey, publishFlows, type FlowWriter } from '../../src/otlp/publish-flows.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1a';
const OTHER_ORG = '00D5g000009ZzZz';
const DAY = 86_400_000;

/** EU-only personal data; an AI service in the US and an allow-listed EU payment provider. */
const POLICY: EgressPolicy = {
  defaultAction: 'allow',
  allowedRegions: ['EU'],
  destinations: [
    { match: 'api.openai.com', ai: true, region: 'US', name: 'OpenAI' },
    { match: 'api.mollie.com', action: 'allow', region: 'EU', name: 'Mollie payments' },
  ],
  regions: [],
};

const sample = (source: string, destination: string, at: number, overrides: Partial<FlowSample> = {}): FlowSample => ({
  source,
  destination,
  day: new Date(at).toISOString().slice(0, 10),
  objects: new Set(['Contact']),
  fields: new Set(['Contact.Email']),
  spans: 10,
  bytes: 1000,
  firstMs: at,
  lastMs: at + 60_000,
  orgApi: false,
  ...overrides,
});

/** Counts the upsert calls a writer makes, passing them on to the org. */
const counting = (client: OrgClient) => {
  const calls: number[] = [];
  const writer: FlowWriter = {
    upsert: async (sobject, field, records) => {
      calls.push(records.length);
      return client.upsert(sobject, field, records);
    },
  };
  return { writer, calls };
};

describe.each(STORE_KINDS)('publishing data flows into the org as DataFlow__c (%s)', (kind) => {
  let org: OrgEmulator;
  let client: OrgClient;
  let test: TestStore;

  beforeAll(async () => {
    org = await startOrgEmulator({ port: 0, pubsub: false });
    client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey as string,
    });
    test = await openTestStore(kind);
  });
  afterAll(async () => {
    await org.close();
    await test.dispose();
  });
  beforeEach(async () => {
    // One store for the file (migrating a fresh one per test cost a second each); each test starts empty.
    await test.store.query('DELETE FROM data_flow');
    await test.store.query('DELETE FROM org_publication');
    await fetch(`${org.url}/__emulator/records/DataFlow__c`, { method: 'DELETE' });
  });

  it('writes one record per source and destination with the 30-day volumes and the policy’s facts', async () => {
    const now = Date.parse('2026-03-20T12:00:00.000Z');
    await upsertFlows(test.store, ORG, [
      sample('shop-middleware', 'api.openai.com', now - 2 * DAY, { fields: new Set(['Contact.Email', 'Contact.LastName']) }),
      sample('shop-middleware', 'api.openai.com', now - DAY, { spans: 20, bytes: 500, objects: new Set(['Lead']), fields: new Set(['Lead.Email']) }),
      sample('shop-middleware', 'api.openai.com', now - 40 * DAY, { spans: 1000 }),
      sample('nightly-sync', 'api.mollie.com', now - DAY, { objects: new Set(['Order']), fields: new Set() }),
    ]);
    // Another org's flows never reach this org.
    await upsertFlows(test.store, OTHER_ORG, [sample('other-service', 'example.net', now - DAY)]);
    const { writer, calls } = counting(client);
    const published = await publishFlows({ sql: test.store, writer, policy: POLICY }, ORG, new Date(now));
    expect(published).toEqual({ sent: 2, unchanged: 0, refused: [] });
    expect(calls).toEqual([2]);
    const records = org.records('DataFlow__c');
    expect(records).toHaveLength(2);
    const ai = records.find((r) => r.DestinationHost__c === 'api.openai.com');
    expect(ai).toMatchObject({
      FlowKey__c: flowKey('shop-middleware', 'api.openai.com'),
      SourceService__c: 'shop-middleware',
      PolicyName__c: 'OpenAI',
      Region__c: 'US',
      AiService__c: true,
      AllowListed__c: false,
      RegionAllowed__c: false,
      Objects__c: 'Contact;Lead',
      Fields__c: 'Contact.Email;Contact.LastName;Lead.Email',
      Spans30d__c: 30,
      Bytes30d__c: 1500,
      ActiveDays30d__c: 2,
      SpansPerDay__c: 15,
      FirstSeen__c: new Date(now - 40 * DAY).toISOString().replace('Z', '+0000'),
    });
    expect(ai?.FlowKey__c).toMatch(/^[0-9a-f]{40}$/);
    expect(records.find((r) => r.DestinationHost__c === 'api.mollie.com')).toMatchObject({
      AllowListed__c: true,
      RegionAllowed__c: true,
      AiService__c: false,
      Region__c: 'EU',
      Fields__c: null,
    });
    expect(records.some((r) => r.SourceService__c === 'other-service')).toBe(false);
  });

  it('makes no call when nothing changed, and sends only the flow that did', async () => {
    const now = Date.parse('2026-03-20T12:00:00.000Z');
    await upsertFlows(test.store, ORG, [sample('a', 'one.example', now - DAY), sample('b', 'two.example', now - DAY)]);
    const { writer, calls } = counting(client);
    await publishFlows({ sql: test.store, writer, policy: POLICY }, ORG, new Date(now));
    expect(await publishFlows({ sql: test.store, writer, policy: POLICY }, ORG, new Date(now + 60_000))).toEqual({ sent: 0, unchanged: 2, refused: [] });
    expect(calls).toEqual([2]);
    await upsertFlows(test.store, ORG, [sample('b', 'two.example', now, { spans: 5 })]);
    expect(await publishFlows({ sql: test.store, writer, policy: POLICY }, ORG, new Date(now + 120_000))).toMatchObject({ sent: 1, unchanged: 1 });
    expect(calls).toEqual([2, 1]);
    expect(org.records('DataFlow__c').find((r) => r.SourceService__c === 'b')?.Spans30d__c).toBe(15);
  });

  it('sends 200 records per call and cuts the objects at a separator to fit 255 characters', async () => {
    const now = Date.parse('2026-03-20T12:00:00.000Z');
    const objects = new Set(Array.from({ length: 40 }, (_, i) => `CustomObjectNumber${String(i).padStart(2, '0')}__c`));
    await upsertFlows(
      test.store,
      ORG,
      Array.from({ length: 201 }, (_, i) => sample(`service-${i}`, 'api.example.com', now - DAY, { objects })),
    );
    const { writer, calls } = counting(client);
    expect((await publishFlows({ sql: test.store, writer, policy: POLICY }, ORG, new Date(now))).sent).toBe(201);
    expect(calls).toEqual([200, 1]);
    const stored = org.records('DataFlow__c')[0]?.Objects__c as string;
    expect(stored.length).toBeLessThanOrEqual(255);
    expect(stored.split(';').every((name) => objects.has(name))).toBe(true);
  });

  it('sends a refused record again next time, and reports it without values', async () => {
    const now = Date.parse('2026-03-20T12:00:00.000Z');
    await upsertFlows(test.store, ORG, [sample('c', 'three.example', now - DAY)]);
    org.setFaults({ lockRows: 1 });
    const { writer, calls } = counting(client);
    const first = await publishFlows({ sql: test.store, writer, policy: POLICY }, ORG, new Date(now));
    expect(first.refused).toEqual([{ flowKey: flowKey('c', 'three.example'), errorCode: 'UNABLE_TO_LOCK_ROW', fields: [] }]);
    expect(JSON.stringify(first.refused)).not.toContain('three.example');
    expect(await publishFlows({ sql: test.store, writer, policy: POLICY }, ORG, new Date(now + 60_000))).toMatchObject({ sent: 1, refused: [] });
    expect(calls).toEqual([1, 1]);
    expect(org.records('DataFlow__c')).toHaveLength(1);
  });

  it('writes zero volumes once for a published flow that went quiet', async () => {
    const now = Date.parse('2026-03-20T12:00:00.000Z');
    await upsertFlows(test.store, ORG, [sample('d', 'four.example', now - DAY)]);
    await publishFlows({ sql: test.store, writer: client, policy: POLICY }, ORG, new Date(now));
    const later = new Date(now + 40 * DAY);
    expect((await publishFlows({ sql: test.store, writer: client, policy: POLICY }, ORG, later)).sent).toBe(1);
    expect(org.records('DataFlow__c')[0]).toMatchObject({ Spans30d__c: 0, ActiveDays30d__c: 0, Objects__c: null });
    expect((await publishFlows({ sql: test.store, writer: client, policy: POLICY }, ORG, later)).sent).toBe(0);
  });
});
