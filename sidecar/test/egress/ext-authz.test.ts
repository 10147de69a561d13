import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/index.js';
import { checkReplyOf, egressRequestOf } from '../../src/egress/ext-authz.js';
import { DEFAULT_EGRESS_POLICY, destinationOf, egressPoliciesFrom } from '../../src/egress/policy.js';
import { eventually, useTestApp } from '../api/build-test-app.js';
import { SECRET } from '../api/envelopes.js';

const EMAIL = 'jane.doe@example.com';

/**
 * A check request as Envoy's HTTP ext_authz client sends it (`http_service` with `path_prefix:
 * /v1/egress/ext-authz`, `with_request_body`, `allowed_headers` adding content-type, and
 * `headers_to_add` with the org secret): the original method, the original Host, the prefixed path,
 * Authorization passed through, Content-Length of the buffered body, and Envoy's own headers.
 */
function envoyCheck(over: { method?: string; path?: string; body?: string; headers?: Record<string, string>; secret?: string } = {}) {
  const body = over.body ?? '';
  return {
    method: over.method ?? 'POST',
    url: `/v1/egress/ext-authz${over.path ?? '/v1/chat/completions'}`,
    headers: {
      host: 'api.openai.com',
      authorization: 'Bearer sk-proj-abcdefghijklmnopqrstuvwxyz012345',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'x-forwarded-proto': 'https',
      'x-request-id': '0f6a2c9e-1111-4222-8333-444455556666',
      'x-envoy-expected-rq-timeout-ms': '200',
      'x-envoy-auth-partial-body': 'false',
      'x-leakwatch-org-secret': over.secret ?? SECRET,
      ...over.headers,
    },
    ...(body ? { payload: body } : {}),
  };
}

describe('ext_authz request and reply shapes', () => {
  it('rebuilds the original request from the check request', () => {
    const { request, partialBody } = egressRequestOf({
      method: 'PUT',
      url: '/v1/egress/ext-authz/v1/files?purpose=x',
      headers: {
        host: 'api.example.com:8443',
        'content-type': 'text/plain',
        'x-leakwatch-org-secret': 's',
        'x-envoy-auth-partial-body': 'true',
        'x-custom': ['a', 'b'],
      },
      body: Buffer.from('hello'),
    });
    expect(partialBody).toBe(true);
    expect(request).toEqual({
      destination: { url: 'https://api.example.com:8443/v1/files?purpose=x', method: 'PUT' },
      headers: { host: 'api.example.com:8443', 'content-type': 'text/plain', 'x-custom': 'a, b' },
      body: Buffer.from('hello').toString('base64'),
      bodyEncoding: 'base64',
      contentType: 'text/plain',
    });
  });

  it('allows with 200 and a decision header for the upstream, denies with 403 and a JSON body', () => {
    const destination = destinationOf(DEFAULT_EGRESS_POLICY, 'api.openai.com');
    expect(checkReplyOf({ decision: 'allow', reasons: [], destination }, 'block')).toEqual({ status: 200, headers: { 'x-leakwatch-decision': 'allow' } });
    const reasons = [{ code: 'pii_redacted_by_rule' as const, message: 'm' }];
    expect(checkReplyOf({ decision: 'redact', reasons, destination }, 'allow')).toEqual({
      status: 200,
      headers: { 'x-leakwatch-decision': 'redact', 'x-leakwatch-reasons': 'pii_redacted_by_rule' },
    });
    expect(checkReplyOf({ decision: 'redact', reasons, destination }, 'block')).toMatchObject({
      status: 403,
      headers: { 'x-leakwatch-decision': 'block', 'x-leakwatch-reasons': 'pii_redacted_by_rule', 'content-type': 'application/json; charset=utf-8' },
      body: { decision: 'block', reasons, destination: { host: 'api.openai.com', ai: true, allowListed: false } },
    });
  });
});

describe('the ext_authz HTTP service', () => {
  const h = useTestApp('pglite', {
    detector: createDetector(),
    egress: { policyFor: egressPoliciesFrom({ policies: [{ destinations: [{ match: 'redact.example', action: 'redact' }] }] }) },
  });
  const check = (over: Parameters<typeof envoyCheck>[0] = {}) => h.app.inject(envoyCheck(over));

  it('answers 200 for a clean request, whatever the method, with the client credential passed through', async () => {
    const post = await check({ body: JSON.stringify({ messages: [{ role: 'user', content: 'Summarise the release notes' }] }) });
    expect(post.statusCode).toBe(200);
    expect(post.headers['x-leakwatch-decision']).toBe('allow');
    const get = await check({ method: 'GET', path: '/v1/models' });
    expect(get.statusCode).toBe(200);
  });

  it('denies personal data bound for an AI service outside the allowed regions with 403, reasons in headers and body, and a verdict', async () => {
    const res = await check({ body: JSON.stringify({ messages: [{ role: 'user', content: `Mail ${EMAIL}` }] }) });
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-leakwatch-decision']).toBe('block');
    expect(res.headers['x-leakwatch-reasons']).toBe('pii_to_ai_outside_region');
    expect(res.json()).toMatchObject({ decision: 'block', destination: { host: 'api.openai.com', ai: true } });
    await eventually(() => h.org.records('LeakVerdict__c').some((r) => r.OrgEventKind__c === 'egress'));
    expect(JSON.stringify(h.org.records('LeakVerdict__c'))).not.toContain(EMAIL);
  });

  it('enforces a redaction as a block (the protocol cannot rewrite the body)', async () => {
    const res = await check({ headers: { host: 'redact.example' }, body: JSON.stringify({ a: EMAIL }) });
    expect(res.statusCode).toBe(403);
    expect(res.headers['x-leakwatch-reasons']).toBe('pii_redacted_by_rule');
  });

  it('inspects a body Envoy cut at max_request_bytes as text, and any content type', async () => {
    const res = await check({ headers: { 'x-envoy-auth-partial-body': 'true' }, body: `{"messages":[{"content":"Mail ${EMAIL} and more` });
    expect(res.statusCode).toBe(403);
    const png = await check({ headers: { 'content-type': 'image/png' }, body: `\x89PNG ${EMAIL}` });
    expect(png.statusCode).toBe(403);
  });

  it('denies with 403 (never a 5xx, which Envoy may fail open on) a body it cannot inspect', async () => {
    const res = await check({ body: '['.repeat(1000) + ']'.repeat(1000) });
    expect(res.statusCode).toBe(403);
    expect(res.json().reasons[0]).toMatchObject({ code: 'not_inspectable', message: expect.stringContaining('deeper than 64') });
  });

  it('answers 401 without the org secret header, even with a valid bearer in Authorization', async () => {
    expect((await check({ secret: '' })).statusCode).toBe(401);
    expect((await check({ secret: 'nope-nope-nope-nope', headers: { authorization: `Bearer ${SECRET}` } })).statusCode).toBe(401);
  });
});
