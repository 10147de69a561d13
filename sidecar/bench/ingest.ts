// Durable ingest throughput and latency of POST /v1/events, on PGlite and on PostgreSQL, beside a bare
// Fastify route answering 202 (the ceiling) measured in the same run with the same bodies; then end-to-end
// latency from the acknowledgement to the LeakVerdict__c upserted in the org emulator at a steady 1,000 events/s
// (the target). Each for two loads: a realistic mix and the worst case (free text in every event).
// Loopback only; bounded: 100 requests of 200 events per store and load, 8 s end-to-end. Beside the bare route, the
// classification pipeline alone on the same batches (its own ceiling for free text).
// INGEST_BENCH_MIXES=realistic and INGEST_BENCH_STORES=pglite narrow a run.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { SHIPPED_MODEL_DIR } from '../src/classify/index.js';
import type { ClassifyInput } from '../src/contract/entities.js';
import type { LeakEvent } from '../src/contract/event.js';
import { startOrgEmulator, type OrgEmulator } from '../src/emulator/index.js';
import { classifyEvents } from '../src/ingest/classify-events.js';
import { createClassifyPool } from '../src/ingest/classify-pool.js';
import type { SidecarConfig } from '../src/config.js';
import { startSidecar, type RunningSidecar } from '../src/server.js';
import { freshStore } from './_fresh-store.js';

const ORG_ID = '00D5g000004Cx1aEAC';
const SECRET = 'bench-secret-0123456789abcdef';
const BATCH = 200;
const REQUESTS = 100;
const CONNECTIONS = 4;
/** The target rate of the realistic mix. */
const E2E_RATE = 1_000;
/** The p95 from acknowledgement to verdict the end-to-end runs must keep to. */
const E2E_P95_MS = 2_000;
/**
 * Free text in every event is bound by classification: it is sent end to end at falling shares of what the
 * classification pipeline alone reaches on the same batches, until the p95 keeps to E2E_P95_MS (the rate the machine
 * sustains, stated in the table), or at `INGEST_BENCH_FREE_TEXT_RATE` alone.
 */
const e2eRates = (mix: Mix): number[] => {
  if (mix === 'realistic') return [E2E_RATE];
  const set = Number(process.env.INGEST_BENCH_FREE_TEXT_RATE);
  if (set > 0) return [set];
  const ceiling = alone.get(mix)?.eventsPerSecond ?? 0;
  return [0.5, 0.35, 0.25, 0.15].map((share) => Math.max(BATCH / 2, Math.floor((ceiling * share) / 50) * 50));
};
const E2E_SECONDS = 8;

let counter = 0;
/** Every value differs, so no classification is shared between events. */
const serial = () => (counter += 1);

/** A user id per event, so that the detector's once-per-actor alerts do not silence the stream. */
const userId = () => `0055g${randomUUID().replace(/-/g, '').slice(0, 10)}`;
const recordId = (prefix: string) => `${prefix}5g${randomUUID().replace(/-/g, '').slice(0, 13)}`;

const FIRST = ['Jane', 'Lukas', 'Amélie', 'Marco', 'Sofia', 'Pieter', 'Aoife', 'Jonas'];
const LAST = ['Doe', 'Schneider', 'Dubois', 'Rossi', 'García', 'de Vries', 'Byrne', 'Berg'];
const CITY = ['Berlin', 'Lyon', 'Milan', 'Utrecht', 'Dublin', 'Madrid'];
const pick = <T>(items: readonly T[], n: number): T => items[n % items.length] as T;

/** A case note as agents write them: a name, a place, an order, sometimes a card or a phone number. */
function caseNote(n: number): string {
  const name = `${pick(FIRST, n)} ${pick(LAST, n >> 3)}`;
  switch (n % 3) {
    case 0:
      return `${name} from ${pick(CITY, n)} asked where order SO-${n} is; tracking link sent.`;
    case 1:
      return `Return requested for SO-${n}. ${name} is reachable at ${name.split(' ')[0]!.toLowerCase()}.${n}@mail.example or +49 30 ${1_000_000 + n}.`;
    default:
      return `${name} wants to pay order SO-${n} by phone: card 4111 1111 1111 1111, call back in ${pick(CITY, n)}.`;
  }
}

const base = (object: string, operation: string, recordCount: number) => ({
  id: randomUUID(),
  kind: 'dml',
  occurredAt: new Date().toISOString(),
  actor: { userId: userId(), username: 'shopsync@acme-shop.example', isIntegration: true },
  object,
  operation,
  recordCount,
});

