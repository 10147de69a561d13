import * as grpc from '@grpc/grpc-js';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { claimSource } from '../../src/collect/checkpoint.js';
import { collectorCoverage } from '../../src/collect/coverage.js';
import { mapStreamEvent } from '../../src/collect/realtime/map-event.js';
import { PubSubClient } from '../../src/collect/realtime/pubsub-client.js';
import { startTopicSubscriber, type StreamPosition, type TopicSubscriber, type TopicSubscriberDeps } from '../../src/collect/realtime/subscriber.js';
import { orgKey } from '../../src/contract/salesforce-id.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import type { Store } from '../../src/store/store.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/client.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1aEAC';
const TOPIC = '/event/ApiEventStream';
const USER = '0055g00000ShSyNAAV';
const classifier = createClassifier({ salt: 'realtime-test-salt-0123' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let counter = 0;
/** API events as the org generates them, by their documented fields. */
const apiEvents = (count: number, at = Date.now()) =>
  Array.from({ length: count }, (_, i) => {
    counter += 1;
    return {
      EventIdentifier: `evt-${counter}`,
      EventDate: new Date(at + i).toISOString(),
      UserId: USER,
      Username: 'shopsync@acme-shop.example',
      QueriedEntities: 'Contact',
      RowsProcessed: 10,
      Query: `SELECT Id, Email FROM Contact WHERE LastName = 'Doe${counter}' LIMIT 10`,
      SessionKey: 'sess-1',
      SourceIp: '198.51.100.7',
    };
  });

const idsOf = (events: Record<string, unknown>[]) => events.map((p) => mapStreamEvent(TOPIC, p, { orgId: ORG })!.id);

async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await done()) return;
    await sleep(25);
  }
  throw new Error(`${what} did not happen in time`);
}

