// Incident notification latency: from the event that opens an incident (POST /v1/events) to the first
// notification each target accepted for it — the ServiceNow ticket created, the Jira Service Management
// request created, the signed webhook answered 2xx, the mail accepted by the SMTP relay, the org's
// LeakAlert__e published (after its Case) — on PGlite and on PostgreSQL.
// Incidents are opened one at a time, each by one export of a canary contact by a user of its own
// (canary_touched: Critical, so every target hears of it); the next is sent once every target has the
// previous one. The targets are the emulators and a webhook receiver in this process, without faults or
// latency; their record counts are polled every POLL_MS. The sidecar runs in this process with its
// default worker settings and serves the targets side by side; "first" counts the incidents a target
// heard of first.
// NOTIFY_BENCH_INCIDENTS and NOTIFY_BENCH_STORES=pglite narrow a run.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config.js';
import { toId18 } from '../src/contract/salesforce-id.js';
import { startOrgEmulator } from '../src/emulator/index.js';
import { DEFAULT_JIRA_SERVICE_DESK, DEFAULT_JIRA_USER, startJiraEmulator } from '../src/emulator/jira.js';
import { startServiceNowEmulator } from '../src/emulator/servicenow.js';
import { startSmtpEmulator } from '../src/emulator/smtp.js';
import { verifyWebhook } from '../src/notify/webhook.js';
import { startSidecar } from '../src/server.js';
import { freshStore, type BenchStoreKind } from './_fresh-store.js';

const ORG_ID = '00D5g000004Cx1aEAC';
const SECRET = 'bench-secret-0123456789abcdef';
const WEBHOOK_SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const INCIDENTS = Number(process.env.NOTIFY_BENCH_INCIDENTS ?? 80);
/** Incidents opened first and not timed: the first deliveries also look up the service desk and open connections. */
const WARM_UP = 2;
const POLL_MS = 2;
/** How long one incident may take to reach every target. */
const INCIDENT_TIMEOUT_MS = 30_000;
const TARGETS = ['ServiceNow', 'Jira', 'webhook', 'SMTP', 'org'] as const;
type Target = (typeof TARGETS)[number];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const AUTH = { authorization: `Bearer ${SECRET}` };

/** A user of its own per incident: incidents group by actor. */
const userOf = (n: number) => ({ userId: toId18(`0055g00000Nb${String(n).padStart(3, '0')}`), username: `analyst${n}@acme-shop.example` });

