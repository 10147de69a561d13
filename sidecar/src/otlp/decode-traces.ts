import protobuf from 'protobufjs';
import { fieldId, otlpTypes } from './proto.js';

/** An attribute value as kept: strings, numbers, booleans and arrays of strings (other shapes are not read). */
export type AttributeValue = string | number | boolean | string[];

/** A span as the receiver keeps it: its resource's wanted attributes, its kind, start and wanted attributes. Ids, names, events and links are never read. */
export interface DecodedSpan {
  resource: ReadonlyMap<string, AttributeValue>;
  /** `Span.SpanKind` as its number (3 CLIENT, 4 PRODUCER). */
  kind: number;
  /** Start in milliseconds since the epoch; undefined when the span gives none (0). */
  startMs: number | undefined;
  attributes: ReadonlyMap<string, AttributeValue>;
}

export interface DecodeOptions {
  /** Span kinds kept; spans of other kinds are counted and skipped. */
  kinds: ReadonlySet<number>;
  /** Span attribute keys read; every other attribute is skipped unread. */
  attributes: ReadonlySet<string>;
  /** Resource attribute keys read. */
  resourceAttributes: ReadonlySet<string>;
  /** Spans kept per request at most; the rest are rejected (partial success). */
  maxSpans: number;
}

interface DecodedTraces {
  spans: DecodedSpan[];
  /** Every span of the request, kept or not. */
  total: number;
  /** Spans rejected (malformed in JSON, or past `maxSpans`). */
  rejected: number;
  /** Why spans were rejected, at most a few distinct messages. */
  problems: string[];
}

/** The body cannot be read as an `ExportTraceServiceRequest` at all: a 400. */
export class UndecodableTraces extends Error {}

/** Strings longer than this (a URL with a huge query) are not kept: none of the values read needs more. */
const MAX_STRING = 8 * 1024;
/** Elements of an array attribute kept at most. */
const MAX_ARRAY = 500;
const MAX_PROBLEMS = 3;

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_LEN = 2;

/** Field numbers of the messages read, from the vendored protos. */
function wireFields() {
  const t = otlpTypes();
  return {
    requestResourceSpans: fieldId(t.request, 'resourceSpans'),
    resource: fieldId(t.resourceSpans, 'resource'),
    scopeSpans: fieldId(t.resourceSpans, 'scopeSpans'),
    resourceAttributes: fieldId(t.resource, 'attributes'),
    spans: fieldId(t.scopeSpans, 'spans'),
    kind: fieldId(t.span, 'kind'),
    start: fieldId(t.span, 'startTimeUnixNano'),
    spanAttributes: fieldId(t.span, 'attributes'),
    key: fieldId(t.keyValue, 'key'),
    value: fieldId(t.keyValue, 'value'),
    stringValue: fieldId(t.anyValue, 'stringValue'),
    boolValue: fieldId(t.anyValue, 'boolValue'),
    intValue: fieldId(t.anyValue, 'intValue'),
    doubleValue: fieldId(t.anyValue, 'doubleValue'),
    arrayValue: fieldId(t.anyValue, 'arrayValue'),
    arrayValues: fieldId(t.arrayValue, 'values'),
  };
}

let fields: ReturnType<typeof wireFields> | undefined;

function malformed(what: string): never {
  throw new UndecodableTraces(`The body is not a valid protobuf ExportTraceServiceRequest (${what}).`);
}

/** Counts spans and rejections against the span budget. */
class Tally {
  total = 0;
  rejected = 0;
  readonly problems: string[] = [];
  readonly spans: DecodedSpan[] = [];
  constructor(readonly options: DecodeOptions) {}

  /** Whether one more span may be kept; past the budget it is counted as rejected. */
  admit(): boolean {
    this.total += 1;
    if (this.total <= this.options.maxSpans) return true;
    if (this.total === this.options.maxSpans + 1)
      this.problem(`more than ${this.options.maxSpans} spans in one request; export smaller batches (OTEL_BSP_MAX_EXPORT_BATCH_SIZE)`);
    this.rejected += 1;
    return false;
  }

