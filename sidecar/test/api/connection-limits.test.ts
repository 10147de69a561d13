import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS, type HttpLimits } from '../../src/config.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';
import { buildTestApp } from './build-test-app.js';
import { AUTH, dmlEvent, envelope } from './envelopes.js';
import { dribble, rawExchange, type RawExchange } from './raw-http.js';

/** Short limits, so that every case ends within about a second. */
const LIMITS: HttpLimits = {
  ...DEFAULT_HTTP_LIMITS,
  headersTimeoutMs: 300,
  requestTimeoutMs: 600,
  keepAliveTimeoutMs: 300,
  socketTimeoutMs: 3_000,
  maxRequestsPerSocket: 3,
};
/** Node checks the deadlines every 75 ms here; the rest is room for a busy machine. */
const SLACK_MS = 700;

const BODY = JSON.stringify(envelope([dmlEvent()]));
const head = (contentLength: number) =>
  `POST /v1/events HTTP/1.1\r\nHost: sidecar\r\nContent-Type: application/json\r\nAuthorization: ${AUTH.authorization}\r\nContent-Length: ${contentLength}\r\n\r\n`;

/** The connection got a 408 that says what to change, with the security headers, and was closed. */
function expectTimedOut(exchange: RawExchange, limitMs: number): void {
  expect(exchange.closed).toBe(true);
  expect(exchange.elapsedMs).toBeLessThan(limitMs + SLACK_MS);
  expect(exchange.replies).toHaveLength(1);
  const [reply] = exchange.replies;
  expect(reply?.status).toBe(408);
  expect(reply?.headers).toMatchObject({
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
    connection: 'close',
  });
  const body = JSON.parse(reply?.body ?? '{}');
  expect(body).toMatchObject({ statusCode: 408, error: 'Request Timeout', requestId: expect.any(String) });
  expect(body.message).toMatch(/within 0\.3 s and the whole request within 0\.6 s\. Send the request without pauses/);
}

describe('time limits on connections', () => {
  let testStore: TestStore;
  let app: FastifyInstance;
  let port: number;

  beforeAll(async () => {
    testStore = await openTestStore('pglite');
    ({ app } = await buildTestApp(testStore.store, { http: LIMITS }));
    await app.listen({ host: '127.0.0.1', port: 0 });
    port = (app.server.address() as { port: number }).port;
    // The first classification compiles the recognizers (a few hundred ms on one thread, as the sidecar's own
    // warm-up spends before it listens): spent here, not inside the deadlines measured below.
    const warm = await fetch(`http://127.0.0.1:${port}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...AUTH },
      body: JSON.stringify(envelope([dmlEvent()])),
    });
    expect(warm.status).toBe(202);
  });
  afterAll(async () => {
    await app.close();
    await testStore.dispose();
  });

  it('answers 408 and closes a stalled body, a short body, a dribbled body and a silent body, while serving others', async () => {
    const url = `http://127.0.0.1:${port}`;
    let stop = false;
    const served: number[] = [];
    const slowest: number[] = [];
    const others = (async () => {
      while (!stop) {
        const started = Date.now();
        const [health, ingest] = await Promise.all([
          fetch(`${url}/healthz`),
          fetch(`${url}/v1/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...AUTH },
            body: JSON.stringify(envelope([dmlEvent()])),
          }),
        ]);
        served.push(health.status, ingest.status);
        slowest.push(Date.now() - started);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const [stalled, short, dribbled, silentBody, silent, slowHeaders] = await Promise.all([
      rawExchange(port, (s) => s.write(head(BODY.length) + BODY.slice(0, 40))),
      rawExchange(port, (s) => s.write(head(BODY.length + 100) + BODY)),
      rawExchange(port, (s) => {
        s.write(head(BODY.length));
        dribble(s, BODY, 100);
      }),
      rawExchange(port, (s) => s.write(head(BODY.length))),
      rawExchange(port, () => {}),
      rawExchange(port, (s) => dribble(s, head(BODY.length), 100)),
    ]);
    stop = true;
    await others;
    expectTimedOut(stalled, LIMITS.requestTimeoutMs);
    expectTimedOut(short, LIMITS.requestTimeoutMs);
    expectTimedOut(dribbled, LIMITS.requestTimeoutMs);
    expectTimedOut(silentBody, LIMITS.requestTimeoutMs);
    expectTimedOut(silent, LIMITS.headersTimeoutMs);
    expectTimedOut(slowHeaders, LIMITS.headersTimeoutMs);
    expect(served.length).toBeGreaterThanOrEqual(4);
    expect(new Set(served)).toEqual(new Set([200, 202]));
    expect(Math.max(...slowest)).toBeLessThan(1_000);
  });

  it('closes an idle keep-alive connection after its timeout (Node adds 1 s of grace)', async () => {
    const exchange = await rawExchange(port, (s) => s.write('GET /healthz HTTP/1.1\r\nHost: sidecar\r\n\r\n'));
    expect(exchange.replies.map((r) => r.status)).toEqual([200]);
    expect(exchange.closed).toBe(true);
    expect(exchange.elapsedMs).toBeLessThan(LIMITS.keepAliveTimeoutMs + 1_000 + SLACK_MS);
  });

  it('asks the client to reconnect after maxRequestsPerSocket requests on one connection', async () => {
    const get = 'GET /healthz HTTP/1.1\r\nHost: sidecar\r\n\r\n';
    const exchange = await rawExchange(port, (s) => s.write(get.repeat(3)));
    expect(exchange.replies.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(exchange.replies.map((r) => r.headers.connection)).toEqual(['keep-alive', 'keep-alive', 'close']);
    expect(exchange.closed).toBe(true);
  });

  it('answers oversized headers with a JSON 431 that says what to send', async () => {
    const exchange = await rawExchange(port, (s) => s.write(`GET /healthz HTTP/1.1\r\nHost: sidecar\r\nX-Padding: ${'x'.repeat(20 * 1024)}\r\n\r\n`));
    expect(exchange.closed).toBe(true);
    const [reply] = exchange.replies;
    expect(reply?.status).toBe(431);
    expect(JSON.parse(reply?.body ?? '{}').message).toBe('The request headers are larger than 16 KB. Send fewer or shorter headers.');
  });

  it('answers malformed HTTP with a JSON 400 that says what to check', async () => {
    const exchange = await rawExchange(port, (s) => s.write('BREW /pot HTCPCP/1.0\r\n\r\n'));
    expect(exchange.closed).toBe(true);
    const [reply] = exchange.replies;
    expect(reply?.status).toBe(400);
    expect(reply?.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(reply?.body ?? '{}').message).toMatch(/not valid HTTP\/1\.1 .*Check the HTTP client, or the proxy/);
  });
});
