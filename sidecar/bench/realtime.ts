// Real-Time Event Monitoring over the Pub/Sub API, in one run:
// 1. Avro decoding alone: ApiEventStream payloads encoded with the schema the org emulator serves, decoded
//    with avsc (the sidecar's client) and with avro-js (salesforce-pubsub-api-client's library), to choose
//    the library by measurement.
// 2. Events/s streamed, decoded and durably stored in `ingested_event` by a full sidecar subscribed to the
//    emulator, for a backlog published up front, on PGlite and on PostgreSQL.
// 3. Detection latency at a steady 500 events/s: from an ApiAnomalyEvent published on the emulator to its
//    LeakVerdict__c written in the org (1 event in 50 is an anomaly; every anomaly gives a verdict).
// Emulator, gRPC transport and sidecar share this process; classification runs on the sidecar's worker threads.
// REALTIME_BENCH_EVENTS, REALTIME_BENCH_SECONDS and REALTIME_BENCH_STORES=pglite narrow a run.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import avro from 'avsc';
import { mapStreamEvent, topicPath } from '../src/collect/realtime/map-event.js';
import { loadConfig } from '../src/config.js';
import { orgKey, toId18 } from '../src/contract/salesforce-id.js';
import { startOrgEmulator, type OrgEmulator } from '../src/emulator/index.js';
import { topicSchema } from '../src/emulator/pubsub/schema.js';
import { topicByName } from '../src/emulator/pubsub/topics.js';
import { eventRecord } from '../src/emulator/pubsub/values.js';
import { startSidecar, type RunningSidecar } from '../src/server.js';
import { openStore } from '../src/store/open-store.js';
import { freshStore } from './_fresh-store.js';

const ORG_ID = '00D5g000004Cx1aEAC';
const ORG = orgKey(ORG_ID);
const SECRET = 'bench-secret-0123456789abcdef';

/** Payloads decoded per pass, and passes per library (the median counts). */
const DECODE_EVENTS = 20_000;
const DECODE_PASSES = 5;
/** The backlog streamed into each store. */
const STREAMED_EVENTS = Number(process.env.REALTIME_BENCH_EVENTS ?? 20_000);
const STREAM_TIMEOUT_MS = 90_000;
/** The steady load, and how long it lasts on each store. */
const RATE = 500;
const STEADY_SECONDS = Number(process.env.REALTIME_BENCH_SECONDS ?? 30);
const ANOMALY_EVERY = 50;
const TICK_MS = 50;
/** How long verdicts still owed are waited for once publishing stops. */
const DRAIN_MS = 30_000;
const TARGET_P95_MS = 5_000;
/** Publishing takes at most this many events at once. */
const PUBLISH_LIMIT = 10_000;

const API_TOPIC = 'ApiEventStream';
const ANOMALY_TOPIC = 'ApiAnomalyEvent';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The org's users, seeded into the org so that the subscriber's user lookups find them. */
const USERS = Array.from({ length: 200 }, (_, n) => ({
  id: toId18(`0055g00000Bn${String(n).padStart(3, '0')}`),
  username: `agent${n}@acme-shop.example`,
}));
const contactId = (n: number) => toId18(`0035g0000${n.toString(36).padStart(6, '0')}`);
const accountId = (n: number) => toId18(`0015g0000${n.toString(36).padStart(6, '0')}`);

/** The fields every monitoring event carries: its identifiers, when, and who. */
function eventHeader(n: number, at: number): Record<string, unknown> {
  const user = USERS[n % USERS.length]!;
  return { EventIdentifier: randomUUID(), EventUuid: randomUUID(), EventDate: at, UserId: user.id, Username: user.username };
}

/** One REST query of contacts as ApiEventStream reports it: the SOQL, the entities, and the ids of the rows returned. */
function apiEvent(n: number, at: number): Record<string, unknown> {
  const rows = 10;
  const ids = Array.from({ length: rows }, (_, k) => contactId(n * rows + k));
  return {
    ...eventHeader(n, at),
    ApiType: 'REST API',
    ApiVersion: 62,
    Application: 'ShopSync',
    Client: 'ShopSync/2.4',
    ElapsedTime: 20 + (n % 80),
    LoginKey: `lk${n % USERS.length}`,
    Operation: 'Query',
    OperationStatus: 'SUCCESS',
    Platform: 'Linux',
    QueriedEntities: 'Contact',
    Query: `SELECT Id, Name, Email, Phone FROM Contact WHERE AccountId = '${accountId(n)}' ORDER BY LastName LIMIT ${rows}`,
    Records: JSON.stringify({
      totalSize: rows,
      done: true,
      records: ids.map((Id) => ({ attributes: { type: 'Contact' }, Id })),
    }),
    RequestIdentifier: `TID:${n}`,
    RowsProcessed: rows,
    RowsReturned: rows,
    SessionKey: `session-${n % USERS.length}`,
    SessionLevel: 'STANDARD',
    SourceIp: `198.51.100.${n % 250}`,
    UserAgent: 'ShopSync/2.4 (Node.js 22)',
  };
}