/** A bulk slice summarised by the package: ids and counts, no field values. */
const summary = () => {
  const ids = Array.from({ length: 20 }, () => recordId('003'));
  return {
    ...base('Contact', 'delete', 200),
    recordIds: ids,
    details: { trigger: 'AFTER_DELETE', sliceSize: 200, apiType: 'bulk', jobId: `7505g000001${serial()}` },
  };
};

/** A single-record update of the configured typed fields (Email, Phone). */
const typedValues = () => {
  const id = recordId('003');
  const n = serial();
  return {
    ...base('Contact', 'update', 1),
    recordIds: [id],
    fields: [
      { name: 'Email', type: 'EMAIL', label: 'Email', recordId: id, value: `jane.doe${n}@example.com` },
      {
        name: 'Phone',
        type: 'PHONE',
        label: 'Business Phone',
        recordId: id,
        value: `+44 20 7946 ${1000 + (n % 9000)}`,
      },
    ],
    details: { trigger: 'AFTER_UPDATE', sliceSize: 1, apiType: 'rest' },
  };
};

/** A case whose free-text Description changed (plus its contact's Email). */
const freeText = () => {
  const id = recordId('500');
  const n = serial();
  return {
    ...base('Case', 'update', 1),
    recordIds: [id],
    fields: [
      { name: 'SuppliedEmail', type: 'EMAIL', label: 'Web Email', recordId: id, value: `customer${n}@example.com` },
      { name: 'Description', type: 'TEXTAREA', label: 'Description', recordId: id, value: caseNote(n) },
    ],
    details: { trigger: 'AFTER_UPDATE', sliceSize: 1, apiType: 'ui' },
  };
};

/**
 * The two loads. Realistic: most events are bulk summaries without values (the package sends values only for the
 * fields in FieldsToClassify__c, and summarises slices from BulkThreshold__c on); worst case: every event carries a
 * free-text Description.
 */
const MIXES = {
  realistic: {
    label: '70% summaries without values, 20% Email+Phone, 10% free-text Description',
    summary: 0.7,
    typed: 0.2,
  },
  'free text': { label: 'worst case, 100% free-text Description (+ Email)', summary: 0, typed: 0 },
} as const;
type Mix = keyof typeof MIXES;

const event = (mix: Mix, i: number) => {
  const { summary: s, typed: t } = MIXES[mix];
  const at = (((i * 0.618034) % 1) + 1) % 1;
  if (at < s) return summary();
  if (at < s + t) return typedValues();
  return freeText();
};
const body = (mix: Mix) =>
  JSON.stringify({
    schemaVersion: 1,
    orgId: ORG_ID,
    batchId: randomUUID(),
    events: Array.from({ length: BATCH }, (_, i) => event(mix, i)),
  });

async function load(url: string, mix: Mix): Promise<{ eventsPerSecond: number; p50: number; p99: number; errors: number }> {
  const bodies = Array.from({ length: REQUESTS }, () => body(mix));
  let next = 0;
  const started = performance.now();
  let lastResponse = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url: `${url}/v1/events`,
        method: 'POST',
        connections: CONNECTIONS,
        amount: REQUESTS,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
      },
      (err, done) => (err ? reject(err) : resolve(done)),
    );
    run.on('response', () => {
      lastResponse = performance.now();
    });
  });
  const ok = result['2xx'];
  return {
    // From the first request to the last response: autocannon's own duration, and the time its promise takes to
    // resolve, are in whole seconds (it finishes on its next one-second tick), up to 14 % off on a 7 s run.
    eventsPerSecond: (ok * BATCH) / ((lastResponse - started) / 1000),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

/**
 * The classification pipeline alone, as the sidecar runs it (its pool of threads, one call per batch, the batches
 * of CONNECTIONS requests in flight), on the strings the same batches hand it: what ingest would reach if
 * receiving, validating and storing cost nothing.
 */
async function pipelineAlone(mix: Mix): Promise<{ eventsPerSecond: number }> {
  const batches: ClassifyInput[][] = [];
  const capture = {
    classify: async () => [],
    classifyMany: async (inputs: ClassifyInput[]) => {
      batches.push(inputs);
      return inputs.map(() => []);
    },
    hashKey: (value: string) => value,
    modelLoaded: false,
    close: async () => undefined,
  };
  for (let i = 0; i < REQUESTS; i += 1) {
    const { events } = JSON.parse(body(mix)) as { events: LeakEvent[] };
    await classifyEvents(capture, ORG_ID, events);
  }
  const pool = createClassifyPool({ classifier: { salt: 'bench-salt', modelDir: SHIPPED_MODEL_DIR } });
  try {
    await pool.ready();
    await pool.classifyMany(batches[0]!);
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < batches.length) await pool.classifyMany(batches[next++]!);
      }),
    );
    return { eventsPerSecond: (batches.length * BATCH) / ((performance.now() - started) / 1000) };
  } finally {
    await pool.close();
  }
}