  reject(problem: string): void {
    this.rejected += 1;
    this.problem(problem);
  }

  private problem(message: string): void {
    if (this.problems.length < MAX_PROBLEMS && !this.problems.includes(message)) this.problems.push(message);
  }

  result(): DecodedTraces {
    return { spans: this.spans, total: this.total, rejected: this.rejected, problems: this.problems };
  }
}

/**
 * Reads an `ExportTraceServiceRequest` in the binary protobuf encoding with protobufjs's wire
 * reader, field numbers taken from the vendored protos. Only what flows need is materialised: a
 * span of another kind, an attribute of another key, ids, events and links are skipped without
 * allocating, so a body of millions of tiny spans costs time proportional to its bytes, not memory.
 * The full decoder of the same protos is pinned against this reader by a parity test.
 */
export function decodeProtobufTraces(body: Uint8Array, options: DecodeOptions): DecodedTraces {
  const f = (fields ??= wireFields());
  const tally = new Tally(options);
  const r = protobuf.Reader.create(body);
  try {
    each(r, r.len, (field, wire) => {
      if (field !== f.requestResourceSpans) return false;
      expectLen(wire, 'resource_spans');
      readResourceSpans(r, end(r), f, tally);
      return true;
    });
  } catch (err) {
    if (err instanceof UndecodableTraces) throw err;
    malformed(err instanceof RangeError ? 'truncated or nested too deeply' : 'bad wire data');
  }
  return tally.result();
}

type Fields = ReturnType<typeof wireFields>;

/** Reads the fields up to `stop`: `visit` reads those it knows and returns true, the others are skipped. */
function each(r: protobuf.Reader, stop: number, visit: (field: number, wire: number) => boolean): void {
  while (r.pos < stop) {
    const tag = r.uint32();
    const field = tag >>> 3;
    const wire = tag & 7;
    if (field === 0) malformed('field number 0');
    if (!visit(field, wire)) r.skipType(wire);
  }
  if (r.pos !== stop) malformed('a message overruns its length');
}

/** The end of the length-delimited field at the reader, checked against the buffer. */
function end(r: protobuf.Reader): number {
  const length = r.uint32();
  const stop = r.pos + length;
  if (stop > r.len) malformed('a length past the end of the body');
  return stop;
}

function expectLen(wire: number, name: string): void {
  if (wire !== WIRE_LEN) malformed(`${name} has wire type ${wire}`);
}

function readResourceSpans(r: protobuf.Reader, stop: number, f: Fields, tally: Tally): void {
  const resource = new Map<string, AttributeValue>();
  const spans: Array<Omit<DecodedSpan, 'resource'>> = [];
  each(r, stop, (field, wire) => {
    if (field === f.resource) {
      expectLen(wire, 'resource');
      each(r, end(r), (inner, innerWire) => {
        if (inner !== f.resourceAttributes) return false;
        expectLen(innerWire, 'resource attribute');
        readKeyValue(r, end(r), f, tally.options.resourceAttributes, resource);
        return true;
      });
      return true;
    }
    if (field !== f.scopeSpans) return false;
    expectLen(wire, 'scope_spans');
    each(r, end(r), (inner, innerWire) => {
      if (inner !== f.spans) return false;
      expectLen(innerWire, 'span');
      const stopSpan = end(r);
      if (!tally.admit()) {
        r.pos = stopSpan;
        return true;
      }
      const span = readSpan(r, stopSpan, f, tally.options);
      if (span) spans.push(span);
      return true;
    });
    return true;
  });
  // The resource may follow its spans on the wire: it is attached once the message is read.
  for (const span of spans) tally.spans.push({ ...span, resource });
}