describe.each(STORE_KINDS)('a real-time subscription on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  let emulator: OrgEmulator;
  let rest: OrgClient;
  let retention = { now: Date.now() };
  const subscribers: TopicSubscriber[] = [];
  const clients: PubSubClient[] = [];

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    store = testStore.store;
  });
  afterAll(async () => testStore.dispose());

  beforeEach(async () => {
    await store.query('DELETE FROM ingested_event');
    await store.query('DELETE FROM collector_checkpoint');
    retention = { now: Date.now() };
    emulator = await startOrgEmulator({ orgId: ORG, pubsub: { keepaliveMs: 150, retentionMs: 60 * 60_000, now: () => retention.now } });
    rest = createOrgClient({
      loginUrl: emulator.url,
      clientId: emulator.connectedApp.clientId,
      username: emulator.identity.username,
      privateKey: emulator.connectedApp.privateKey,
    });
  });
  afterEach(async () => {
    await Promise.all(subscribers.splice(0).map((s) => s.stop()));
    for (const c of clients.splice(0)) c.close();
    await emulator.close();
  });

  const pubsub = () => {
    const client = new PubSubClient({ endpoint: emulator.pubsubEndpoint!, tls: false, session: (renew) => rest.session(renew) });
    clients.push(client);
    return client;
  };
  const deps = (over: Partial<TopicSubscriberDeps> = {}): TopicSubscriberDeps => ({
    store,
    classifier,
    owner: 'replica-a',
    leaseMs: 3_000,
    batchSize: 25,
    ...over,
  });
  const subscribe = (d: TopicSubscriberDeps = deps(), topic = TOPIC) => {
    const s = startTopicSubscriber(d, ORG, topic, pubsub(), undefined);
    subscribers.push(s);
    return s;
  };
  const stored = async () =>
    (await store.query<{ id: string }>('SELECT event_id::text AS id FROM ingested_event WHERE org_id = $1', [orgKey(ORG)])).map((r) => r.id);
  const position = async (topic = TOPIC) =>
    (
      await store.query<{ position: StreamPosition | null }>('SELECT position FROM collector_checkpoint WHERE org_id = $1 AND source = $2', [
        orgKey(ORG),
        topic,
      ])
    )[0]?.position ?? undefined;

  it('stores every event once, with the replay id of the last one, and resumes after it', async () => {
    const first = apiEvents(60);
    emulator.publishEvents('ApiEventStream', first);
    const sub = subscribe();
    await until('60 events stored', async () => (await stored()).length === 60);
    expect(new Set(await stored())).toEqual(new Set(idsOf(first)));
    expect(sub.state()).toBe('subscribed');
    await sub.stop();
    const after = await position();
    expect(after?.replayId).toBeTruthy();

    // Published while nobody listened: a new subscriber resumes strictly after the stored replay id.
    const second = apiEvents(40);
    emulator.publishEvents('ApiEventStream', second);
    subscribe();
    await until('100 events stored', async () => (await stored()).length === 100);
    await sleep(300);
    const all = await stored();
    expect(all).toHaveLength(100);
    expect(new Set(all)).toEqual(new Set([...idsOf(first), ...idsOf(second)]));
    const rows = await store.query<{ rows: number }>('SELECT rows_total::int AS rows FROM collector_checkpoint WHERE org_id = $1 AND source = $2', [
      orgKey(ORG),
      TOPIC,
    ]);
    expect(rows[0]?.rows).toBe(100);
  });

  it('keeps at most the batch size in flight', async () => {
    emulator.publishEvents('ApiEventStream', apiEvents(200));
    subscribe(deps({ batchSize: 10 }));
    await until('200 events stored', async () => (await stored()).length === 200);
    // Each FetchResponse is stored with its replay id in one write; with at most 10 events in
    // flight no write holds more than 10, so 200 events take at least 20 writes.
    const [row] = await store.query<{ version: number }>('SELECT version::int AS version FROM collector_checkpoint WHERE org_id = $1 AND source = $2', [
      orgKey(ORG),
      TOPIC,
    ]);
    expect(row!.version).toBeGreaterThanOrEqual(20);
  });

  it('survives stream resets and a revoked session without losing or doubling events', async () => {
    const sub = subscribe();
    const published: Record<string, unknown>[] = [];
    for (let round = 0; round < 6; round += 1) {
      const batch = apiEvents(30);
      published.push(...batch);
      emulator.publishEvents('ApiEventStream', batch);
      await sleep(40);
      if (round === 2) emulator.pubsub!.resetStreams();
      if (round === 4) emulator.setFaults({ expireSessions: true });
    }
    await until('every event stored', async () => (await stored()).length === published.length, 30_000);
    await sleep(300);
    expect((await stored()).sort()).toEqual(idsOf(published).sort());
    expect(sub.state()).toBe('subscribed');
  });

  it('starts from the earliest event kept and records the gap when the replay id has expired', async () => {
    emulator.publishEvents('ApiEventStream', apiEvents(5));
    const sub = subscribe();
    await until('5 stored', async () => (await stored()).length === 5);
    await sub.stop();
    // Events published while the subscription was away, then purged: two hours later (the org keeps
    // them an hour here) only what came after is retained.
    retention.now += 30 * 60_000;
    const lost = apiEvents(4, retention.now);
    emulator.publishEvents('ApiEventStream', lost);
    retention.now += 90 * 60_000;
    const kept = apiEvents(3, retention.now);
    emulator.publishEvents('ApiEventStream', kept);
    const states: string[] = [];
    subscribe(deps({ onState: (_o, _t, state) => states.push(state) }));
    await until('the gap event and the kept events stored', async () => (await stored()).length === 5 + 3 + 1, 20_000);
    const [gap] = await store.query<{ kind: string; classified: { event: { details: Record<string, unknown> } } }>(
      "SELECT kind, classified FROM ingested_event WHERE org_id = $1 AND classified->'event'->'details'->>'change' = 'coverage_gap'",
      [orgKey(ORG)],
    );
    expect(gap?.kind).toBe('setup');
    const details = gap!.classified.event.details;
    // The gap runs from the last event stored before to the earliest event still kept.
    expect(Date.parse(String(details['gapTo']))).toBe(Date.parse(String(kept[0]!.EventDate)));
    expect(Date.parse(String(details['gapFrom']))).toBeLessThan(Date.parse(String(details['gapTo'])));
    expect((await position())?.gapFrom).toBeUndefined();
    expect(states).toContain('gap');
    const storedNow = new Set(await stored());
    expect(idsOf(lost).filter((id) => storedNow.has(id))).toEqual([]);
  });

  it('marks an unlicensed topic unavailable and does not retry it at once', async () => {
    await emulator.close();
    emulator = await startOrgEmulator({ orgId: ORG, pubsub: { topics: ['/event/LoginEventStream'] } });
    rest = createOrgClient({
      loginUrl: emulator.url,
      clientId: emulator.connectedApp.clientId,
      username: emulator.identity.username,
      privateKey: emulator.connectedApp.privateKey,
    });
    const sub = subscribe();
    await until('unavailable', () => sub.state() === 'unavailable');
    const [coverage] = await collectorCoverage(store, ORG);
    expect(coverage).toMatchObject({ source: TOPIC, available: false });
    expect(coverage?.lastError).toMatch(/PERMISSION_DENIED|permission/i);
  });

  it('one replica holds a subscription; the other takes it over when the lease lapses', async () => {
    const a = subscribe(deps({ owner: 'replica-a', leaseMs: 1_500 }));
    const b = subscribe(deps({ owner: 'replica-b', leaseMs: 1_500 }));
    await until('one subscribed', () => [a, b].filter((s) => s.state() === 'subscribed').length === 1);
    await sleep(1_000);
    expect([a, b].filter((s) => s.state() === 'subscribed')).toHaveLength(1);
    const [holder, standby] = a.state() === 'subscribed' ? [a, b] : [b, a];
    const first = apiEvents(20);
    emulator.publishEvents('ApiEventStream', first);
    await until('20 stored', async () => (await stored()).length === 20);
    await holder.stop();
    const second = apiEvents(20);
    emulator.publishEvents('ApiEventStream', second);
    await until('the standby took over', () => standby.state() === 'subscribed', 10_000);
    await until('40 stored', async () => (await stored()).length === 40);
    expect(new Set(await stored())).toEqual(new Set([...idsOf(first), ...idsOf(second)]));
    // The lease row names the replica that holds it.
    const claimed = await claimSource(store, orgKey(ORG), TOPIC, 'replica-c', new Date(), 1_000);
    expect(claimed).toBeUndefined();
  });

  it('refuses a session the org does not know', async () => {
    const client = new PubSubClient({
      endpoint: emulator.pubsubEndpoint!,
      tls: false,
      session: async () => ({ accessToken: 'forged', instanceUrl: emulator.url, orgId: ORG }),
    });
    clients.push(client);
    const error = await client.getTopic(TOPIC).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: grpc.status.UNAUTHENTICATED, errorCode: 'sfdc.platform.eventbus.grpc.service.auth.error' });
  });
});