async function ceiling(mix: Mix) {
  const app = Fastify({ bodyLimit: 5 * 1024 * 1024 });
  app.post('/v1/events', async (request, reply) => reply.code(202).send({ accepted: (request.body as { events: unknown[] }).events.length }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await load(url, mix);
  } finally {
    await app.close();
  }
}

function config(emulator: OrgEmulator, keyPath: string, store: { databaseUrl?: string; dataDir: string }): SidecarConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    logLevel: 'warn',
    ...store,
    orgSecrets: new Map([[ORG_ID.slice(0, 15), SECRET]]),
    salesforce: {
      loginUrl: emulator.url,
      clientId: emulator.connectedApp.clientId,
      username: emulator.identity.username,
      privateKeyPath: keyPath,
      apiVersion: '62.0',
    },
    outbox: { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 5_000 },
    pollMs: 20,
  };
}

/** Sends `rate` events/s for E2E_SECONDS; returns the p50 and p95 from each acknowledgement to its verdict's creation in the org. */
async function endToEnd(sidecar: RunningSidecar, emulator: OrgEmulator, rate: number, mix: Mix): Promise<{ p50: number; p95: number; verdicts: number }> {
  const ackedAt = new Map<string, number>();
  const perTick = BATCH;
  const tickMs = (1000 * perTick) / rate;
  const sends: Promise<void>[] = [];
  const started = Date.now();
  for (let tick = 0; tick < (E2E_SECONDS * 1000) / tickMs; tick += 1) {
    const wait = started + tick * tickMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const payload = body(mix);
    const ids = (JSON.parse(payload) as { events: { id: string }[] }).events.map((e) => e.id);
    sends.push(
      fetch(`${sidecar.url}/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
        body: payload,
      }).then(async (res) => {
        await res.arrayBuffer();
        const now = Date.now();
        if (res.status === 202) for (const id of ids) ackedAt.set(id, now);
      }),
    );
  }
  await Promise.all(sends);
  const until = Date.now() + 60_000;
  const written = () => emulator.records('LeakVerdict__c').filter((v) => ackedAt.has(String(v.EventId__c)));
  let verdicts = written();
  while (verdicts.length < ackedAt.size && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    verdicts = written();
  }
  const delays = verdicts.map((v) => (emulator.createdAtMs(String(v.Id)) as number) - (ackedAt.get(String(v.EventId__c)) as number)).sort((a, b) => a - b);
  const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), verdicts: delays.length };
}

async function phase<T>(kind: 'PGlite' | 'PostgreSQL', dir: string, run: (emulator: OrgEmulator, config: SidecarConfig) => Promise<T>): Promise<T> {
  const emulator = await startOrgEmulator({ orgId: ORG_ID });
  const keyPath = join(dir, `${randomUUID()}.key`);
  writeFileSync(keyPath, emulator.connectedApp.privateKey ?? '', { mode: 0o600 });
  const { store, drop } = await freshStore(kind, join(dir, randomUUID()));
  try {
    return await run(emulator, config(emulator, keyPath, store));
  } finally {
    await emulator.close();
    await drop();
  }
}

async function measureStore(kind: 'PGlite' | 'PostgreSQL', dir: string, mix: Mix) {
  const ingest = await phase(kind, dir, async (_emulator, cfg) => {
    const sidecar = await startSidecar(cfg);
    try {
      return await load(sidecar.url, mix);
    } finally {
      await sidecar.close();
    }
  });
  let e2e: Awaited<ReturnType<typeof endToEnd>> & { rate: number } = { p50: NaN, p95: NaN, verdicts: 0, rate: NaN };
  for (const rate of e2eRates(mix)) {
    e2e = await phase(kind, dir, async (emulator, cfg) => {
      const sidecar = await startSidecar(cfg);
      try {
        return { ...(await endToEnd(sidecar, emulator, rate, mix)), rate };
      } finally {
        await sidecar.close();
      }
    });
    if (e2e.p95 <= E2E_P95_MS) break;
  }
  return { ingest, e2e };
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a');

type Measured = Awaited<ReturnType<typeof measureStore>>;
const workDir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-'));
/** `INGEST_BENCH_MIXES=realistic` and `INGEST_BENCH_STORES=PGlite` narrow a run to some columns. */
const only = (variable: string) => process.env[variable]?.split(',').map((v) => v.trim().toLowerCase());
const mixes = (Object.keys(MIXES) as Mix[]).filter((m) => only('INGEST_BENCH_MIXES')?.includes(m) ?? true);
const kinds = (['PGlite', 'PostgreSQL'] as const).filter((k) => only('INGEST_BENCH_STORES')?.includes(k.toLowerCase()) ?? true);
const bare = new Map<Mix, Awaited<ReturnType<typeof ceiling>>>();
const alone = new Map<Mix, Awaited<ReturnType<typeof pipelineAlone>>>();
const results = new Map<string, Measured>();
try {
  for (const mix of mixes) {
    bare.set(mix, await ceiling(mix));
    alone.set(mix, await pipelineAlone(mix));
    for (const kind of kinds) results.set(`${kind} ${mix}`, await measureStore(kind, workDir, mix));
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const columns = mixes.flatMap((mix) => kinds.map((kind) => ({ mix, kind, r: results.get(`${kind} ${mix}`) as Measured })));
const lines = [
  `Batches of ${BATCH} events, ${REQUESTS} requests over ${CONNECTIONS} connections per column; end-to-end for ${E2E_SECONDS} s at the rate in the table. Classification threads: ${process.env.LEAKWATCH_CLASSIFY_THREADS ?? 'default (available cores)'}.`,
  ...mixes.map((mix) => `- ${mix}: ${MIXES[mix].label}`),
  '',
  `| measure | ${mixes.map((m) => `bare Fastify 202 (${m})`).join(' | ')} | ${columns.map((c) => `${c.kind} (${c.mix})`).join(' | ')} | target |`,
  `|---|${mixes.map(() => '---|').join('')}${columns.map(() => '---|').join('')}---|`,
];
const row = (name: string, bareCell: (mix: Mix) => string, cell: (c: (typeof columns)[number]) => string, target = '') =>
  lines.push(`| ${name} | ${mixes.map(bareCell).join(' | ')} | ${columns.map(cell).join(' | ')} | ${target} |`);
const bareOf = (mix: Mix) => bare.get(mix) as Awaited<ReturnType<typeof ceiling>>;
row(
  'acknowledged events/s',
  (m) => fmt(bareOf(m).eventsPerSecond),
  (c) => `${fmt(c.r.ingest.eventsPerSecond)} (${fmt((100 * c.r.ingest.eventsPerSecond) / bareOf(c.mix).eventsPerSecond)}%)`,
  '',
);
row(
  'classification alone, events/s (same batches, same threads)',
  (m) => fmt((alone.get(m) as { eventsPerSecond: number }).eventsPerSecond),
  (c) => `${fmt((100 * c.r.ingest.eventsPerSecond) / (alone.get(c.mix) as { eventsPerSecond: number }).eventsPerSecond)}% of it`,
  '≥ 80% (free text)',
);
row(
  'acknowledgement p50 (ms)',
  (m) => fmt(bareOf(m).p50),
  (c) => fmt(c.r.ingest.p50),
);
row(
  'acknowledgement p99 (ms)',
  (m) => fmt(bareOf(m).p99),
  (c) => fmt(c.r.ingest.p99),
);
row(
  'failed requests',
  (m) => String(bareOf(m).errors),
  (c) => String(c.r.ingest.errors),
  '0',
);
row(
  'end-to-end: events/s sent',
  () => '',
  (c) => fmt(c.r.e2e.rate),
  `${fmt(E2E_RATE)} (realistic)`,
);
row(
  'ack → verdict in org, p50 (ms)',
  () => '',
  (c) => fmt(c.r.e2e.p50),
);
row(
  'ack → verdict in org, p95 (ms)',
  () => '',
  (c) => fmt(c.r.e2e.p95),
  `≤ ${fmt(E2E_P95_MS)}`,
);
row(
  'verdicts measured',
  () => '',
  (c) => fmt(c.r.e2e.verdicts),
);
console.log(lines.join('\n'));