/** Salesforce's threat detection flagging a user's API queries: always a verdict. */
function anomalyEvent(n: number, at: number): Record<string, unknown> {
  return {
    ...eventHeader(n, at),
    LoginKey: `lk${n % USERS.length}`,
    Operation: 'Query',
    QueriedEntities: 'Contact',
    RowsProcessed: 51_200,
    Score: 82.5,
    SecurityEventData: JSON.stringify([{ queriedEntities: 'Contact', rowCount: 51_200, dayOfWeek: 'Tuesday', periodOfDay: 'Night' }]),
    SessionKey: `session-${n % USERS.length}`,
    SourceIp: `203.0.113.${n % 250}`,
    Summary: 'The user queried 51,200 Contact rows, 40 times their usual volume at this time of day.',
    Uri: '/services/data/v62.0/query',
    UserAgent: 'python-requests/2.32',
  };
}

// ---------------------------------------------------------------------------------------------------------
// 1. Avro decoding alone

interface AvroJsType {
  fromBuffer(buffer: Buffer): Record<string, unknown>;
}
interface AvroJs {
  parse(schema: object, options?: { registry: Record<string, unknown> }): AvroJsType;
  types: { LongType: { using(methods: Record<string, unknown>): unknown } };
}
const load = createRequire(import.meta.url);
const avroJs = load('avro-js') as AvroJs;
const versionOf = (name: string) => (load(`${name}/package.json`) as { version: string }).version;

/** A payload with each union value's wrapping `{"string": …}` replaced by the value, as the sidecar's mapper reads it. */
function flattened(payload: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(payload)) {
    if (value === null || typeof value !== 'object') continue;
    const keys = Object.keys(value);
    if (keys.length === 1) payload[key] = (value as Record<string, unknown>)[keys[0]!];
  }
  return payload;
}

/** avro-js's long type as salesforce-pubsub-api-client registers it: longs beyond 2^53 kept as BigInt. */
const bigIntSafeLong = () =>
  avroJs.types.LongType.using({
    fromBuffer: (buffer: Buffer) => {
      const big = buffer.readBigInt64LE();
      return big < Number.MIN_SAFE_INTEGER || big > Number.MAX_SAFE_INTEGER ? big : Number(big);
    },
    toBuffer: (n: number | bigint) => {
      const buffer = Buffer.allocUnsafe(8);
      buffer.writeBigInt64LE(BigInt(n));
      return buffer;
    },
    fromJSON: BigInt,
    toJSON: Number,
    isValid: (n: unknown) => (typeof n === 'number' && n % 1 === 0) || typeof n === 'bigint',
    compare: (a: number, b: number) => (a === b ? 0 : a < b ? -1 : 1),
  });

interface DecodeResult {
  library: string;
  events: number;
  seconds: number;
  eventsPerSecond: number;
}

