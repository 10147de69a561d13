// Latency and throughput of POST /v1/egress/inspect for 1 KB, 4 KB and 64 KB JSON bodies (chat-completion
// requests with names, e-mail addresses and phone numbers in them), beside a bare Fastify route that parses the
// same request and answers 200 (the ceiling), measured in the same run. The destination is an AI service in an
// allowed region, so every body is classified in full and the decision is allow (nothing is recorded).
// `inspect + NER` is the same route with the shipped NER model loaded: bodies bound for AI services are then read
// by the model too (LEAKWATCH_EGRESS_NER=ai, the default), which finds the names in prose prompts.
// Latency: one connection, 4 s per size; throughput: 4 connections, 4 s per size. Loopback, PGlite store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify, { type FastifyInstance } from 'fastify';
import { buildApp } from '../src/app.js';
import { DEFAULT_HTTP_LIMITS } from '../src/config.js';
import { createClassifier, SHIPPED_MODEL_DIR } from '../src/classify/index.js';
import { createDetector } from '../src/detect/index.js';
import { openStore } from '../src/store/open-store.js';

const ORG_ID = '00D5g000004Cx1aEAC';
const SECRET = 'bench-secret-0123456789abcdef';
const SECONDS = 4;
const SIZES = [1024, 4 * 1024, 64 * 1024];

const FIRST = ['Jane', 'Lukas', 'Amélie', 'Marco', 'Sofia', 'Pieter'];
const LAST = ['Doe', 'Schneider', 'Dubois', 'Rossi', 'García', 'de Vries'];

/** A chat-completion request of about `bytes` bytes: a system prompt and user turns quoting customer notes. */
function chatBody(bytes: number, seed: number): string {
  const messages: Array<{ role: string; content: string }> = [{ role: 'system', content: 'You are a support assistant. Answer briefly and politely.' }];
  let n = seed;
  while (JSON.stringify({ model: 'gpt-4o', messages }).length < bytes) {
    const name = `${FIRST[n % FIRST.length]} ${LAST[(n >> 2) % LAST.length]}`;
    messages.push({
      role: 'user',
      content: `Customer ${name} (${name.split(' ')[0]!.toLowerCase()}.${n}@mail.example, +49 30 ${1_000_000 + n}) asks where order SO-${n} is and whether the invoice can be re-sent.`,
    });
    n += 1;
  }
  return JSON.stringify({ model: 'gpt-4o', temperature: 0.2, messages });
}

const envelope = (body: string) =>
  JSON.stringify({
    destination: { url: 'https://eu.api.openai.com/v1/chat/completions', method: 'POST' },
    source: { service: 'bench' },
    body,
    contentType: 'application/json',
  });

async function run(url: string, bodies: string[], connections: number) {
  let next = 0;
  const started = performance.now();
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    duration: SECONDS,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` },
    requests: [{ setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length] }) }],
  });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { p50: result.latency.p50, p99: result.latency.p99, perSecond: result['2xx'] / ((performance.now() - started) / 1000) };
}

async function bareApp(): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, bodyLimit: 512 * 1024 });
  app.post('/v1/egress/inspect', async (request) => {
    const { body } = request.body as { body: string };
    JSON.parse(body);
    return { decision: 'allow', reasons: [], destination: { host: 'eu.api.openai.com', allowListed: false, ai: true, action: 'allow' } };
  });
  return app;
}

async function inspectApp(dataDir: string, modelDir: string | null): Promise<FastifyInstance> {
  const store = await openStore({ dataDir });
  const classifier = createClassifier({ salt: 'bench-salt-0123456789', modelDir });
  await classifier.ready();
  return buildApp({
    store,
    classifier,
    detector: createDetector(),
    orgClientFor: () => undefined,
    orgSecrets: new Map([[ORG_ID.slice(0, 15), SECRET]]),
    logger: false,
    closeStore: true,
    // Keep-alive connections for the whole run (the default asks a client to reconnect after 1,000 requests).
    http: { ...DEFAULT_HTTP_LIMITS, maxRequestsPerSocket: 0 },
  });
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'leakwatch-egress-bench-'));
  const app = await inspectApp(join(dataDir, 'recognizers'), null);
  const withModel = await inspectApp(join(dataDir, 'ner'), SHIPPED_MODEL_DIR);
  const bare = await bareApp();
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  const modelUrl = await withModel.listen({ host: '127.0.0.1', port: 0 });
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
  const rows: string[] = [];
  try {
    for (const size of SIZES) {
      const bodies = Array.from({ length: 50 }, (_, i) => envelope(chatBody(size, i * 1000)));
      await run(`${url}/v1/egress/inspect`, bodies.slice(0, 5), 1); // warm-up
      await run(`${modelUrl}/v1/egress/inspect`, bodies.slice(0, 5), 1);
      const routes = [
        ['inspect', `${url}/v1/egress/inspect`],
        ['inspect + NER', `${modelUrl}/v1/egress/inspect`],
        ['bare Fastify', `${bareUrl}/v1/egress/inspect`],
      ] as const;
      for (const [name, target] of routes) {
        const latency = await run(target, bodies, 1);
        const load = await run(target, bodies, 4);
        rows.push(
          `| ${size / 1024} KB | ${name} | ${latency.p50} | ${latency.p99} | ${Math.round(latency.perSecond)} | ${Math.round(load.perSecond)} | ${load.p99} |`,
        );
      }
    }
  } finally {
    await app.close();
    await withModel.close();
    await bare.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  console.log('| body | route | p50 ms (1 conn) | p99 ms (1 conn) | req/s (1 conn) | req/s (4 conn) | p99 ms (4 conn) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const row of rows) console.log(row);
}

await main();
