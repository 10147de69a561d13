// Durable ingest throughput and latency of POST /v1/events, on PGlite and on PostgreSQL, beside a bare
// Fastify route answering 202 (the ceiling) measured in the same run; then end-to-end latency from the
// acknowledgement to the LeakVerdict__c upserted in the org emulator at a steady 1,000 events/s (the target)
// and at 250 events/s. Loopback only; bounded: 100 requests of 200 events per store, 8 s per end-to-end rate.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import pg from 'pg';
import { startOrgEmulator, type OrgEmulator } from '../src/emulator/index.js';
import type { SidecarConfig } from '../src/config.js';
import { startSidecar, type RunningSidecar } from '../src/server.js';

const ORG_ID = '00D5g000004Cx1aEAC';
const SECRET = 'bench-secret-0123456789abcdef';
const BATCH = 200;
const REQUESTS = 100;
const CONNECTIONS = 4;
/** The target rate, and one this 2-core host sustains, to show the pipeline's own latency. */
const E2E_RATES = [1_000, 250] as const;
const E2E_SECONDS = 8;
const ADMIN_URL = process.env.LEAKWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

let counter = 0;
/** Every value differs, so no classification is shared between events. */
const serial = () => (counter += 1);

/** A user id per event, so that the detector's once-per-actor alerts do not silence the stream. */
const userId = () => `0055g${randomUUID().replace(/-/g, '').slice(0, 10)}`;

const event = () => ({
  id: randomUUID(),
  kind: 'dml',
  occurredAt: new Date().toISOString(),
  actor: { userId: userId(), username: 'shopsync@acme-shop.example', isIntegration: true },
  object: 'Contact',
  operation: 'delete',
  recordCount: 2000,
  recordIds: ['0035g00000Qw1AaAAJ'],
  fields: [
    { name: 'Email', type: 'EMAIL', recordId: '0035g00000Qw1AaAAJ', value: `jane.doe${serial()}@example.com` },
    {
      name: 'Description',
      type: 'TEXTAREA',
      recordId: '0035g00000Qw1AaAAJ',
      value: `Order ${serial()} paid with card 4111 1111 1111 1111, call +49 30 1234567`,
    },
  ],
});
const body = () =>
  JSON.stringify({
    schemaVersion: 1,
    orgId: ORG_ID,
    batchId: randomUUID(),
    events: Array.from({ length: BATCH }, event),
  });

async function load(url: string): Promise<{ eventsPerSecond: number; p50: number; p99: number; errors: number }> {
  const bodies = Array.from({ length: REQUESTS }, body);
  let next = 0;
  const result = await autocannon({
    url: `${url}/v1/events`,
    method: 'POST',
    connections: CONNECTIONS,
    amount: REQUESTS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
  });
  const ok = result['2xx'];
  return {
    eventsPerSecond: (ok * BATCH) / (result.duration || 1),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.non2xx + result.errors,
  };
}

async function ceiling() {
  const app = Fastify({ bodyLimit: 5 * 1024 * 1024 });
  app.post('/v1/events', async (request, reply) =>
    reply.code(202).send({ accepted: (request.body as { events: unknown[] }).events.length }),
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await load(url);
  } finally {
    await app.close();
  }
}

function config(
  emulator: OrgEmulator,
  keyPath: string,
  store: { databaseUrl?: string; dataDir: string },
): SidecarConfig {
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

/** Sends `rate` events/s for E2E_SECONDS; returns the p50 and p95 from each acknowledgement to its verdict's CreatedDate. */
async function endToEnd(
  sidecar: RunningSidecar,
  emulator: OrgEmulator,
  rate: number,
): Promise<{ p50: number; p95: number; verdicts: number }> {
  const ackedAt = new Map<string, number>();
  const perTick = BATCH;
  const tickMs = (1000 * perTick) / rate;
  const sends: Promise<void>[] = [];
  const started = Date.now();
  for (let tick = 0; tick < (E2E_SECONDS * 1000) / tickMs; tick += 1) {
    const wait = started + tick * tickMs - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const payload = body();
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
  const delays = verdicts
    .map((v) => Date.parse(String(v.CreatedDate).replace('+0000', 'Z')) - (ackedAt.get(String(v.EventId__c)) as number))
    .sort((a, b) => a - b);
  const at = (q: number) => delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), verdicts: delays.length };
}