function measureDecoding(): { results: DecodeResult[]; payloadBytes: number } {
  const definition = topicByName(topicPath(API_TOPIC));
  if (!definition) throw new Error(`the emulator has no ${API_TOPIC} topic`);
  const schema = topicSchema(definition);
  const now = Date.now();
  const buffers = Array.from({ length: DECODE_EVENTS }, (_, n) =>
    schema.type.toBuffer(eventRecord(schema, definition.object, apiEvent(n, now + n), n, { now, createdById: USERS[0]!.id })),
  );
  // What GetSchema answers, parsed as each client parses it.
  const served = JSON.parse(schema.json) as avro.Schema & object;
  const avscType = avro.Type.forSchema(served);
  const avroJsType = avroJs.parse(served);
  const avroJsClientType = avroJs.parse(served, { registry: { long: bigIntSafeLong() } });
  const avscVersion = `avsc ${versionOf('avsc')}`;
  const avroJsVersion = `avro-js ${versionOf('avro-js')}`;
  const decoders: { library: string; decode: (buffer: Buffer) => Record<string, unknown> }[] = [
    {
      library: `${avscVersion}, as the sidecar's client decodes`,
      decode: (b) => avscType.fromBuffer(b) as Record<string, unknown>,
    },
    { library: `${avroJsVersion}, union values left wrapped`, decode: (b) => avroJsType.fromBuffer(b) },
    { library: `${avroJsVersion}, union values flattened`, decode: (b) => flattened(avroJsType.fromBuffer(b)) },
    {
      library: `${avroJsVersion} as salesforce-pubsub-api-client decodes (BigInt-safe longs, unions flattened)`,
      decode: (b) => flattened(avroJsClientType.fromBuffer(b)),
    },
  ];
  const expected = avscType.fromBuffer(buffers[0]!) as Record<string, unknown>;
  for (const { library, decode } of decoders.filter((_, i) => i !== 1)) {
    const payload = decode(buffers[0]!);
    if (payload['EventIdentifier'] !== expected['EventIdentifier'] || payload['EventDate'] !== expected['EventDate'])
      throw new Error(`${library} decodes another payload than avsc`);
  }
  // Passes alternate between the libraries, so that none gets a quieter moment of the machine; pass 0 warms up.
  const passes = decoders.map(() => [] as number[]);
  let sink = 0;
  for (let pass = 0; pass <= DECODE_PASSES; pass += 1) {
    decoders.forEach(({ decode }, i) => {
      const started = performance.now();
      for (const buffer of buffers) sink += Object.keys(decode(buffer)).length;
      if (pass > 0) passes[i]!.push((performance.now() - started) / 1000);
    });
  }
  if (sink === 0) throw new Error('nothing decoded');
  const results = decoders.map(({ library }, i) => {
    const seconds = passes[i]!.sort((a, b) => a - b)[Math.floor(DECODE_PASSES / 2)]!;
    return { library, events: buffers.length, seconds, eventsPerSecond: buffers.length / seconds };
  });
  const payloadBytes = buffers.reduce((sum, b) => sum + b.length, 0) / buffers.length;
  return { results, payloadBytes };
}

// ---------------------------------------------------------------------------------------------------------
// A full sidecar subscribed to an org emulator, on a fresh store

type StoreKind = 'PGlite' | 'PostgreSQL';
interface StoreSpec {
  databaseUrl?: string;
  dataDir: string;
}

/** The sidecar's environment: real-time reads from the emulator, no REST collectors, the recognizers only. */
function sidecarEnv(emulator: OrgEmulator, keyPath: string, store: StoreSpec, topics: string[]): NodeJS.ProcessEnv {
  return {
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}),
    LEAKWATCH_DATA_DIR: store.dataDir,
    LEAKWATCH_ORG_SECRETS: `${ORG_ID}=${SECRET}`,
    SF_LOGIN_URL: emulator.url,
    SF_CLIENT_ID: emulator.connectedApp.clientId,
    SF_USERNAME: emulator.identity.username,
    SF_PRIVATE_KEY_PATH: keyPath,
    LEAKWATCH_MODEL_DIR: 'none',
    LEAKWATCH_COLLECT: 'off',
    LEAKWATCH_REALTIME: 'on',
    LEAKWATCH_PUBSUB_ENDPOINT: emulator.pubsubEndpoint,
    LEAKWATCH_PUBSUB_TLS: 'off',
    LEAKWATCH_REALTIME_TOPICS: topics.join(','),
    LEAKWATCH_REALTIME_START: 'earliest',
    ...(process.env.LEAKWATCH_CLASSIFY_THREADS ? { LEAKWATCH_CLASSIFY_THREADS: process.env.LEAKWATCH_CLASSIFY_THREADS } : {}),
  };
}

/** Events the sidecar's subscriptions have stored (committed with their replay id). */
const storedEvents = (sidecar: RunningSidecar) => sidecar.app.realtimeStatus(ORG).reduce((sum, s) => sum + s.stored, 0);

async function waitSubscribed(sidecar: RunningSidecar, topics: number): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    const states = sidecar.app.realtimeStatus(ORG);
    if (states.length === topics && states.every((s) => s.state === 'subscribed')) return;
    await sleep(20);
  }
  throw new Error(`the subscriptions did not open: ${JSON.stringify(sidecar.app.realtimeStatus(ORG))}`);
}

