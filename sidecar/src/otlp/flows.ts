import { API_NAME } from '../contract/api-name.js';
import { analyzeSoql } from '../collect/realtime/soql-analysis.js';
import { HOST_NAME } from '../contract/host.js';
import { normalizeHost } from '../egress/policy.js';
import type { AttributeValue, DecodedSpan } from './decode-traces.js';

/**
 * The attribute convention flows are read from. HTTP and messaging destinations follow the
 * OpenTelemetry semantic conventions, current names first, then the older ones still sent by
 * many agents; Salesforce objects and fields are named by Leakwatch's own two attributes, or read
 * from database spans of a Salesforce client (`db.system` / `db.system.name` = `salesforce`).
 */
const FLOW_ATTRIBUTE = {
  serverAddress: 'server.address',
  urlFull: 'url.full',
  netPeerName: 'net.peer.name',
  httpUrl: 'http.url',
  requestBodySize: 'http.request.body.size',
  dbSystem: 'db.system',
  dbSystemName: 'db.system.name',
  dbCollection: 'db.collection.name',
  dbTable: 'db.sql.table',
  dbQuery: 'db.query.text',
  dbStatement: 'db.statement',
  /** Leakwatch convention: the Salesforce object(s) a span carries data of (`Contact`, or an array). */
  salesforceObject: 'salesforce.object',
  /** Leakwatch convention: the fields it carries (an array, or a comma-separated string; `Email` or `Contact.Email`). */
  salesforceFields: 'salesforce.fields',
} as const;

const SERVICE_NAME = 'service.name';
/** What the semantic conventions say a resource without `service.name` is called. */
const UNKNOWN_SERVICE = 'unknown_service';

/** CLIENT (3) and PRODUCER (4): spans of calls a service makes to somewhere else. */
export const FLOW_SPAN_KINDS: ReadonlySet<number> = new Set([3, 4]);
export const FLOW_SPAN_ATTRIBUTES: ReadonlySet<string> = new Set(Object.values(FLOW_ATTRIBUTE));
export const FLOW_RESOURCE_ATTRIBUTES: ReadonlySet<string> = new Set([SERVICE_NAME]);

/** A service name as kept; longer or stranger names are cut to this shape. */
const SERVICE = /^[\x20-\x7e]{1,100}$/;
const MAX_NAMES = 100;

/** One flow's spans within one request and one UTC day. */
export interface FlowSample {
  source: string;
  destination: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  objects: Set<string>;
  fields: Set<string>;
  spans: number;
  bytes: number;
  firstMs: number;
  lastMs: number;
  /** Some span was a Salesforce client's database call: the service reading the org, not data leaving it. */
  orgApi: boolean;
}

/**
 * Flows of a request's CLIENT and PRODUCER spans: source service → destination host per UTC day,
 * with the Salesforce objects and fields named, span count and request bytes. A span without a
 * destination host is no flow. Only hosts, service names, API names and counts leave this function:
 * URLs lose everything but their host, queries everything but the objects and fields they name.
 */
export function flowsOf(spans: readonly DecodedSpan[], receivedMs: number): FlowSample[] {
  const flows = new Map<string, FlowSample>();
  for (const span of spans) {
    if (!FLOW_SPAN_KINDS.has(span.kind)) continue;
    const destination = destinationOf(span.attributes);
    if (!destination) continue;
    const source = serviceOf(span.resource.get(SERVICE_NAME));
    const at = span.startMs ?? receivedMs;
    const day = new Date(at).toISOString().slice(0, 10);
    const key = `${source}\u0000${destination}\u0000${day}`;
    let flow = flows.get(key);
    if (!flow) {
      flow = { source, destination, day, objects: new Set(), fields: new Set(), spans: 0, bytes: 0, firstMs: at, lastMs: at, orgApi: false };
      flows.set(key, flow);
    }
    flow.spans += 1;
    flow.firstMs = Math.min(flow.firstMs, at);
    flow.lastMs = Math.max(flow.lastMs, at);
    const size = span.attributes.get(FLOW_ATTRIBUTE.requestBodySize);
    if (typeof size === 'number' && Number.isSafeInteger(size) && size > 0) flow.bytes += size;
    addSalesforceNames(flow, span.attributes);
  }
  return [...flows.values()];
}

