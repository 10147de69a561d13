import { describe, expect, it } from 'vitest';
import { createDetector } from '../../src/detect/index.js';
import { SIDECAR_ACTOR_ID } from '../../src/contract/event.js';
import { decodeJsonTraces, decodeProtobufTraces, type DecodeOptions } from '../../src/otlp/decode-traces.js';
import { FLOW_RESOURCE_ATTRIBUTES, FLOW_SPAN_ATTRIBUTES, FLOW_SPAN_KINDS, flowsOf } from '../../src/otlp/flows.js';
import { otlpTypes } from '../../src/otlp/proto.js';
import { csvCell } from '../../src/otlp/flow-map.js';

const OPTIONS: DecodeOptions = { kinds: FLOW_SPAN_KINDS, attributes: FLOW_SPAN_ATTRIBUTES, resourceAttributes: FLOW_RESOURCE_ATTRIBUTES, maxSpans: 1000 };

const kv = (key: string, value: Record<string, unknown>) => ({ key, value });

/** One request in the OTLP JSON encoding (lowerCamelCase, int64 as strings, hex ids). */
const REQUEST = {
  resourceSpans: [
    {
      resource: { attributes: [kv('service.name', { stringValue: 'shop-middleware' }), kv('host.name', { stringValue: 'box-1' })] },
      scopeSpans: [
        {
          scope: { name: 'manual' },
          spans: [
            {
              traceId: '5b8efff798038103d269b633813fc60c',
              spanId: 'eee19b7ec3c1b174',
              name: 'POST',
              kind: 3,
              startTimeUnixNano: '1793613600000000000',
              endTimeUnixNano: '1793613601000000000',
              attributes: [
                kv('server.address', { stringValue: 'API.OpenAI.com.' }),
                kv('http.request.body.size', { intValue: '1200' }),
                kv('salesforce.object', { stringValue: 'Contact' }),
                kv('salesforce.fields', {
                  arrayValue: { values: [{ stringValue: 'Email' }, { stringValue: 'Contact.Phone' }, { intValue: '3' }, { stringValue: 'x; DROP' }] },
                }),
                kv('gen_ai.prompt', { stringValue: 'jane.doe@example.com' }),
              ],
              events: [{ timeUnixNano: '1793613600500000000', name: 'exception', attributes: [kv('exception.message', { stringValue: 'secret' })] }],
            },
            { kind: 2, startTimeUnixNano: '1793613600000000000', attributes: [kv('server.address', { stringValue: 'self.example' })] },
            {
              kind: 3,
              startTimeUnixNano: '1793613700000000000',
              attributes: [
                kv('db.system', { stringValue: 'salesforce' }),
                kv('server.address', { stringValue: 'acme.my.salesforce.com' }),
                kv('db.statement', { stringValue: "SELECT Id, Email FROM Lead WHERE Email = 'jane.doe@example.com'" }),
              ],
            },
            {
              kind: 4,
              startTimeUnixNano: '1793613800000000000',
              attributes: [kv('url.full', { stringValue: 'https://user:pw@queue.partner.example:8443/p?q=1' })],
            },
            { kind: 3, startTimeUnixNano: '1793613900000000000', attributes: [kv('peer.service', { stringValue: 'nowhere' })] },
          ],
        },
      ],
    },
  ],
};

/** The same request in the binary encoding, built with protobufjs from the vendored protos (ids as bytes). */
function binaryRequest(): Uint8Array {
  const { request } = otlpTypes();
  const copy = JSON.parse(JSON.stringify(REQUEST)) as typeof REQUEST;
  for (const rs of copy.resourceSpans)
    for (const ss of rs.scopeSpans)
      for (const span of ss.spans as Array<Record<string, unknown>>) {
        if (typeof span['traceId'] === 'string') span['traceId'] = Buffer.from(span['traceId'], 'hex');
        if (typeof span['spanId'] === 'string') span['spanId'] = Buffer.from(span['spanId'], 'hex');
      }
  return request.encode(request.fromObject(copy)).finish();
}