async function withSidecar<T>(
  kind: StoreKind,
  dir: string,
  topics: string[],
  run: (emulator: OrgEmulator, sidecar: RunningSidecar) => Promise<T>,
): Promise<T & { rows: number }> {
  const emulator = await startOrgEmulator({ orgId: ORG_ID });
  emulator.seed(
    'User',
    USERS.map((u, n) => ({
      Id: u.id,
      Username: u.username,
      LastName: `User ${n}`,
      IsActive: true,
      UserType: 'Standard',
    })),
  );
  const keyPath = join(dir, `${randomUUID()}.key`);
  writeFileSync(keyPath, emulator.connectedApp.privateKey ?? '', { mode: 0o600 });
  const { store, drop } = await freshStore(kind, join(dir, randomUUID()));
  try {
    const sidecar = await startSidecar(loadConfig(sidecarEnv(emulator, keyPath, store, topics)));
    let result: T;
    try {
      await waitSubscribed(sidecar, topics.length);
      result = await run(emulator, sidecar);
    } finally {
      await sidecar.close();
    }
    // Counted in the store itself, once the sidecar has let go of it.
    const check = await openStore(store);
    const [row] = await check.query<{ n: number }>('SELECT count(*)::int AS n FROM ingested_event');
    await check.close();
    return { ...result, rows: row?.n ?? 0 };
  } finally {
    await emulator.close();
    await drop();
  }
}

// ---------------------------------------------------------------------------------------------------------
// 2. Streamed, decoded and durably stored

interface StreamResult {
  events: number;
  stored: number;
  seconds: number;
  eventsPerSecond: number;
  /** Stored events the detector had not scored yet when the last one was stored. */
  awaitingScoring: number;
}

/** Acknowledged events waiting to be scored, as GET /v1/status reports them. */
async function eventsPending(sidecar: RunningSidecar): Promise<number> {
  const res = await fetch(`${sidecar.url}/v1/status`, { headers: { authorization: `Bearer ${SECRET}` } });
  return ((await res.json()) as { queues: { eventsPending: number } }).queues.eventsPending;
}