/** A fresh store for one phase: a new database on the local server, or a new PGlite directory. */
async function freshStore(kind: 'PGlite' | 'PostgreSQL', dataDir: string) {
  if (kind === 'PGlite')
    return { store: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const name = `leakwatch_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    store: { databaseUrl: url.toString(), dataDir },
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

async function phase<T>(
  kind: 'PGlite' | 'PostgreSQL',
  dir: string,
  run: (emulator: OrgEmulator, config: SidecarConfig) => Promise<T>,
): Promise<T> {
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

async function measureStore(kind: 'PGlite' | 'PostgreSQL', dir: string) {
  const ingest = await phase(kind, dir, async (_emulator, cfg) => {
    const sidecar = await startSidecar(cfg);
    try {
      return await load(sidecar.url);
    } finally {
      await sidecar.close();
    }
  });
  const e2e = [];
  for (const rate of E2E_RATES) {
    e2e.push(
      await phase(kind, dir, async (emulator, cfg) => {
        const sidecar = await startSidecar(cfg);
        try {
          return await endToEnd(sidecar, emulator, rate);
        } finally {
          await sidecar.close();
        }
      }),
    );
  }
  return { ingest, e2e };
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a';

const workDir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-'));
const results: Record<string, Awaited<ReturnType<typeof measureStore>>> = {};
const bare = await ceiling();
try {
  for (const kind of ['PGlite', 'PostgreSQL'] as const) results[kind] = await measureStore(kind, workDir);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const lines = [
  `Batches of ${BATCH} events (two classified fields each), ${REQUESTS} requests over ${CONNECTIONS} connections; end-to-end for ${E2E_SECONDS} s at each rate.`,
  '',
  '| measure | bare Fastify 202 | PGlite | PostgreSQL | target |',
  '|---|---|---|---|---|',
];
const pgl = results.PGlite as Awaited<ReturnType<typeof measureStore>>;
const pgs = results.PostgreSQL as Awaited<ReturnType<typeof measureStore>>;
const share = (n: number) => `${fmt(n)} (${fmt((100 * n) / bare.eventsPerSecond)}%)`;
lines.push(
  `| acknowledged events/s | ${fmt(bare.eventsPerSecond)} | ${share(pgl.ingest.eventsPerSecond)} | ${share(pgs.ingest.eventsPerSecond)} | ≥ 30% of bare (${fmt(bare.eventsPerSecond * 0.3)}) |`,
);
lines.push(`| acknowledgement p50 (ms) | ${fmt(bare.p50)} | ${fmt(pgl.ingest.p50)} | ${fmt(pgs.ingest.p50)} | |`);
lines.push(`| acknowledgement p99 (ms) | ${fmt(bare.p99)} | ${fmt(pgl.ingest.p99)} | ${fmt(pgs.ingest.p99)} | |`);
lines.push(`| failed requests | ${bare.errors} | ${pgl.ingest.errors} | ${pgs.ingest.errors} | 0 |`);
E2E_RATES.forEach((rate, i) => {
  const [a, b] = [pgl.e2e[i], pgs.e2e[i]] as [(typeof pgl.e2e)[number], (typeof pgs.e2e)[number]];
  const target = rate === 1_000 ? '≤ 2,000' : '';
  lines.push(`| ack → verdict in org at ${fmt(rate)} events/s, p50 (ms) | | ${fmt(a.p50)} | ${fmt(b.p50)} | |`);
  lines.push(
    `| ack → verdict in org at ${fmt(rate)} events/s, p95 (ms) | | ${fmt(a.p95)} | ${fmt(b.p95)} | ${target} |`,
  );
  lines.push(`| verdicts measured at ${fmt(rate)} events/s | | ${fmt(a.verdicts)} | ${fmt(b.verdicts)} | |`);
});
console.log(lines.join('\n'));