function readSpan(r: protobuf.Reader, stop: number, f: Fields, options: DecodeOptions): Omit<DecodedSpan, 'resource'> | undefined {
  let kind = 0;
  let startMs: number | undefined;
  const attributeRanges: Array<[number, number]> = [];
  each(r, stop, (field, wire) => {
    if (field === f.kind) {
      if (wire !== WIRE_VARINT) malformed(`span kind has wire type ${wire}`);
      kind = r.int32();
      return true;
    }
    if (field === f.start) {
      if (wire !== WIRE_FIXED64) malformed(`start_time_unix_nano has wire type ${wire}`);
      const low = r.fixed32();
      const high = r.fixed32();
      const ms = Math.floor((high * 4_294_967_296 + low) / 1e6);
      startMs = ms > 0 ? ms : undefined;
      return true;
    }
    if (field !== f.spanAttributes) return false;
    expectLen(wire, 'span attribute');
    const stopAttribute = end(r);
    attributeRanges.push([r.pos, stopAttribute]);
    r.pos = stopAttribute;
    return true;
  });
  if (!options.kinds.has(kind)) return undefined;
  const attributes = new Map<string, AttributeValue>();
  for (const [from, to] of attributeRanges) {
    r.pos = from;
    readKeyValue(r, to, f, options.attributes, attributes);
  }
  r.pos = stop;
  return { kind, startMs, attributes };
}

/** Reads a `KeyValue` into `into` when its key is wanted; the value is read only then. */
function readKeyValue(r: protobuf.Reader, stop: number, f: Fields, wanted: ReadonlySet<string>, into: Map<string, AttributeValue>): void {
  let key: string | undefined;
  let value: [number, number] | undefined;
  each(r, stop, (field, wire) => {
    if (field === f.key) {
      expectLen(wire, 'attribute key');
      key = r.string();
      return true;
    }
    if (field !== f.value) return false;
    expectLen(wire, 'attribute value');
    const stopValue = end(r);
    value = [r.pos, stopValue];
    r.pos = stopValue;
    return true;
  });
  if (key === undefined || value === undefined || !wanted.has(key)) return;
  r.pos = value[0];
  const read = readAnyValue(r, value[1], f, true);
  r.pos = stop;
  if (read !== undefined) into.set(key, read);
}

function readAnyValue(r: protobuf.Reader, stop: number, f: Fields, arrays: boolean): AttributeValue | undefined {
  let out: AttributeValue | undefined;
  each(r, stop, (field, wire) => {
    if (field === f.stringValue && wire === WIRE_LEN) {
      const s = r.string();
      out = s.length <= MAX_STRING ? s : undefined;
      return true;
    }
    if (field === f.boolValue && wire === WIRE_VARINT) {
      out = r.bool();
      return true;
    }
    if (field === f.intValue && wire === WIRE_VARINT) {
      const v = r.int64() as unknown as number | { toNumber(): number };
      out = typeof v === 'number' ? v : v.toNumber();
      return true;
    }
    if (field === f.doubleValue && wire === WIRE_FIXED64) {
      out = r.double();
      return true;
    }
    if (field === f.arrayValue && wire === WIRE_LEN && arrays) {
      const strings: string[] = [];
      each(r, end(r), (inner, innerWire) => {
        if (inner !== f.arrayValues || innerWire !== WIRE_LEN) return false;
        const stopItem = end(r);
        const item = readAnyValue(r, stopItem, f, false);
        if (typeof item === 'string' && strings.length < MAX_ARRAY) strings.push(item);
        r.pos = stopItem;
        return true;
      });
      out = strings;
      return true;
    }
    return false;
  });
  return out;
}

/**
 * Reads an `ExportTraceServiceRequest` in the OTLP JSON encoding (proto3 JSON mapping with
 * lowerCamelCase keys, integer enums, 64-bit integers as decimal strings or numbers; unknown
 * fields ignored). A body whose top level is not that message is a 400; a span that breaks the
 * mapping is rejected on its own (partial success) and the others are kept.
 */