async function measureStreaming(kind: StoreKind, dir: string) {
  return withSidecar(kind, dir, [API_TOPIC], async (emulator, sidecar): Promise<StreamResult> => {
    const at = Date.now();
    const events = Array.from({ length: STREAMED_EVENTS }, (_, n) => apiEvent(n, at + n));
    // Published in one go: nothing reaches the sidecar before the whole backlog is on the bus.
    for (let i = 0; i < events.length; i += PUBLISH_LIMIT) emulator.publishEvents(API_TOPIC, events.slice(i, i + PUBLISH_LIMIT));
    const started = performance.now();
    const until = Date.now() + STREAM_TIMEOUT_MS;
    let stored = storedEvents(sidecar);
    while (stored < events.length && Date.now() < until) {
      await sleep(10);
      stored = storedEvents(sidecar);
    }
    const seconds = (performance.now() - started) / 1000;
    return {
      events: events.length,
      stored,
      seconds,
      eventsPerSecond: stored / seconds,
      awaitingScoring: await eventsPending(sidecar),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// 3. Published → verdict in the org, at a steady rate

interface LatencyResult {
  published: number;
  seconds: number;
  eventsPerSecond: number;
  storedWhenStopped: number;
  anomalies: number;
  delays: number[];
}

async function measureLatency(kind: StoreKind, dir: string) {
  return withSidecar(kind, dir, [API_TOPIC, ANOMALY_TOPIC], async (emulator, sidecar): Promise<LatencyResult> => {
    /** Event id the sidecar derives for each anomaly → when it was published (epoch ms). */
    const publishedAt = new Map<string, number>();
    let published = 0;
    const started = Date.now();
    const end = started + STEADY_SECONDS * 1000;
    for (let tick = 1; ; tick += 1) {
      const wait = started + tick * TICK_MS - Date.now();
      if (wait > 0) await sleep(wait);
      const now = Date.now();
      // Catches up after a late tick, so the rate holds on average.
      const due = Math.floor(((Math.min(now, end) - started) * RATE) / 1000) - published;
      const api: Record<string, unknown>[] = [];
      const anomalies: Record<string, unknown>[] = [];
      for (let k = 0; k < due; k += 1) {
        const n = published + k;
        if (n % ANOMALY_EVERY === ANOMALY_EVERY - 1) anomalies.push(anomalyEvent(n, now));
        else api.push(apiEvent(n, now));
      }
      if (api.length > 0) emulator.publishEvents(API_TOPIC, api);
      if (anomalies.length > 0) {
        const at = Date.now();
        emulator.publishEvents(ANOMALY_TOPIC, anomalies);
        for (const payload of anomalies) publishedAt.set(mapStreamEvent(topicPath(ANOMALY_TOPIC), payload, { orgId: ORG })!.id.toLowerCase(), at);
      }
      published += due;
      if (now >= end) break;
    }
    const seconds = (Date.now() - started) / 1000;
    const storedWhenStopped = storedEvents(sidecar);
    const timed = () => emulator.records('LeakVerdict__c').filter((v) => publishedAt.has(String(v.EventId__c).toLowerCase()));
    const until = Date.now() + DRAIN_MS;
    let verdicts = timed();
    while (verdicts.length < publishedAt.size && Date.now() < until) {
      await sleep(250);
      verdicts = timed();
    }
    const delays = verdicts
      .map((v) => (emulator.createdAtMs(String(v.Id)) as number) - (publishedAt.get(String(v.EventId__c).toLowerCase()) as number))
      .sort((a, b) => a - b);
    return {
      published,
      seconds,
      eventsPerSecond: published / seconds,
      storedWhenStopped,
      anomalies: publishedAt.size,
      delays,
    };
  });
}

// ---------------------------------------------------------------------------------------------------------

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const load1 = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

const only = process.env.REALTIME_BENCH_STORES?.split(',').map((s) => s.trim().toLowerCase());
const kinds = (['PGlite', 'PostgreSQL'] as const).filter((k) => only?.includes(k.toLowerCase()) ?? true);
const loadBefore = load1();
const benchStarted = performance.now();
const workDir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-'));
const decoding = measureDecoding();
const streamed = new Map<StoreKind, Awaited<ReturnType<typeof measureStreaming>>>();
const latency = new Map<StoreKind, Awaited<ReturnType<typeof measureLatency>>>();
try {
  for (const kind of kinds) streamed.set(kind, await measureStreaming(kind, workDir));
  for (const kind of kinds) latency.set(kind, await measureLatency(kind, workDir));
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const avsc = decoding.results[0]!;
const lines = [
  `${availableParallelism()} cores; load average before ${loadBefore}, after ${load1()}; ${fmt((performance.now() - benchStarted) / 1000)} s in all. Classification threads: ${process.env.LEAKWATCH_CLASSIFY_THREADS ?? 'default (available cores)'}; recognizers only.`,
  '',
  `Avro decoding alone: ${fmt(DECODE_EVENTS)} ApiEventStream payloads (${fmt(decoding.payloadBytes)} bytes on average) with the schema GetSchema serves, median of ${DECODE_PASSES} passes.`,
  '',
  '| library | events | seconds | events/s | µs/event | vs avsc |',
  '|---|---:|---:|---:|---:|---:|',
  ...decoding.results.map(
    (r) =>
      `| ${r.library} | ${fmt(r.events)} | ${fmt(r.seconds, 3)} | ${fmt(r.eventsPerSecond)} | ${fmt(1e6 / r.eventsPerSecond, 2)} | ${fmt(r.eventsPerSecond / avsc.eventsPerSecond, 2)}× |`,
  ),
  '',
  `Streamed, decoded and durably stored: ${fmt(STREAMED_EVENTS)} ApiEventStream events published up front, subscribed from EARLIEST; rows counted in ingested_event afterwards.`,
  '',
  '| store | events | stored | rows in ingested_event | seconds | events/s | share of avsc decoding alone | not yet scored when all were stored |',
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...kinds.map((kind) => {
    const r = streamed.get(kind)!;
    return `| ${kind} | ${fmt(r.events)} | ${fmt(r.stored)} | ${fmt(r.rows)} | ${fmt(r.seconds, 1)} | ${fmt(r.eventsPerSecond)} | ${fmt((100 * r.eventsPerSecond) / avsc.eventsPerSecond, 2)}% | ${fmt(r.awaitingScoring)} |`;
  }),
  '',
  `Published → verdict in the org at ${fmt(RATE)} events/s for ${STEADY_SECONDS} s, 1 in ${ANOMALY_EVERY} an ApiAnomalyEvent (timed to its LeakVerdict__c), the rest ApiEventStream (each topic its own subscription); events/s stored counts both subscriptions while publishing; verdicts still owed waited for ${DRAIN_MS / 1000} s.`,
  '',
  '| store | events | seconds | events/s published | events/s stored | anomalies | verdicts timed | p50 (ms) | p95 (ms) | max (ms) | target p95 |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...kinds.map((kind) => {
    const r = latency.get(kind)!;
    const p95 = quantile(r.delays, 0.95);
    return `| ${kind} | ${fmt(r.published)} | ${fmt(r.seconds, 1)} | ${fmt(r.eventsPerSecond)} | ${fmt(r.storedWhenStopped / r.seconds)} | ${fmt(r.anomalies)} | ${fmt(r.delays.length)} | ${fmt(quantile(r.delays, 0.5))} | ${fmt(p95)} | ${fmt(r.delays.at(-1) ?? NaN)} | ≤ ${fmt(TARGET_P95_MS)} ${p95 <= TARGET_P95_MS ? '✓' : '✗'} |`;
  }),
];
console.log(lines.join('\n'));