/** The destination host: `server.address`, else the host of `url.full`, else `net.peer.name`, else the host of `http.url`. */
function destinationOf(attributes: ReadonlyMap<string, AttributeValue>): string | undefined {
  const candidates = [
    hostName(attributes.get(FLOW_ATTRIBUTE.serverAddress)),
    urlHost(attributes.get(FLOW_ATTRIBUTE.urlFull)),
    hostName(attributes.get(FLOW_ATTRIBUTE.netPeerName)),
    urlHost(attributes.get(FLOW_ATTRIBUTE.httpUrl)),
  ];
  return candidates.find((h) => h !== undefined);
}

function hostName(value: AttributeValue | undefined): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const host = normalizeHost(value);
  return HOST_NAME.test(host) ? host : undefined;
}

function urlHost(value: AttributeValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return hostName(new URL(value).hostname);
  } catch {
    return undefined;
  }
}

function serviceOf(value: AttributeValue | undefined): string {
  if (typeof value !== 'string') return UNKNOWN_SERVICE;
  const printable = value
    .replace(/[^\x20-\x7e]/g, '')
    .trim()
    .slice(0, 100);
  return SERVICE.test(printable) ? printable : UNKNOWN_SERVICE;
}

function names(value: AttributeValue | undefined): string[] {
  if (typeof value === 'string') return value.split(',').map((s) => s.trim());
  if (Array.isArray(value)) return value.map((s) => s.trim());
  return [];
}

function add(into: Set<string>, name: string): void {
  if (into.size < MAX_NAMES) into.add(name);
}

/**
 * Objects and fields named by `salesforce.object` / `salesforce.fields`, and, for a Salesforce
 * client's database span, its collection and the objects and fields its SOQL names (the query
 * itself, with its literals, is never kept). Anything that is not an API name is dropped.
 */
function addSalesforceNames(flow: FlowSample, attributes: ReadonlyMap<string, AttributeValue>): void {
  for (const object of names(attributes.get(FLOW_ATTRIBUTE.salesforceObject))) if (API_NAME.test(object)) add(flow.objects, object);
  for (const field of names(attributes.get(FLOW_ATTRIBUTE.salesforceFields))) {
    const [object, name] = field.includes('.') ? field.split('.', 2) : [undefined, field];
    if (name === undefined || !API_NAME.test(name)) continue;
    if (object !== undefined) {
      if (!API_NAME.test(object)) continue;
      add(flow.objects, object);
    }
    add(flow.fields, object ? `${object}.${name}` : name);
  }
  const system = attributes.get(FLOW_ATTRIBUTE.dbSystemName) ?? attributes.get(FLOW_ATTRIBUTE.dbSystem);
  if (typeof system !== 'string' || system.toLowerCase() !== 'salesforce') return;
  flow.orgApi = true;
  for (const key of [FLOW_ATTRIBUTE.dbCollection, FLOW_ATTRIBUTE.dbTable]) {
    const object = attributes.get(key);
    if (typeof object === 'string' && API_NAME.test(object)) add(flow.objects, object);
  }
  const query = attributes.get(FLOW_ATTRIBUTE.dbQuery) ?? attributes.get(FLOW_ATTRIBUTE.dbStatement);
  if (typeof query !== 'string') return;
  const shape = analyzeSoql(query);
  if (!shape.parsed) return;
  for (const object of shape.objects) if (API_NAME.test(object)) add(flow.objects, object);
  for (const { object, field } of shape.fields) if (API_NAME.test(object) && API_NAME.test(field)) add(flow.fields, `${object}.${field}`);
}