describe('OTLP decoding', () => {
  it('it_should_read_the_same_spans_from_protobuf_as_from_json', () => {
    const fromJson = decodeJsonTraces(REQUEST, OPTIONS);
    const fromProto = decodeProtobufTraces(binaryRequest(), OPTIONS);
    expect(fromProto).toEqual(fromJson);
    expect(fromJson.total).toBe(5);
    expect(fromJson.spans).toHaveLength(4);
    expect(fromJson.spans[0]?.attributes.has('gen_ai.prompt')).toBe(false);
  });

  it('it_should_agree_with_the_full_protobufjs_decoder_of_the_vendored_protos', () => {
    const { request } = otlpTypes();
    const full = request.toObject(request.decode(binaryRequest()), { longs: String, enums: Number }) as typeof REQUEST;
    const spans = full.resourceSpans[0]!.scopeSpans[0]!.spans as Array<{ kind?: number; attributes?: unknown[] }>;
    const fromProto = decodeProtobufTraces(binaryRequest(), OPTIONS);
    expect(fromProto.spans.map((s) => s.kind)).toEqual(spans.map((s) => s.kind ?? 0).filter((k) => FLOW_SPAN_KINDS.has(k)));
  });

  it('it_should_resolve_a_resource_that_follows_its_spans_on_the_wire', () => {
    const { resourceSpans, request } = otlpTypes();
    const spansOnly = resourceSpans
      .encode(resourceSpans.fromObject({ scopeSpans: REQUEST.resourceSpans[0]!.scopeSpans.map((s) => ({ spans: [s.spans[3]] })) }))
      .finish();
    const resourceOnly = resourceSpans.encode(resourceSpans.fromObject({ resource: REQUEST.resourceSpans[0]!.resource })).finish();
    // Two encodings of one message concatenated are that message merged: the resource comes last.
    const merged = Buffer.concat([spansOnly, resourceOnly]);
    const body = request.encode(request.fromObject({})).finish();
    const wire = Buffer.concat([body, Buffer.from([0x0a]), varint(merged.length), merged]);
    expect(decodeProtobufTraces(wire, OPTIONS).spans[0]?.resource.get('service.name')).toBe('shop-middleware');
  });

  it('it_should_reject_spans_past_the_budget_with_a_reason', () => {
    const decoded = decodeJsonTraces(REQUEST, { ...OPTIONS, maxSpans: 2 });
    expect(decoded.rejected).toBe(3);
    expect(decoded.problems[0]).toMatch(/more than 2 spans/);
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

describe('Data flows from spans', () => {
  it('it_should_keep_hosts_service_names_api_names_and_counts_only', () => {
    const flows = flowsOf(decodeJsonTraces(REQUEST, OPTIONS).spans, Date.UTC(2026, 10, 3));
    expect(flows.map((f) => [f.source, f.destination, f.day, [...f.objects], [...f.fields], f.spans, f.bytes, f.orgApi])).toEqual([
      ['shop-middleware', 'api.openai.com', '2026-11-02', ['Contact'], ['Email', 'Contact.Phone'], 1, 1200, false],
      ['shop-middleware', 'acme.my.salesforce.com', '2026-11-02', ['Lead'], ['Lead.Id', 'Lead.Email'], 1, 0, true],
      ['shop-middleware', 'queue.partner.example', '2026-11-02', [], [], 1, 0, false],
    ]);
    expect(JSON.stringify(flows.map((f) => ({ ...f, objects: [...f.objects], fields: [...f.fields] })))).not.toMatch(/jane|user:pw|8443|\?q=/);
  });

  it('it_should_quote_csv_cells_and_defuse_formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(12)).toBe('12');
  });
});

describe('dataFlowRule', () => {
  const event = (details: Record<string, unknown>) => ({
    orgId: '00D5g000004Cx1aEAC',
    event: {
      id: '0b0c8b8e-5b52-5d7c-9a2e-0d8d1c3f1a01',
      kind: 'egress' as const,
      operation: 'export' as const,
      occurredAt: '2026-11-02T10:00:00.000Z',
      actor: { userId: SIDECAR_ACTOR_ID },
      details: { source: 'OTLP', change: 'data_flow', sourceService: 'shop-middleware', destinationHost: 'api.openai.com', ...details },
    },
    findings: [],
    notes: [],
  });

  it('it_should_raise_new_data_flow_for_a_first_seen_unlisted_destination', async () => {
    const verdict = await createDetector().score(event({ firstSeen: true, allowListed: false, ai: false, regionAllowed: true, objects: [] }));
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['new_data_flow']);
    expect(verdict?.reasons[0]?.message).toContain('api.openai.com');
  });

  it('it_should_raise_pii_to_ai_outside_region_only_for_personal_data_objects', async () => {
    const detector = createDetector();
    const pii = await detector.score(event({ firstSeen: false, allowListed: true, ai: true, regionAllowed: false, objects: ['Contact', 'Product2'] }));
    expect(pii?.reasons.map((r) => r.code)).toEqual(['pii_to_ai_outside_region']);
    expect(pii?.reasons[0]?.message).toMatch(/Contact data to the AI service api\.openai\.com in an unknown region/);
    const products = await detector.score({
      ...event({ firstSeen: false, allowListed: true, ai: true, regionAllowed: false, objects: ['Product2'] }),
      event: {
        ...event({}).event,
        id: '0b0c8b8e-5b52-5d7c-9a2e-0d8d1c3f1a02',
        details: { source: 'OTLP', change: 'data_flow', ai: true, regionAllowed: false, objects: ['Product2'] },
      },
    });
    expect(products).toBeNull();
  });

  it('it_should_leave_events_of_other_sources_alone', async () => {
    const other = event({ firstSeen: true, allowListed: false });
    other.event.details = { ...other.event.details, source: 'PubSub' };
    expect(await createDetector().score(other)).toBeNull();
  });
});
