import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { otlpTypes } from '../../src/otlp/proto.js';
import { AUTH } from '../api/envelopes.js';
import { useTestApp } from '../api/build-test-app.js';

const post = (headers: Record<string, string>, payload: Buffer | string) => ({
  method: 'POST' as const,
  url: '/v1/traces',
  headers: { ...AUTH, ...headers },
  payload,
});
const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_HEADERS = { 'content-type': 'application/json' };

/** The `google.rpc.Status` message of a protobuf failure reply. */
function statusMessage(body: Buffer): string {
  const { status } = otlpTypes();
  return String((status.toObject(status.decode(body)) as { message?: string }).message);
}

describe('OTLP receiver facing hostile input', () => {
  const t = useTestApp('pglite');

  it('it_should_answer_400_with_a_protobuf_status_for_garbage_protobuf', async () => {
    for (const garbage of [
      Buffer.from('not protobuf at all'),
      Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]),
      Buffer.from([0x0a, 0x05, 0x12, 0x03, 0x12, 0x10]),
    ]) {
      const reply = await t.app.inject(post(PROTO, garbage));
      expect(reply.statusCode).toBe(400);
      expect(reply.headers['content-type']).toBe('application/x-protobuf');
      expect(statusMessage(reply.rawPayload)).toMatch(/not a valid protobuf ExportTraceServiceRequest/);
    }
  });

  it('it_should_answer_400_for_json_that_is_not_an_export_request', async () => {
    for (const body of ['{"resourceSpans": 3}', '[1,2]', '{"resourceSpans": [', '"x"']) {
      const reply = await t.app.inject(post(JSON_HEADERS, body));
      expect(reply.statusCode, body).toBe(400);
    }
  });

  it('it_should_refuse_another_content_type_with_415', async () => {
    const reply = await t.app.inject(post({ 'content-type': 'text/plain' }, 'hello'));
    expect(reply.statusCode).toBe(415);
    expect(reply.json().message).toMatch(/application\/x-protobuf/);
  });

  it('it_should_answer_413_for_a_body_past_the_limit_and_for_a_gzip_bomb', async () => {
    const huge = await t.app.inject(post(PROTO, Buffer.alloc(6 * 1024 * 1024, 0)));
    expect(huge.statusCode).toBe(413);
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024, 0));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const reply = await t.app.inject(post({ ...PROTO, 'content-encoding': 'gzip' }, bomb));
    expect(reply.statusCode).toBe(413);
    const broken = await t.app.inject(post({ ...JSON_HEADERS, 'content-encoding': 'gzip' }, Buffer.from('not gzip')));
    expect(broken.statusCode).toBe(400);
  });

  it('it_should_reject_malformed_json_spans_one_by_one_with_a_partial_success', async () => {
    const body = {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
          scopeSpans: [
            {
              spans: [
                { kind: 3, startTimeUnixNano: '1793613600000000000', attributes: [{ key: 'server.address', value: { stringValue: 'partner.example' } }] },
                { kind: 'SPAN_KIND_CLIENT' },
                { kind: 3, startTimeUnixNano: 'yesterday' },
                { kind: 3, attributes: [{ value: {} }] },
                7,
              ],
            },
          ],
        },
      ],
    };
    const reply = await t.app.inject(post(JSON_HEADERS, JSON.stringify(body)));
    expect(reply.statusCode).toBe(200);
    expect(reply.json().partialSuccess.rejectedSpans).toBe('4');
    expect(reply.json().partialSuccess.errorMessage).toMatch(/4 of 5 spans rejected/);
  });

  it('it_should_accept_an_empty_request_with_an_empty_response_in_the_request_encoding', async () => {
    const proto = await t.app.inject(post(PROTO, Buffer.alloc(0)));
    expect(proto.statusCode).toBe(200);
    expect(proto.headers['content-type']).toBe('application/x-protobuf');
    expect(proto.rawPayload.length).toBe(0);
    const json = await t.app.inject(post(JSON_HEADERS, '{}'));
    expect(json.statusCode).toBe(200);
    expect(json.json()).toEqual({});
  });

  it('it_should_never_answer_5xx_to_random_bytes', async () => {
    let seed = 7;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) & 0x7fffffff);
    for (let i = 0; i < 200; i += 1) {
      const bytes = Buffer.alloc(1 + (next() % 300));
      for (let j = 0; j < bytes.length; j += 1) bytes[j] = next() & 0xff;
      // Start most of them like a request, so the reader gets past the first tag.
      if (i % 2 === 0) bytes[0] = 0x0a;
      const reply = await t.app.inject(post(i % 3 === 0 ? JSON_HEADERS : PROTO, bytes));
      expect(reply.statusCode, `case ${i}`).toBeLessThan(500);
    }
  });

  it('it_should_answer_401_as_a_protobuf_status_to_a_protobuf_request_without_a_secret', async () => {
    const reply = await t.app.inject({ method: 'POST', url: '/v1/traces', headers: PROTO, payload: Buffer.alloc(0) });
    expect(reply.statusCode).toBe(401);
    expect(reply.headers['content-type']).toBe('application/x-protobuf');
    expect(statusMessage(reply.rawPayload)).toMatch(/bearer secret/);
  });
});
