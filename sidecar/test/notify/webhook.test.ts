import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { IncidentNotification } from '../../src/notify/notification.js';
import { createWebhookTarget, verifyWebhook, WEBHOOK_TOLERANCE_SECONDS, type IncidentWebhookPayload } from '../../src/notify/webhook.js';

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const KEY = '6f1c2d3e-0000-4000-8000-00000000abcd:3:soc-webhook';

const NOTIFICATION: IncidentNotification = {
  orgId: '00D000000000001EAA',
  incidentKey: '6f1c2d3e-0000-4000-8000-00000000abcd',
  revision: 3,
  title: 'Contacts exported by an integration user from a new network',
  severity: 'High',
  status: 'Confirmed',
  detectedAt: '2026-03-02T09:15:00.000Z',
  awarenessAt: '2026-03-02T10:00:00.000Z',
  deadlines: { gdprAuthorityBy: '2026-03-05T10:00:00.000Z' },
  dataCategories: ['EMAIL_ADDRESS', 'PHONE_NUMBER'],
  estimatedRecords: 1200,
  systems: ['Contact', 'ShopSync Connector'],
  actors: ['s•••@•••.example'],
  summary: 'An integration user exported 1,200 contacts from a network never seen before.',
  verdicts: [
    {
      eventId: 'evt-1',
      severity: 'High',
      riskScore: 82,
      reasons: ['bulk export'],
      occurredAt: '2026-03-02T09:10:00.000Z',
    },
    {
      eventId: 'evt-2',
      severity: 'High',
      riskScore: 88,
      reasons: ['new network'],
      occurredAt: '2026-03-02T10:30:00.000Z',
    },
  ],
  maskedSamples: ['j•••@•••.com'],
};

interface Received {
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** What the specification's reference library said about the request. */
  libraryVerified: boolean;
}

