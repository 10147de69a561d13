// OTLP/HTTP trace ingestion: spans per second through POST /v1/traces (decode, flows, store upsert,
// verdict events), on PGlite and on PostgreSQL, and the decoder alone (protobuf, then flows) on one core.
// Bodies are what the SDK's BatchSpanProcessor sends: 512 spans, half CLIENT spans with a destination,
// 20 services × 40 hosts, Salesforce objects on a third. Loopback only; bounded: 200 requests per store.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { buildApp } from '../src/app.js';
import { createClassifier } from '../src/classify/index.js';
import { createDetector } from '../src/detect/index.js';
import { decodeProtobufTraces } from '../src/otlp/decode-traces.js';
import { FLOW_RESOURCE_ATTRIBUTES, FLOW_SPAN_ATTRIBUTES, FLOW_SPAN_KINDS, flowsOf } from '../src/otlp/flows.js';
import { otlpTypes } from '../src/otlp/proto.js';
import { openStore } from '../src/store/open-store.js';
import { freshStore, type BenchStoreKind } from './_fresh-store.js';

const ORG_ID = '00D5g000004Cx1aEAC';
const SECRET = 'bench-secret-0123456789abcdef';
const SPANS_PER_REQUEST = 512;
const REQUESTS = 200;
const CONNECTIONS = 4;
const BODIES = 16;

const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

/** One SDK batch: spans of one service, alternating CLIENT calls and SERVER/INTERNAL spans. */
function body(n: number): Buffer {
  const { request } = otlpTypes();
  const start = BigInt(Date.now()) * 1_000_000n;
  const spans = Array.from({ length: SPANS_PER_REQUEST }, (_, i) => {
    const client = i % 2 === 0;
    return {
      traceId: Buffer.alloc(16, (n + i) & 0xff),
      spanId: Buffer.alloc(8, i & 0xff),
      name: client ? 'POST' : 'GET /orders/:id',
      kind: client ? 3 : 2,
      startTimeUnixNano: String(start + BigInt(i) * 1000n),
      endTimeUnixNano: String(start + BigInt(i) * 1000n + 5_000_000n),
      attributes: [
        kv('http.request.method', { stringValue: 'POST' }),
        kv('server.address', { stringValue: `api${(n * 7 + i) % 40}.partner.example` }),
        kv('url.full', { stringValue: `https://api${(n * 7 + i) % 40}.partner.example/v2/orders/${i}?customer=${n * 1000 + i}` }),
        kv('http.request.body.size', { intValue: String(800 + i) }),
        kv('http.response.status_code', { intValue: '200' }),
        ...(i % 3 === 0
          ? [
              kv('salesforce.object', { stringValue: 'Contact' }),
              kv('salesforce.fields', { arrayValue: { values: [{ stringValue: 'Email' }, { stringValue: 'LastName' }] } }),
            ]
          : []),
      ],
    };
  });
  const message = {
    resourceSpans: [
      {
        resource: { attributes: [kv('service.name', { stringValue: `service-${n % 20}` }), kv('host.name', { stringValue: 'node-1' })] },
        scopeSpans: [{ scope: { name: 'bench' }, spans }],
      },
    ],
  };
  return Buffer.from(request.encode(request.fromObject(message)).finish());
}

const bodies = Array.from({ length: BODIES }, (_, n) => body(n));
const okClient = {
  upsert: async (_s: string, _f: string, records: unknown[]) => records.map(() => ({ success: true as const, created: true, id: 'a00000000000000' })),
};

function decoderAlone(): number {
  const options = { kinds: FLOW_SPAN_KINDS, attributes: FLOW_SPAN_ATTRIBUTES, resourceAttributes: FLOW_RESOURCE_ATTRIBUTES, maxSpans: 50_000 };
  const rounds = 400;
  const started = process.hrtime.bigint();
  for (let i = 0; i < rounds; i += 1) flowsOf(decodeProtobufTraces(bodies[i % BODIES] as Buffer, options).spans, Date.now());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return (rounds * SPANS_PER_REQUEST) / seconds;
}

async function throughput(kind: BenchStoreKind): Promise<{ spansPerSecond: number; p99: number; errors: number }> {
  const fresh = await freshStore(kind, mkdtempSync(join(tmpdir(), 'leakwatch-otlp-bench-')));
  const store = await openStore(fresh.store);
  const app = await buildApp({
    store,
    classifier: createClassifier({ salt: 'bench-salt-0123456789' }),
    detector: createDetector(),
    orgClientFor: () => okClient,
    orgSecrets: new Map([[ORG_ID.slice(0, 15), SECRET]]),
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/traces`;
  let next = 0;
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    amount: REQUESTS,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${SECRET}` },
        setupRequest: (req) => ({ ...req, body: bodies[next++ % BODIES] }),
      },
    ],
  });
  await app.close();
  await store.close();
  await fresh.drop();
  const seconds = result.duration;
  return { spansPerSecond: (result['2xx'] * SPANS_PER_REQUEST) / seconds, p99: result.latency.p99, errors: result.non2xx + result.errors };
}

console.log(`| measure | spans/s | p99 latency per request (ms) | non-2xx |`);
console.log(`|---|---:|---:|---:|`);
console.log(`| decode + flows only (protobuf, 1 core) | ${Math.round(decoderAlone()).toLocaleString('en')} | – | – |`);
for (const kind of ['PGlite', 'PostgreSQL'] as const) {
  const r = await throughput(kind);
  console.log(
    `| POST /v1/traces, ${kind}, ${CONNECTIONS} connections, ${SPANS_PER_REQUEST} spans/request | ${Math.round(r.spansPerSecond).toLocaleString('en')} | ${r.p99} | ${r.errors} |`,
  );
}
