import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapStreamEvent, topicPath } from '../../src/collect/realtime/map-event.js';
import type { StreamPosition } from '../../src/collect/realtime/subscriber.js';
import { orgKey, toId18 } from '../../src/contract/salesforce-id.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { Sql, StoreKind } from '../../src/store/store.js';
import { ORG_ID, SECRET } from '../api/envelopes.js';
import { createTestDatabase, type TestDatabase } from '../store/test-stores.js';
import { emulatorSidecarEnv, freePort, realtimeEnv, SidecarProcess } from './sidecar-process.js';
import { seeded } from './seeded.js';

const KILL_POINT = fileURLToPath(new URL('./kill-point.mjs', import.meta.url));
const ORG = orgKey(ORG_ID);
const API = 'ApiEventStream';
const ANOMALY = 'ApiAnomalyEvent';
const TOPICS = [API, ANOMALY];
const API_EVENTS = 20_000;
/** Events published at once, as a busy org emits them between two reads. */
const CHUNK = 2_000;
/** Salesforce's threat detection flags a few calls of each chunk: each of them must become one verdict. */
const ANOMALIES_PER_CHUNK = 8;
/** Replicas of the second scenario: a dead holder's lease runs out after 15 s; its subscriptions must move within this. */
const HANDOVER_LIMIT_MS = 30_000;
const SEED = Number(process.env.CRASH_TEST_SEED ?? Date.now() % 1_000_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const AUTH = { authorization: `Bearer ${SECRET}` };

const USERS = ['0055g00000OpSaA', '0055g00000OpSbA', '0055g00000OpScA', '0055g00000ShOpS'].map(toId18);
const USERNAMES = ['ops-0@acme-shop.example', 'shopsync@acme-shop.example', 'ops-2@acme-shop.example', 'dataloader@acme-shop.example'];
/** Queries as integrations and people run them: filters with customers' addresses, names and numbers in their literals. */
const QUERIES = [
  { entities: 'Contact', query: "SELECT Id, Email, Phone FROM Contact WHERE Email = 'jana.novak@example.org' LIMIT 1" },
  { entities: 'Account', query: "SELECT Id, Name, Phone FROM Account WHERE Phone = '+49 30 901820' LIMIT 5" },
  {
    entities: 'Lead',
    query: "SELECT Id, FirstName, LastName, Email FROM Lead WHERE LastName = 'Kowalczyk' AND City = 'Poznań'",
  },
  {
    entities: 'Contact',
    query: "SELECT Id, MailingStreet FROM Contact WHERE Id > '0035g00000Qw1Aa' ORDER BY Id LIMIT 200",
  },
];

/** The i-th call of the stream, by the documented ApiEventStream fields; dates alternate between ISO text and epoch ms. */
function apiEvent(i: number, from: number): Record<string, unknown> {
  const user = i % USERS.length;
  const q = QUERIES[(i >> 2) % QUERIES.length]!;
  const at = from + i * 150;
  return {
    EventIdentifier: `3f6e${String(i).padStart(6, '0')}-api-${SEED}`,
    EventDate: i % 2 === 0 ? new Date(at).toISOString() : at,
    UserId: USERS[user],
    Username: USERNAMES[user],
    QueriedEntities: q.entities,
    RowsProcessed: i % 97 === 0 ? 1_800 : 1 + (i % 40),
    Query: q.query,
    SessionKey: `sKey${user}${Math.floor(i / 500)}`,
    SourceIp: `203.0.113.${10 + user}`,
    UserAgent: user === 1 ? 'ShopSync/4.2 (partner API)' : 'Dataloader Bulk v58.0',
  };
}

/** Salesforce's threat detection on the same calls: an ApiAnomalyEvent always becomes a verdict. */
function anomalyEvent(i: number, from: number): Record<string, unknown> {
  const user = (i + 3) % USERS.length;
  return {
    EventIdentifier: `7c1d${String(i).padStart(6, '0')}-anomaly-${SEED}`,
    EventDate: new Date(from + i * 90_000).toISOString(),
    UserId: USERS[user],
    Username: USERNAMES[user],
    QueriedEntities: 'Contact',
    RowsProcessed: 12_000,
    Score: 60 + (i % 40),
    Summary: 'The user queried far more Contact rows than usual for this time of day.',
    SessionKey: `sKey${user}a`,
    SourceIp: '198.51.100.23',
    UserAgent: 'python-requests/2.32',
  };
}

/** What was published, in order, with the replay ids the org gave it. */
interface Published {
  payloads: Record<string, Record<string, unknown>[]>;
  lastReplayId: Record<string, string>;
}

function publisher(emulator: OrgEmulator) {
  const from = Date.now() - 60 * 60_000;
  const published: Published = { payloads: { [API]: [], [ANOMALY]: [] }, lastReplayId: {} };
  const publish = (topic: string, events: Record<string, unknown>[]) => {
    const replayIds = emulator.publishEvents(topic, events);
    (published.payloads[topic] as Record<string, unknown>[]).push(...events);
    published.lastReplayId[topic] = replayIds.at(-1) as string;
  };
  let next = 0;
  return {
    published,
    /** Publishes the next chunk of calls with its anomalies; false once every chunk is out. */
    chunk(size = CHUNK, anomalies = ANOMALIES_PER_CHUNK): boolean {
      if (published.payloads[API]!.length >= API_EVENTS) return false;
      const first = next;
      next += size;
      publish(
        API,
        Array.from({ length: size }, (_, i) => apiEvent(first + i, from)),
      );
      const a = published.payloads[ANOMALY]!.length;
      publish(
        ANOMALY,
        Array.from({ length: anomalies }, (_, i) => anomalyEvent(a + i, from)),
      );
      return true;
    },
    apiCount: () => published.payloads[API]!.length,
  };
}

/** The ids the sidecar must have stored: the mapping's own, from what was published. */
function expectedIds(published: Published): Map<string, string> {
  const ids = new Map<string, string>();
  for (const topic of TOPICS) {
    for (const payload of published.payloads[topic]!) {
      const event = mapStreamEvent(topicPath(topic), payload, { orgId: ORG });
      if (!event) throw new Error(`a published ${topic} event maps to no event: ${JSON.stringify(payload)}`);
      ids.set(event.id, topic);
    }
  }
  return ids;
}

async function seedUsers(emulator: OrgEmulator): Promise<void> {
  emulator.seed(
    'User',
    USERS.map((Id, i) => ({ Id, Username: USERNAMES[i], LastName: `Ops ${i}`, IsActive: true })),
  );
}

function sidecarEnv(emulator: OrgEmulator, dir: string, replicaId: string): Record<string, string> {
  return {
    ...emulatorSidecarEnv(emulator, dir),
    ...realtimeEnv(emulator, TOPICS),
    LEAKWATCH_REALTIME_START: 'earliest',
    // Only the subscriptions read: the polled collectors stay out of the count of inserts.
    LEAKWATCH_COLLECT: 'off',
    // The same replica after each restart, as a restarted pod keeps its name: it takes its own leases back at once.
    LEAKWATCH_REPLICA_ID: replicaId,
    OUTBOX_BASE_DELAY_MS: '20',
    OUTBOX_MAX_DELAY_MS: '400',
    // Stored events wake the scoring workers; polling every 20 ms would only take the embedded store from the subscribers.
    WORKER_POLL_MS: '200',
    // One classification thread: several start-ups per store, each warming the pool, on two shared cores.
    LEAKWATCH_CLASSIFY_THREADS: '1',
  };
}

/** Rows each topic's subscription has stored (FetchResponses counted with their replay ids), from the coverage map. */
async function rowsRead(sidecar: SidecarProcess): Promise<Record<string, number>> {
  const res = await fetch(`${sidecar.url}/v1/coverage`, { headers: AUTH });
  if (!res.ok) throw new Error(`coverage answered ${res.status}`);
  const body = (await res.json()) as { sources: { source: string; rowsTotal: number }[] };
  const rows = Object.fromEntries(body.sources.map((s) => [s.source, s.rowsTotal]));
  return Object.fromEntries(TOPICS.map((t) => [t, rows[topicPath(t)] ?? 0]));
}

async function queuesDrained(sidecar: SidecarProcess): Promise<boolean> {
  const res = await fetch(`${sidecar.url}/v1/status`, { headers: AUTH });
  if (!res.ok) return false;
  const { queues } = (await res.json()) as { queues: { eventsPending: number; writeBacksPending: number } };
  return queues.eventsPending + queues.writeBacksPending === 0;
}

async function waitUntil(what: string, done: () => Promise<boolean> | boolean, log: () => string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await Promise.resolve()
      .then(done)
      .catch(() => false);
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms (seed ${SEED}):\n${log()}`);
}

/**
 * The store after the run: every published event stored as the event its payload maps to, each
 * topic's rows counted once per FetchResponse, its replay id that of the last event published, and
 * every event scored.
 */
async function checkStored(store: Sql, published: Published): Promise<Map<string, string>> {
  const expected = expectedIds(published);
  const publishedCount = TOPICS.reduce((n, t) => n + published.payloads[t]!.length, 0);
  expect(expected.size, 'the published events have distinct identifiers').toBe(publishedCount);
  // The primary key keeps one row per event id: an event read twice shows as a response counted twice (below).
  const stored = await store.query<{ id: string }>('SELECT event_id::text AS id FROM ingested_event');
  const storedIds = new Set(stored.map((r) => r.id));
  const missing = [...expected.keys()].filter((id) => !storedIds.has(id));
  expect({ count: missing.length, first: missing.slice(0, 3) }, `events lost (seed ${SEED})`).toEqual({
    count: 0,
    first: [],
  });
  const unexplained = [...storedIds].filter((id) => !expected.has(id));
  expect({ count: unexplained.length, first: unexplained.slice(0, 3) }, `events no published payload explains (seed ${SEED})`).toEqual({
    count: 0,
    first: [],
  });
  const orgs = await store.query<{ org: string; n: number }>('SELECT org_id AS org, count(*)::int AS n FROM ingested_event GROUP BY org_id');
  expect(orgs, 'every event stored under the org’s key').toEqual([{ org: ORG, n: publishedCount }]);

  // Each FetchResponse's events were counted with its replay id, in one transaction: a response
  // stored twice, or counted without its events, shows here.
  const checkpoints = await store.query<{ source: string; rows: number; position: StreamPosition | null }>(
    'SELECT source, rows_total::int AS rows, position FROM collector_checkpoint WHERE org_id = $1 ORDER BY source',
    [ORG],
  );
  expect(
    Object.fromEntries(checkpoints.map((c) => [c.source, { rows: c.rows, replayId: c.position?.replayId }])),
    `rows counted per topic, and the replay id stored last (seed ${SEED})`,
  ).toEqual(Object.fromEntries(TOPICS.map((t) => [topicPath(t), { rows: published.payloads[t]!.length, replayId: published.lastReplayId[t] }])));

  const states = await store.query<{ state: string; n: number }>('SELECT state, count(*)::int AS n FROM ingested_event GROUP BY state ORDER BY state');
  expect(
    states.filter((s) => s.state !== 'scored' && s.state !== 'quiet'),
    `events left unscored (seed ${SEED})`,
  ).toEqual([]);
  return expected;
}

/**
 * Verdicts in the org: each ApiAnomalyEvent flagged exactly once, no event twice, none for an event
 * not published, and as many as the outbox queued.
 */
async function checkVerdicts(store: Sql, emulator: OrgEmulator, expected: Map<string, string>): Promise<void> {
  const perEvent = new Map<string, number>();
  for (const v of emulator.records('LeakVerdict__c')) {
    const id = String(v.EventId__c);
    perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
  }
  expect(
    [...perEvent].filter(([, n]) => n !== 1),
    `doubled verdicts (seed ${SEED})`,
  ).toEqual([]);
  expect(
    [...perEvent.keys()].filter((id) => !expected.has(id)),
    'verdicts of events never published',
  ).toEqual([]);
  const anomalies = [...expected].filter(([, topic]) => topic === ANOMALY).map(([id]) => id);
  expect(
    anomalies.filter((id) => !perEvent.has(id)),
    `threat detection events without their verdict (seed ${SEED})`,
  ).toEqual([]);
  const [queued] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE sobject = 'LeakVerdict__c'");
  expect(perEvent.size, 'verdicts written back, one per queued record').toBe(queued?.n);
}

/**
 * The subscriber stores each FetchResponse's events with the topic's new replay id in one
 * transaction, and derives event ids from the org, the topic and EventIdentifier. Killed anywhere
 * while 20,000 calls stream in, and with the stream reset and the session revoked in the last run, a
 * restarted sidecar must end with every published event stored once, each response counted once,
 * and at most one verdict per event in the org. The first kill lands inside a response's
 * transaction just before its events are written: a replay id committed ahead of its events would
 * lose that response there.
 */
describe.each(['pglite', 'postgres'] as StoreKind[])(
  'streaming on %s: SIGKILL while 20,000 real-time events arrive, then restart',
  { timeout: 150_000 },
  (kind) => {
    let db: TestDatabase | undefined;
    let emulator: OrgEmulator;
    let sidecar: SidecarProcess;
    let dir: string;

    beforeEach(async () => {
      db = kind === 'postgres' ? await createTestDatabase() : undefined;
      emulator = await startOrgEmulator({ orgId: ORG_ID });
      await seedUsers(emulator);
      dir = mkdtempSync(join(tmpdir(), 'leakwatch-realtime-crash-'));
      sidecar = new SidecarProcess(
        {
          ...sidecarEnv(emulator, dir, 'realtime-crash'),
          ...(db ? { DATABASE_URL: db.url } : { LEAKWATCH_DATA_DIR: join(dir, 'data') }),
        },
        await freePort(),
        { imports: [KILL_POINT] },
      );
    });

    afterEach(async () => {
      await sidecar.kill();
      await emulator.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('every streamed event is stored and scored once, across kills, a stream reset and a revoked session', async () => {
      const random = seeded(SEED + (kind === 'postgres' ? 1 : 0));
      const log = () => sidecar.recentLog;
      const org = publisher(emulator);
      const pubsub = emulator.pubsub!;

      // 1. Inside a response's transaction, before its events are written: two chunks wait, so the
      //    first 40 responses of calls (and the anomalies' between them) are all inserts of events.
      org.chunk();
      org.chunk();
      const point = `insert:${random.between(2, 40)}`;
      sidecar.launch({ CRASH_TEST_KILL_AT: point });
      expect(await sidecar.exited(60_000), `kill point ${point} (seed ${SEED}) not reached:\n${log()}`).toEqual({
        code: null,
        signal: 'SIGKILL',
      });

      // 2. From outside, at a random moment while this run reads the calls published meanwhile.
      org.chunk();
      org.chunk();
      org.chunk();
      await sidecar.start();
      const before = (await rowsRead(sidecar))[API]!;
      await waitUntil('a response stored after the restart', async () => (await rowsRead(sidecar))[API]! > before, log);
      await sleep(random.between(0, 600));
      const atKill = (await rowsRead(sidecar))[API]!;
      await sidecar.kill();
      expect(atKill, `the kill came after the last published call was read (seed ${SEED})`).toBeLessThan(org.apiCount());

      // 3. The last run reads the rest while more arrives; its streams are reset once and its
      //    session revoked once, and it resumes after each from the stored replay ids.
      org.chunk();
      await sidecar.start();
      const startRows = (await rowsRead(sidecar))[API]!;
      await waitUntil('a response stored in the last run', async () => (await rowsRead(sidecar))[API]! > startRows, log);
      await waitUntil('both topics streaming', () => pubsub.stats.openStreams === TOPICS.length, log);
      expect(pubsub.resetStreams(), 'streams open when reset').toBe(TOPICS.length);
      org.chunk();
      const atReset = (await rowsRead(sidecar))[API]!;
      await waitUntil('a response stored after the reset', async () => (await rowsRead(sidecar))[API]! > atReset, log);
      await waitUntil('both topics streaming again', () => pubsub.stats.openStreams === TOPICS.length, log);
      const opened = pubsub.stats.streamsOpened;
      const tokens = emulator.stats.tokensIssued;
      emulator.setFaults({ expireSessions: true });
      while (org.chunk()) await sleep(random.between(100, 700));
      const published = org.published;
      const want = Object.fromEntries(TOPICS.map((t) => [t, published.payloads[t]!.length]));
      await waitUntil(
        'every published event read',
        async () => {
          const read = await rowsRead(sidecar);
          return TOPICS.every((t) => read[t]! >= want[t]!);
        },
        log,
        90_000,
      );
      await waitUntil('queues drained', () => queuesDrained(sidecar), log);
      expect(emulator.stats.tokensIssued, 'a new session after the revoked one').toBeGreaterThan(tokens);
      expect(pubsub.stats.streamsOpened, 'the streams ended by the revoked session were opened again').toBeGreaterThanOrEqual(opened + TOPICS.length);
      expect(await sidecar.terminate(), `graceful exit (seed ${SEED}):\n${log()}`).toBe(0);

      const store = await openStore({ databaseUrl: db?.url, dataDir: join(dir, 'data') });
      try {
        const expected = await checkStored(store, published);
        await checkVerdicts(store, emulator, expected);
      } finally {
        await store.close();
      }
    });
  },
);

/**
 * Two replicas on one PostgreSQL database, both subscribed: each topic streams on exactly one of
 * them. When the holder dies, the other takes its subscriptions over once the lease runs out and
 * resumes after the stored replay ids: nothing published before or after the kill is lost or
 * counted twice.
 */
describe('streaming on two replicas of one PostgreSQL database: SIGKILL the holder', { timeout: 150_000 }, () => {
  let db: TestDatabase;
  let emulator: OrgEmulator;
  let dir: string;
  let replicas: SidecarProcess[];
  let sql: pg.Client;

  beforeEach(async () => {
    db = await createTestDatabase();
    emulator = await startOrgEmulator({ orgId: ORG_ID });
    await seedUsers(emulator);
    dir = mkdtempSync(join(tmpdir(), 'leakwatch-realtime-replicas-'));
    replicas = [];
    for (const name of ['replica-a', 'replica-b']) {
      replicas.push(new SidecarProcess({ ...sidecarEnv(emulator, dir, name), DATABASE_URL: db.url }, await freePort()));
    }
    sql = new pg.Client({ connectionString: db.url });
  });

  afterEach(async () => {
    await sql.end().catch(() => {});
    for (const r of replicas) await r.kill();
    await emulator.close();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the other replica takes the subscriptions over within 30 s, and nothing is lost or doubled', async () => {
    const random = seeded(SEED + 2);
    const [a, b] = replicas as [SidecarProcess, SidecarProcess];
    const log = () => replicas.map((r, i) => `--- replica ${'ab'[i]} ---\n${r.recentLog}`).join('\n');
    const org = publisher(emulator);
    const pubsub = emulator.pubsub!;
    const leases = async () =>
      (
        await sql.query<{ source: string; owner: string | null; live: boolean; rows: number }>(
          `SELECT source, lease_owner AS owner, lease_until > now() AS live, rows_total::int AS rows
             FROM collector_checkpoint WHERE org_id = $1 ORDER BY source`,
          [ORG],
        )
      ).rows;
    const rowsOf = async () => Object.fromEntries((await leases()).map((l) => [l.source, l.rows]));

    // One after the other: the first creates the schema.
    await a.start();
    await b.start();
    await sql.connect();
    org.chunk();
    await waitUntil('the first chunk read', async () => ((await rowsOf())[topicPath(API)] ?? 0) >= org.apiCount(), log);
    const held = await leases();
    expect(
      held.map((l) => ({ source: l.source, live: l.live, known: l.owner === 'replica-a' || l.owner === 'replica-b' })),
      'each topic held by one live lease',
    ).toEqual(TOPICS.map((t) => ({ source: topicPath(t), live: true, known: true })).sort((x, y) => x.source.localeCompare(y.source)));
    expect(pubsub.stats.openStreams, 'one stream per topic: the other replica stands by').toBe(TOPICS.length);

    // The holder of the calls' topic dies while it reads the next chunk.
    const holder = held.find((l) => l.source === topicPath(API))!.owner;
    const [victim, survivor, survivorName] = holder === 'replica-a' ? [a, b, 'replica-b'] : [b, a, 'replica-a'];
    const read = (await rowsOf())[topicPath(API)]!;
    org.chunk(1_000, 4);
    await waitUntil('a response of the second chunk stored', async () => (await rowsOf())[topicPath(API)]! > read, log);
    await sleep(random.between(0, 300));
    await victim.kill();
    const killedAt = Date.now();
    org.chunk(500, 4);

    const want = () => Object.fromEntries(TOPICS.map((t) => [topicPath(t), org.published.payloads[t]!.length]));
    await waitUntil(
      `${survivorName} holding every topic with everything published stored`,
      async () => {
        const now = await leases();
        const target = want();
        return now.length === TOPICS.length && now.every((l) => l.owner === survivorName && l.rows >= target[l.source]!);
      },
      log,
      HANDOVER_LIMIT_MS + 30_000,
    );
    const handoverMs = Date.now() - killedAt;
    expect(handoverMs, `handover took ${handoverMs} ms (seed ${SEED})`).toBeLessThanOrEqual(HANDOVER_LIMIT_MS);
    expect(pubsub.stats.openStreams, 'the survivor streams every topic').toBe(TOPICS.length);

    // Published once the survivor streams: read by it at once.
    org.chunk(500, 4);
    await waitUntil(
      'the last chunk read',
      async () => {
        const now = await rowsOf();
        return Object.entries(want()).every(([source, n]) => now[source]! >= n);
      },
      log,
    );
    await waitUntil('queues drained', () => queuesDrained(survivor), log);
    expect(await survivor.terminate(), `graceful exit:\n${log()}`).toBe(0);

    const store = await openStore({ databaseUrl: db.url, dataDir: 'unused' });
    try {
      const expected = await checkStored(store, org.published);
      await checkVerdicts(store, emulator, expected);
    } finally {
      await store.close();
    }
  });
});