/** A webhook receiver that verifies each delivery and counts the ones it answered 2xx. */
async function webhookReceiver(): Promise<{ url: string; accepted: () => number; close: () => Promise<void> }> {
  let accepted = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const verified = verifyWebhook(WEBHOOK_SECRET, req.headers as Record<string, string>, Buffer.concat(chunks).toString('utf8'));
      if (!verified.ok) {
        res.writeHead(400).end();
        return;
      }
      accepted += 1;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/leakwatch`,
    accepted: () => accepted,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

interface Run {
  /** Per target, ms from the POST to the target's record, one per timed incident. */
  delays: Record<Target, number[]>;
  /** Per target, the incidents it heard of before the other targets. */
  first: Record<Target, number>;
  /** Incidents that did not reach every target in time. */
  missed: number;
  seconds: number;
}

async function measure(kind: BenchStoreKind, dir: string): Promise<Run> {
  const org = await startOrgEmulator({ orgId: ORG_ID, pubsub: false });
  const servicenow = await startServiceNowEmulator();
  const jira = await startJiraEmulator();
  const smtp = await startSmtpEmulator({ users: [{ username: 'leakwatch', password: 'bench-mail' }] });
  const hook = await webhookReceiver();
  const { store, drop } = await freshStore(kind, join(dir, randomUUID()));
  const keyPath = join(dir, `${randomUUID()}.key`);
  writeFileSync(keyPath, org.connectedApp.privateKey ?? '', { mode: 0o600 });
  const notifyFile = join(dir, `${randomUUID()}.json`);
  writeFileSync(
    notifyFile,
    JSON.stringify({
      targets: [
        {
          name: 'soc-servicenow',
          kind: 'servicenow',
          instanceUrl: servicenow.url,
          auth: { kind: 'basic', username: 'leakwatch', passwordEnv: 'BENCH_SN_PASSWORD' },
        },
        {
          name: 'dpo-jira',
          kind: 'jira',
          baseUrl: jira.url,
          email: DEFAULT_JIRA_USER.email,
          apiTokenEnv: 'BENCH_JIRA_API_TOKEN',
          serviceDeskId: DEFAULT_JIRA_SERVICE_DESK.id,
          requestTypeId: DEFAULT_JIRA_SERVICE_DESK.requestTypes[0]!.id,
        },
        { name: 'siem', kind: 'webhook', url: hook.url, secretEnv: 'BENCH_WEBHOOK_SECRET' },
        {
          name: 'dpo-mail',
          kind: 'smtp',
          host: smtp.host,
          port: smtp.port,
          secure: false,
          requireTLS: false,
          auth: { user: 'leakwatch', passwordEnv: 'BENCH_SMTP_PASSWORD' },
          from: 'leakwatch@acme-shop.example',
          to: ['dpo@acme-shop.example'],
        },
        { name: 'org-alert', kind: 'org' },
      ],
    }),
  );
  const env: NodeJS.ProcessEnv = {
    PORT: '0',
    LOG_LEVEL: 'warn',
    ...(store.databaseUrl ? { DATABASE_URL: store.databaseUrl } : {}),
    LEAKWATCH_DATA_DIR: store.dataDir,
    LEAKWATCH_ORG_SECRETS: `${ORG_ID}=${SECRET}`,
    SF_LOGIN_URL: org.url,
    SF_CLIENT_ID: org.connectedApp.clientId,
    SF_USERNAME: org.identity.username,
    SF_PRIVATE_KEY_PATH: keyPath,
    LEAKWATCH_MODEL_DIR: 'none',
    LEAKWATCH_COLLECT: 'off',
    LEAKWATCH_REALTIME: 'off',
    LEAKWATCH_NOTIFY_FILE: notifyFile,
    BENCH_SN_PASSWORD: 'leakwatch',
    BENCH_JIRA_API_TOKEN: DEFAULT_JIRA_USER.apiToken,
    BENCH_WEBHOOK_SECRET: WEBHOOK_SECRET,
    BENCH_SMTP_PASSWORD: 'bench-mail',
    ...(process.env.LEAKWATCH_CLASSIFY_THREADS ? { LEAKWATCH_CLASSIFY_THREADS: process.env.LEAKWATCH_CLASSIFY_THREADS } : {}),
  };
  const counts: Record<Target, () => number> = {
    ServiceNow: () => servicenow.stats.created,
    Jira: () => jira.stats.requestsCreated,
    webhook: hook.accepted,
    SMTP: () => smtp.stats.accepted,
    // The Case comes first, then the event: the event published is the delivery done.
    org: () => org.published('LeakAlert__e').length,
  };
  const delays: Record<Target, number[]> = { ServiceNow: [], Jira: [], webhook: [], SMTP: [], org: [] };
  const first: Record<Target, number> = { ServiceNow: 0, Jira: 0, webhook: 0, SMTP: 0, org: 0 };
  let missed = 0;
  const started = performance.now();
  try {
    const config = loadConfig(env);
    // The file as the sidecar reads it, with the secrets of this run's environment; the org target uses the sidecar's org connection.
    const sidecar = await startSidecar(config, { notifyEnv: env });
    try {
      const planted = await fetch(`${sidecar.url}/v1/canaries`, {
        method: 'POST',
        headers: { ...AUTH, 'content-type': 'application/json' },
        body: JSON.stringify({ object: 'Contact', count: 1 }),
      });
      if (planted.status !== 201) throw new Error(`POST /v1/canaries answered ${planted.status}: ${await planted.text()}`);
      const [canary] = ((await planted.json()) as { seeded: Array<{ recordId: string }> }).seeded;
      for (let n = 0; n < WARM_UP + INCIDENTS; n += 1) {
        const event = {
          id: randomUUID(),
          kind: 'export',
          operation: 'export',
          occurredAt: new Date().toISOString(),
          actor: userOf(n),
          object: 'Contact',
          recordCount: 1,
          recordIds: [canary!.recordId],
        };
        const sentAt = performance.now();
        const res = await fetch(`${sidecar.url}/v1/events`, {
          method: 'POST',
          headers: { ...AUTH, 'content-type': 'application/json' },
          body: JSON.stringify({ schemaVersion: 1, orgId: ORG_ID, batchId: randomUUID(), events: [event] }),
        });
        if (res.status !== 202) throw new Error(`POST /v1/events answered ${res.status}: ${await res.text()}`);
        const arrived = new Map<Target, number>();
        const until = Date.now() + INCIDENT_TIMEOUT_MS;
        while (arrived.size < TARGETS.length && Date.now() < until) {
          for (const target of TARGETS) if (!arrived.has(target) && counts[target]() > n) arrived.set(target, performance.now() - sentAt);
          if (arrived.size < TARGETS.length) await sleep(POLL_MS);
        }
        if (arrived.size < TARGETS.length) {
          missed += 1;
          // Caught up before the next one, so that every incident is timed on its own.
          while (TARGETS.some((t) => counts[t]() <= n) && Date.now() < until + INCIDENT_TIMEOUT_MS) await sleep(50);
        }
        if (n < WARM_UP) continue;
        for (const [target, ms] of arrived) delays[target].push(ms);
        const [earliest] = [...arrived].sort((a, b) => a[1] - b[1]);
        if (earliest) first[earliest[0]] += 1;
      }
    } finally {
      await sidecar.close();
    }
  } finally {
    await Promise.all([org.close(), servicenow.close(), jira.close(), smtp.close(), hook.close()]);
    await drop();
  }
  for (const target of TARGETS) delays[target].sort((a, b) => a - b);
  return { delays, first, missed, seconds: (performance.now() - started) / 1000 };
}

const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: digits }) : 'n/a');
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
const load1 = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

const only = process.env.NOTIFY_BENCH_STORES?.split(',').map((s) => s.trim().toLowerCase());
const kinds = (['PGlite', 'PostgreSQL'] as const).filter((k) => only?.includes(k.toLowerCase()) ?? true);
const loadBefore = load1();
const benchStarted = performance.now();
const workDir = mkdtempSync(join(tmpdir(), 'leakwatch-bench-'));
const runs = new Map<BenchStoreKind, Run>();
try {
  for (const kind of kinds) runs.set(kind, await measure(kind, workDir));
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const lines = [
  `${availableParallelism()} cores; load average before ${loadBefore}, after ${load1()}; ${fmt((performance.now() - benchStarted) / 1000)} s in all. Classification threads: ${process.env.LEAKWATCH_CLASSIFY_THREADS ?? 'default (available cores)'}; recognizers only; default worker poll (100 ms, woken by new work).`,
  '',
  `Event → first notification accepted by each target: ${fmt(INCIDENTS)} incidents opened one at a time (after ${WARM_UP} untimed), each by one canary read (Critical); from the POST /v1/events to the target's record (ServiceNow ticket created, Jira request created, webhook answered 2xx, mail accepted by the relay, LeakAlert__e published after the Case), polled every ${POLL_MS} ms. The sidecar serves the targets side by side: "first" counts the incidents a target heard of before the others.`,
  '',
  '| store | target | incidents timed | p50 (ms) | p95 (ms) | max (ms) | first |',
  '|---|---|---:|---:|---:|---:|---:|',
  ...kinds.flatMap((kind) => {
    const run = runs.get(kind)!;
    return TARGETS.map((target) => {
      const d = run.delays[target];
      return `| ${kind} | ${target} | ${fmt(d.length)} | ${fmt(quantile(d, 0.5))} | ${fmt(quantile(d, 0.95))} | ${fmt(d.at(-1) ?? NaN)} | ${fmt(run.first[target])} |`;
    });
  }),
  '',
  ...kinds.map((kind) => {
    const run = runs.get(kind)!;
    return `${kind}: ${fmt(run.seconds, 1)} s with start-up; ${run.missed} of ${WARM_UP + INCIDENTS} incidents did not reach every target within ${INCIDENT_TIMEOUT_MS / 1000} s.`;
  }),
];
console.log(lines.join('\n'));