export function decodeJsonTraces(body: unknown, options: DecodeOptions): DecodedTraces {
  if (!isObject(body)) throw new UndecodableTraces('The body is not a JSON ExportTraceServiceRequest: send a JSON object with resourceSpans.');
  const tally = new Tally(options);
  const resourceSpans = body['resourceSpans'];
  if (resourceSpans === undefined || resourceSpans === null) return tally.result();
  if (!Array.isArray(resourceSpans)) throw new UndecodableTraces('resourceSpans must be an array of ResourceSpans.');
  for (const rs of resourceSpans) {
    const scopes = isObject(rs) ? rs['scopeSpans'] : undefined;
    const spans = Array.isArray(scopes) ? scopes.flatMap((s) => (isObject(s) && Array.isArray(s['spans']) ? (s['spans'] as unknown[]) : [])) : [];
    const resourceObject = isObject(rs) ? rs['resource'] : undefined;
    const resource = isObject(resourceObject) ? jsonAttributes(resourceObject['attributes'], options.resourceAttributes) : new Map<string, AttributeValue>();
    for (const span of spans) {
      if (!tally.admit()) continue;
      if (!isObject(span)) {
        tally.reject('a span is not a JSON object');
        continue;
      }
      const kind = span['kind'] ?? 0;
      if (!Number.isInteger(kind)) {
        tally.reject('a span kind is not an integer (OTLP JSON encodes enums as integers, e.g. "kind": 3)');
        continue;
      }
      if (!options.kinds.has(kind as number)) continue;
      const start = jsonUint64(span['startTimeUnixNano'] ?? 0);
      if (start === undefined) {
        tally.reject('a startTimeUnixNano is not an unsigned 64-bit integer (a decimal string or a number)');
        continue;
      }
      if (resource === undefined) {
        tally.reject('a resource attribute is not a KeyValue { "key": "...", "value": { ... } }');
        continue;
      }
      const attributes = jsonAttributes(span['attributes'], options.attributes);
      if (attributes === undefined) {
        tally.reject('a span attribute is not a KeyValue { "key": "...", "value": { ... } }');
        continue;
      }
      const ms = Math.floor(start / 1e6);
      tally.spans.push({ resource, kind: kind as number, startMs: ms > 0 ? ms : undefined, attributes });
    }
  }
  return tally.result();
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An unsigned 64-bit integer as the JSON mapping writes it (decimal string or number), as a (lossy) number. */
function jsonUint64(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return Number(value);
  return undefined;
}

/** The wanted attributes of a JSON `attributes` array; undefined when it is malformed. */
function jsonAttributes(value: unknown, wanted: ReadonlySet<string>): Map<string, AttributeValue> | undefined {
  const out = new Map<string, AttributeValue>();
  if (value === undefined || value === null) return out;
  if (!Array.isArray(value)) return undefined;
  for (const kv of value) {
    if (!isObject(kv) || typeof kv['key'] !== 'string') return undefined;
    if (!wanted.has(kv['key'])) continue;
    const v = jsonAnyValue(kv['value'], true);
    if (v !== undefined) out.set(kv['key'], v);
  }
  return out;
}

function jsonAnyValue(value: unknown, arrays: boolean): AttributeValue | undefined {
  if (!isObject(value)) return undefined;
  const s = value['stringValue'];
  if (typeof s === 'string') return s.length <= MAX_STRING ? s : undefined;
  if (typeof value['boolValue'] === 'boolean') return value['boolValue'];
  const i = value['intValue'];
  if (typeof i === 'number' && Number.isInteger(i)) return i;
  if (typeof i === 'string' && /^-?\d{1,20}$/.test(i)) return Number(i);
  const d = value['doubleValue'];
  if (typeof d === 'number') return d;
  const array = value['arrayValue'];
  if (arrays && isObject(array) && Array.isArray(array['values'])) {
    return (array['values'] as unknown[])
      .map((item) => jsonAnyValue(item, false))
      .filter((item): item is string => typeof item === 'string')
      .slice(0, MAX_ARRAY);
  }
  return undefined;
}
