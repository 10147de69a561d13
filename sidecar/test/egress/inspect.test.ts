import { describe, expect, it } from 'vitest';
import { REDACTED_LOG_PATHS } from '../../src/app.js';
import { createDetector } from '../../src/detect/index.js';
import { egressPoliciesFrom } from '../../src/egress/policy.js';
import { eventually, logSink, useTestApp } from '../api/build-test-app.js';
import { AUTH, dmlEvent, envelope, ORG_ID } from '../api/envelopes.js';

const OTHER_ORG = '00D5g000004Cx1bEAC';
const OTHER_SECRET = 'other-secret-0123456789abcdef';
const EMAIL = 'jane.doe@example.com';
const CARD = '4111 1111 1111 1111';
const CANARY = 'canary-7f3a9c@leakwatch-canary.invalid';
const logs: string[] = [];

const policyFor = egressPoliciesFrom({
  policies: [
    {
      destinations: [
        { match: 'redact.example', action: 'redact', ai: true },
        { match: 'blocked.example', action: 'block', name: 'Blocked service' },
        { match: 'eu.ai.example', ai: true, region: 'DE' },
      ],
      blockAtFindings: 50,
    },
  ],
});

describe('POST /v1/egress/inspect', () => {
  const h = useTestApp('pglite', {
    detector: createDetector(),
    orgSecrets: new Map([
      [ORG_ID.slice(0, 15), 'test-secret-0123456789abcdef'],
      [OTHER_ORG.slice(0, 15), OTHER_SECRET],
    ]),
    egress: { policyFor },
    logger: { level: 'trace', stream: logSink(logs), redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
  });

  const inspect = (payload: Record<string, unknown>, headers: Record<string, string> = AUTH) =>
    h.app.inject({ method: 'POST', url: '/v1/egress/inspect', headers, payload });
  const json = (body: unknown) => JSON.stringify(body);
  const to = (url: string, body?: string, extra: Record<string, unknown> = {}) => ({
    destination: { url, method: 'POST' },
    ...(body !== undefined ? { body, contentType: 'application/json' } : {}),
    ...extra,
  });

  const storedText = async (): Promise<string> =>
    (await h.store.query<{ t: string }>('SELECT classified::text AS t FROM ingested_event')).map((r) => r.t).join('\n');

  it('allows personal data to a non-AI destination and records nothing', async () => {
    const res = await inspect(to('https://crm.example/api', json({ email: EMAIL })));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ decision: 'allow', reasons: [], destination: { host: 'crm.example', ai: false, allowListed: false } });
    expect(res.json()).not.toHaveProperty('eventId');
  });

  it('blocks personal data bound for an AI service outside the allowed regions and records a verdict without raw values', async () => {
    const res = await inspect(
      to('https://api.openai.com/v1/chat/completions', json({ messages: [{ role: 'user', content: `Mail ${EMAIL}, card ${CARD}` }] }), {
        source: { service: 'support-bot' },
      }),
    );
    expect(res.statusCode).toBe(200);
    const reply = res.json();
    expect(reply).toMatchObject({ decision: 'block', destination: { host: 'api.openai.com', ai: true } });
    expect(reply.reasons[0]).toMatchObject({ code: 'pii_to_ai_outside_region', count: 2 });
    expect(reply.reasons[0].piiTypes.sort()).toEqual(['CREDIT_CARD', 'EMAIL_ADDRESS']);
    await eventually(() => h.org.records('LeakVerdict__c').some((r) => r.EventId__c === reply.eventId));
    const verdict = h.org.records('LeakVerdict__c').find((r) => r.EventId__c === reply.eventId)!;
    expect(verdict).toMatchObject({ OrgEventKind__c: 'egress', Severity__c: 'High' });
    expect(String(verdict.Reasons__c)).toContain('egress_blocked');
    expect(String(verdict.Reasons__c)).toContain('to POST OpenAI');
    await eventually(() => h.org.records('PiiFinding__c').some((r) => String(r.FindingKey__c).startsWith(reply.eventId)));
    const everything = JSON.stringify(h.org.records('LeakVerdict__c')) + JSON.stringify(h.org.records('PiiFinding__c')) + (await storedText()) + logs.join('');
    expect(everything).not.toContain(EMAIL);
    expect(everything).not.toContain('4111 1111 1111 1111');
    expect(everything).not.toContain('Mail ');
  });

  it('allows the same personal data to an AI service in an allowed region', async () => {
    const res = await inspect(to('https://eu.ai.example/v1', json({ content: EMAIL })));
    expect(res.json()).toMatchObject({ decision: 'allow', destination: { region: 'DE', ai: true } });
  });

  it('redacts with masks so that JSON keeps its shape', async () => {
    const body = { a: [{ note: `write to ${EMAIL}` }, 3, null, true], n: { deep: CARD }, k: 'plain' };
    const res = await inspect(to('https://redact.example/v1', json(body)));
    const reply = res.json();
    expect(reply.decision).toBe('redact');
    const out = JSON.parse(reply.body);
    expect(out).toEqual({
      a: [{ note: expect.stringMatching(/^write to j•••@•••\.com$/) }, 3, null, true],
      n: { deep: expect.stringMatching(/^4111 •••• •••• 1111$/) },
      k: 'plain',
    });
    expect(reply).not.toHaveProperty('placeholders');
  });

  it('redacts with consistent placeholders and returns their values to the caller only', async () => {
    const body = { a: EMAIL, b: `again ${EMAIL}`, c: 'other@example.org' };
    const res = await inspect(to('https://redact.example/v1', json(body), { placeholders: true }));
    const reply = res.json();
    expect(JSON.parse(reply.body)).toEqual({ a: '<EMAIL_1>', b: 'again <EMAIL_1>', c: '<EMAIL_2>' });
    expect(reply.placeholders).toEqual({ '<EMAIL_1>': EMAIL, '<EMAIL_2>': 'other@example.org' });
    await eventually(() => h.org.records('LeakVerdict__c').some((r) => r.EventId__c === reply.eventId));
    expect(h.org.records('LeakVerdict__c').find((r) => r.EventId__c === reply.eventId)?.Reasons__c).toContain('egress_redacted');
    expect((await storedText()) + logs.join('')).not.toContain('other@example.org');
  });

  it('redacts a form field by field and plain text as one', async () => {
    const form = await inspect({
      destination: { url: 'https://redact.example/f', method: 'POST' },
      body: `name=x&mail=${encodeURIComponent(EMAIL)}&z`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(form.json().body).toMatch(/^name=x&mail=j%E2%80%A2%E2%80%A2%E2%80%A2%40%E2%80%A2%E2%80%A2%E2%80%A2\.com&z$/);
    const text = await inspect({ destination: { url: 'https://redact.example/t', method: 'POST' }, body: `hi ${EMAIL}!`, contentType: 'text/plain' });
    expect(text.json().body).toBe('hi j•••@•••.com!');
  });

  it('blocks where the destination rule blocks, and blocks rather than redacts past blockAtFindings', async () => {
    expect((await inspect(to('https://blocked.example/x', '{}'))).json().reasons[0]).toMatchObject({
      code: 'destination_blocked',
      message: expect.stringContaining('Blocked service'),
    });
    const many = json({ list: Array.from({ length: 60 }, (_, i) => `user${i}@example.com`) });
    const reply = (await inspect(to('https://redact.example/v1', many))).json();
    expect(reply.decision).toBe('block');
    expect(reply.reasons.map((r: { code: string }) => r.code)).toContain('pii_over_block_threshold');
  });

  it('blocks a registered canary value and raises canary_value_seen', async () => {
    // The other org: its markers have not been read (and kept for 5 s) yet.
    await h.store.query("INSERT INTO detect_canary (org_id, kind, value, label) VALUES ($1, 'marker', $2, 'test')", [OTHER_ORG, CANARY]);
    const reply = (await inspect(to('https://crm.example/api', json({ note: `from ${CANARY}` })), { authorization: `Bearer ${OTHER_SECRET}` })).json();
    expect(reply.decision).toBe('block');
    expect(reply.reasons[0]).toMatchObject({ code: 'canary_value' });
    await eventually(() => h.org.records('LeakVerdict__c').some((r) => r.EventId__c === reply.eventId));
    const verdict = h.org.records('LeakVerdict__c').find((r) => r.EventId__c === reply.eventId)!;
    expect(verdict.Reasons__c).toContain('canary_value_seen');
    expect(verdict.Severity__c).toBe('Critical');
  });

  it.each([
    ['an OpenAI key in the body', { body: json({ note: 'key sk-proj-abcdefghijklmnopqrstuvwxyz012345' }), contentType: 'application/json' }],
    ['an AWS access key id in a header', { headers: { 'x-debug': 'AKIAIOSFODNN7EXAMPLE' } }],
    ['a private key in text', { body: '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----', contentType: 'text/plain' }],
    ['a password in the URL', { destination: { url: 'https://crm.example/cb?next=https://bob:hunter22@internal.example/', method: 'GET' } }],
  ])('blocks %s', async (_name, extra) => {
    const reply = (await inspect({ destination: { url: 'https://crm.example/api', method: 'POST' }, ...extra })).json();
    expect(reply.decision).toBe('block');
    expect(reply.reasons[0]).toMatchObject({ code: 'secret', piiTypes: ['SECRET'] });
  });

  it("does not treat the destination's own credential headers or ?key= as a leak", async () => {
    const reply = (
      await inspect({
        destination: { url: 'https://generativelanguage.googleapis.com/v1/models?key=AIzaSyA1234567890abcdefghijklmnopqrstuv', method: 'POST' },
        headers: { authorization: 'Bearer sk-proj-abcdefghijklmnopqrstuvwxyz012345', 'x-api-key': 'sk-ant-abcdefghijklmnopqrstuvwxyz' },
      })
    ).json();
    expect(reply.decision).toBe('allow');
  });

  it.each([
    ['deep JSON', { body: '['.repeat(100_000) + ']'.repeat(100_000), contentType: 'application/json' }, 400, /deeper than 64/],
    ['a body over 256 KB', { body: 'a'.repeat(300 * 1024), contentType: 'text/plain' }, 413, /256 KB/],
    ['too many strings', { body: json(Array.from({ length: 25_000 }, () => 'x')), contentType: 'application/json' }, 413, /20000 strings/],
    [
      'too many form fields',
      { body: Array.from({ length: 15_000 }, (_, i) => `k${i}=v`).join('&'), contentType: 'application/x-www-form-urlencoded' },
      413,
      /fields/,
    ],
    ['bad base64', { body: '***', bodyEncoding: 'base64' }, 400, /base64/],
    ['a relative URL', { destination: { url: '/relative', method: 'POST' } }, 400, /absolute URL/],
    ['an envelope over 512 KB', { body: 'b'.repeat(600 * 1024) }, 413, /./],
  ])('answers %s with a clear 4xx and stores nothing', async (_name, extra, status, message) => {
    const count = async () => (await h.store.query<{ n: number }>('SELECT count(*)::int AS n FROM ingested_event'))[0]!.n;
    const before = await count();
    const res = await inspect({ destination: { url: 'https://api.openai.com/v1', method: 'POST' }, ...extra });
    expect(res.statusCode).toBe(status);
    expect(res.json().message).toMatch(message);
    expect(await count()).toBe(before);
  });

  it.each([
    ['invalid JSON (read as text)', { body: `{"a": "${EMAIL}"`, contentType: 'application/json' }, 'block'],
    ['JSON under a wrong content type', { body: json({ a: EMAIL }), contentType: 'image/png' }, 'block'],
    ['a huge single string', { body: json({ a: `${'word '.repeat(40_000)}${EMAIL}` }), contentType: 'application/json' }, 'block'],
    ['many keys', { body: json(Object.fromEntries(Array.from({ length: 5_000 }, (_, i) => [`k${i}`, i]))), contentType: 'application/json' }, 'allow'],
    [
      'binary bytes',
      {
        body: Buffer.from([0xff, 0xfe, 0, 1, 2, ...Buffer.from(` ${EMAIL} `)]).toString('base64'),
        bodyEncoding: 'base64',
        contentType: 'application/octet-stream',
      },
      'block',
    ],
    ['__proto__ keys', { body: '{"__proto__": {"x": "jane.doe@example.com"}, "constructor": 1}', contentType: 'application/json' }, 'block'],
  ])('inspects %s without a 5xx', async (_name, extra, decision) => {
    const res = await inspect({ destination: { url: 'https://api.openai.com/v1', method: 'POST' }, ...extra });
    expect(res.statusCode).toBe(200);
    expect(res.json().decision).toBe(decision);
  });

  it('blocks rather than redacts a binary body it cannot rewrite', async () => {
    const reply = (
      await inspect({
        destination: { url: 'https://redact.example/v1', method: 'POST' },
        body: Buffer.from([0xff, 0, ...Buffer.from(` ${EMAIL} `)]).toString('base64'),
        bodyEncoding: 'base64',
      })
    ).json();
    expect(reply.decision).toBe('block');
    expect(reply.reasons.map((r: { code: string }) => r.code)).toContain('pii_not_redactable');
  });

  it("scopes by org: another org's secret gets its own policy and verdicts, a wrong one a 401", async () => {
    expect((await inspect(to('https://api.openai.com/v1', '{}'), { authorization: 'Bearer wrong-secret-0123456789' })).statusCode).toBe(401);
    const reply = (await inspect(to('https://api.openai.com/v1', json({ a: EMAIL })), { authorization: `Bearer ${OTHER_SECRET}` })).json();
    expect(reply.decision).toBe('block');
    const [row] = await h.store.query<{ org_id: string }>('SELECT org_id FROM ingested_event WHERE event_id = $1', [reply.eventId]);
    expect(row?.org_id).toBe(OTHER_ORG);
  });

  it('refuses egress events sent to /v1/events: only the inspection raises them', async () => {
    const res = await h.app.inject({
      method: 'POST',
      url: '/v1/events',
      headers: AUTH,
      payload: envelope([dmlEvent({ kind: 'egress', details: { egress: { decision: 'block' } } })]),
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().rejected[0].reasons[0]).toMatch(/raised by the sidecar's egress inspection only/);
  });

  it('logged no body text at all', () => {
    const all = logs.join('');
    expect(all).not.toContain(EMAIL);
    expect(all).not.toContain('sk-proj-');
    expect(all).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(all).not.toContain(CANARY);
  });
});