/** A receiver on a real port: records every request and answers with the scripted reply. */
function startReceiver() {
  const received: Received[] = [];
  let reply: { status: number; headers?: Record<string, string>; delayMs?: number } = { status: 204 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      let libraryVerified = true;
      try {
        new Webhook(SECRET).verify(body, req.headers as Record<string, string>);
      } catch {
        libraryVerified = false;
      }
      received.push({ headers: req.headers, body, libraryVerified });
      const { status, headers, delayMs } = reply;
      setTimeout(() => res.writeHead(status, headers).end('{"ignored":true}'), delayMs ?? 0);
    });
  });
  return {
    received,
    reply: (next: typeof reply) => {
      reply = next;
    },
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/leakwatch`,
    listen: () => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve)),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function headersOf(r: Received): Record<string, string> {
  return {
    'webhook-id': String(r.headers['webhook-id']),
    'webhook-timestamp': String(r.headers['webhook-timestamp']),
    'webhook-signature': String(r.headers['webhook-signature']),
  };
}

describe('webhook target', () => {
  const receiver = startReceiver();
  beforeAll(() => receiver.listen());
  afterAll(() => receiver.close());
  beforeEach(() => {
    receiver.received.length = 0;
    receiver.reply({ status: 204 });
  });
  const target = () => createWebhookTarget({ name: 'soc-webhook', url: receiver.url(), secret: SECRET });

  it('posts an incident.revision that the reference library verifies, with the idempotency key as webhook-id', async () => {
    const result = await target().deliver(NOTIFICATION, KEY);

    expect(result).toEqual({ ok: true, remoteId: KEY, created: true });
    const [request] = receiver.received;
    expect(request?.libraryVerified).toBe(true);
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['webhook-id']).toBe(KEY);
    expect(request?.headers['webhook-timestamp']).toMatch(/^\d{10}$/);
    expect(request?.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    const payload = JSON.parse(request!.body.toString('utf8')) as IncidentWebhookPayload;
    expect(payload).toEqual({ type: 'incident.revision', timestamp: '2026-03-02T10:30:00.000Z', data: NOTIFICATION });
  });

  it('sends every retry of a revision with the same webhook-id and the same body', async () => {
    const t = target();
    await t.deliver(NOTIFICATION, KEY);
    await t.deliver(NOTIFICATION, KEY);

    const [first, second] = receiver.received;
    expect(second?.headers['webhook-id']).toBe(first?.headers['webhook-id']);
    expect(second?.body.equals(first!.body)).toBe(true);
  });

  it('signs with every secret during a rotation, so a receiver holding either one verifies', async () => {
    const next = `whsec_${randomBytes(24).toString('base64')}`;
    const rotating = createWebhookTarget({ name: 'soc-webhook', url: receiver.url(), secret: [next, SECRET] });
    await rotating.deliver(NOTIFICATION, KEY);

    const [request] = receiver.received;
    expect(String(request?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verifyWebhook(next, headersOf(request!), request!.body).ok).toBe(true);
    expect(verifyWebhook(SECRET, headersOf(request!), request!.body).ok).toBe(true);
  });

  describe('retry classification', () => {
    it.each([200, 201, 202, 204])('treats %i as delivered', async (status) => {
      receiver.reply({ status });
      expect((await target().deliver(NOTIFICATION, KEY)).ok).toBe(true);
    });

    it.each([500, 502, 503, 504, 408])('retries after %i', async (status) => {
      receiver.reply({ status });
      expect(await target().deliver(NOTIFICATION, KEY)).toMatchObject({ ok: false, retryable: true, status });
    });

    it('retries after 429 when Retry-After says, in seconds', async () => {
      receiver.reply({ status: 429, headers: { 'retry-after': '7' } });
      expect(await target().deliver(NOTIFICATION, KEY)).toEqual({
        ok: false,
        retryable: true,
        status: 429,
        error: 'HTTP 429',
        retryAfterMs: 7000,
      });
    });

    it('retries after 503 when Retry-After says, as an HTTP date', async () => {
      receiver.reply({ status: 503, headers: { 'retry-after': new Date(Date.now() + 60_000).toUTCString() } });
      const result = await target().deliver(NOTIFICATION, KEY);
      expect(result).toMatchObject({ ok: false, retryable: true, status: 503 });
      expect(result.ok === false && result.retryAfterMs).toBeGreaterThan(55_000);
    });

    it.each([400, 401, 403, 404, 422])('gives up on %i', async (status) => {
      receiver.reply({ status });
      expect(await target().deliver(NOTIFICATION, KEY)).toEqual({
        ok: false,
        retryable: false,
        status,
        error: `HTTP ${status}`,
      });
    });

    it('gives up on 410 and says the receiver no longer wants the webhooks', async () => {
      receiver.reply({ status: 410 });
      expect(await target().deliver(NOTIFICATION, KEY)).toMatchObject({
        ok: false,
        retryable: false,
        error: 'HTTP 410: the receiver no longer accepts these webhooks',
      });
    });

    it('does not follow a redirect and asks for the URL to be updated', async () => {
      receiver.reply({ status: 301, headers: { location: 'http://127.0.0.1:1/elsewhere' } });
      expect(await target().deliver(NOTIFICATION, KEY)).toMatchObject({
        ok: false,
        retryable: false,
        status: 301,
        error: 'HTTP 301: redirects are not followed; update the webhook URL',
      });
      expect(receiver.received).toHaveLength(1);
    });

    it('retries when the receiver does not answer within the timeout', async () => {
      receiver.reply({ status: 204, delayMs: 2_000 });
      const slow = createWebhookTarget({ name: 'soc-webhook', url: receiver.url(), secret: SECRET, timeoutMs: 150 });
      expect(await slow.deliver(NOTIFICATION, KEY)).toEqual({
        ok: false,
        retryable: true,
        error: 'no response within 150 ms',
      });
    });

    it('retries when nothing listens at the URL', async () => {
      const closed = startReceiver();
      await closed.listen();
      const url = closed.url();
      await closed.close();
      const result = await createWebhookTarget({ name: 'soc-webhook', url, secret: SECRET }).deliver(NOTIFICATION, KEY);
      expect(result).toEqual({ ok: false, retryable: true, error: 'request failed (ECONNREFUSED)' });
    });
  });

  it('refuses an idempotency key with a "." without sending anything', async () => {
    let calls = 0;
    const counting = createWebhookTarget({
      name: 'soc.webhook',
      url: 'https://hooks.example/leakwatch',
      secret: SECRET,
      fetch: async () => {
        calls += 1;
        return new Response(null, { status: 204 });
      },
    });
    const result = await counting.deliver(NOTIFICATION, `${NOTIFICATION.incidentKey}:3:soc.webhook`);
    expect(result).toMatchObject({ ok: false, retryable: false });
    expect(calls).toBe(0);
  });

  it('rejects a secret that is not whsec_ and 24 to 64 bytes, without echoing it', () => {
    for (const secret of ['plain-password', `whsec_${randomBytes(16).toString('base64')}`, 'whsec_not base64!']) {
      expect(() => createWebhookTarget({ name: 'x', url: 'https://hooks.example/', secret })).toThrow(
        /^a webhook secret must be "whsec_" followed by the base64 of 24 to 64 random bytes$/,
      );
    }
  });

  it('rejects a URL that is not http or https', () => {
    expect(() => createWebhookTarget({ name: 'x', url: 'file:///etc/passwd', secret: SECRET })).toThrow(/http: or https:/);
  });
});

describe('verifyWebhook', () => {
  // The test vector every Standard Webhooks library checks (libraries/*/ "sign function works").
  const VECTOR = {
    secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
    id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
    timestamp: 1614265330,
    body: '{"test": 2432232314}',
    signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
  };
  const vectorHeaders = {
    'webhook-id': VECTOR.id,
    'webhook-timestamp': String(VECTOR.timestamp),
    'webhook-signature': VECTOR.signature,
  };
  const atVector = new Date(VECTOR.timestamp * 1000);

  it('accepts the specification test vector', () => {
    expect(new Webhook(VECTOR.secret).sign(VECTOR.id, atVector, VECTOR.body)).toBe(VECTOR.signature);
    expect(verifyWebhook(VECTOR.secret, vectorHeaders, VECTOR.body, { now: atVector })).toEqual({
      ok: true,
      id: VECTOR.id,
      timestamp: atVector,
      payload: { test: 2432232314 },
    });
  });

  it('accepts the vector among other signatures, as during a secret rotation, and from a Headers object', () => {
    const headers = new Headers({
      ...vectorHeaders,
      'webhook-signature': `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v1a,ignored ${VECTOR.signature}`,
    });
    expect(verifyWebhook(VECTOR.secret, headers, Buffer.from(VECTOR.body), { now: atVector }).ok).toBe(true);
  });

  it('rejects a tampered body, timestamp or signature', () => {
    const check = (headers: Record<string, string>, body: string) => verifyWebhook(VECTOR.secret, headers, body, { now: atVector });

    expect(check(vectorHeaders, '{"test": 2432232315}')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check(vectorHeaders, `${VECTOR.body} `)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(check({ ...vectorHeaders, 'webhook-timestamp': String(VECTOR.timestamp + 1) }, VECTOR.body)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(check({ ...vectorHeaders, 'webhook-id': 'msg_other' }, VECTOR.body)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(check({ ...vectorHeaders, 'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA=' }, VECTOR.body)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(check({ ...vectorHeaders, 'webhook-signature': 'v1,' }, VECTOR.body)).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    expect(check({ ...vectorHeaders, 'webhook-timestamp': '1614265330abc' }, VECTOR.body)).toEqual({
      ok: false,
      reason: 'bad-timestamp',
    });
    const { 'webhook-signature': _dropped, ...unsigned } = vectorHeaders;
    expect(check(unsigned, VECTOR.body)).toEqual({ ok: false, reason: 'missing-headers' });
  });

  it('rejects a wrong secret', () => {
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(verifyWebhook(other, vectorHeaders, VECTOR.body, { now: atVector })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('rejects a replay outside the tolerance, either way, and honours a custom tolerance', () => {
    const at = (seconds: number) => new Date((VECTOR.timestamp + seconds) * 1000);
    const check = (seconds: number, toleranceSeconds?: number) =>
      verifyWebhook(VECTOR.secret, vectorHeaders, VECTOR.body, { now: at(seconds), toleranceSeconds }).ok;

    expect(WEBHOOK_TOLERANCE_SECONDS).toBe(300);
    expect(check(300)).toBe(true);
    expect(check(-300)).toBe(true);
    expect(check(301)).toBe(false);
    expect(check(-301)).toBe(false);
    expect(check(61, 60)).toBe(false);
    expect(verifyWebhook(VECTOR.secret, vectorHeaders, VECTOR.body, { now: at(3600) })).toEqual({
      ok: false,
      reason: 'outside-tolerance',
    });
  });

  it('rejects an id it has already seen, after checking the signature', () => {
    const seenIds = new Set([VECTOR.id]);
    expect(verifyWebhook(VECTOR.secret, vectorHeaders, VECTOR.body, { now: atVector, seenIds })).toEqual({
      ok: false,
      reason: 'duplicate-id',
      id: VECTOR.id,
    });
    const forged = { ...vectorHeaders, 'webhook-signature': 'v1,AAAA' };
    expect(verifyWebhook(VECTOR.secret, forged, VECTOR.body, { now: atVector, seenIds })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('verifies what the target sent, and rejects the same request replayed to a receiver that remembers ids', async () => {
    const receiver = startReceiver();
    await receiver.listen();
    try {
      await createWebhookTarget({ name: 'soc-webhook', url: receiver.url(), secret: SECRET }).deliver(NOTIFICATION, KEY);
      const [request] = receiver.received;
      const seenIds = new Set<string>();
      const first = verifyWebhook(SECRET, request!.headers, request!.body, { seenIds });
      expect(first).toMatchObject({ ok: true, id: KEY, payload: { type: 'incident.revision', data: NOTIFICATION } });
      if (first.ok) seenIds.add(first.id);
      expect(verifyWebhook(SECRET, request!.headers, request!.body, { seenIds })).toEqual({
        ok: false,
        reason: 'duplicate-id',
        id: KEY,
      });
      const tampered = Buffer.from(request!.body.toString('utf8').replace('"High"', '"Low"'));
      expect(verifyWebhook(SECRET, request!.headers, tampered)).toEqual({ ok: false, reason: 'bad-signature' });
    } finally {
      await receiver.close();
    }
  });
});
