import type { LeakEvent, Operation } from '../../contract/event.js';
import { isSalesforceId, toId18 } from '../../contract/salesforce-id.js';
import { networkOf } from '../../contract/network.js';
import { collectedEventId } from '../event-id.js';
import { analyzeSoql, defaultFieldCatalog, type QueryShape } from './soql-analysis.js';

/** One decoded event of a topic, by its documented field names. */
type StreamPayload = Record<string, unknown>;

/** The topics the sidecar subscribes to, by object name, with what each becomes. */
export const REALTIME_TOPICS = [
  'ApiEventStream',
  'ReportEventStream',
  'BulkApiResultEvent',
  'ListViewEventStream',
  'LoginEventStream',
  'FileEvent',
  'PermissionSetEvent',
  'ApiAnomalyEvent',
  'ReportAnomalyEvent',
  'SessionHijackingEvent',
  'CredentialStuffingEvent',
] as const;

export const topicPath = (object: string): string => `/event/${object}`;
export const topicObject = (topic: string): string => topic.replace(/^\/event\//, '');

/** Salesforce's own threat-detection events: their score and summary become a verdict reason. */
const THREAT_TOPICS: ReadonlySet<string> = new Set(['ApiAnomalyEvent', 'ReportAnomalyEvent', 'SessionHijackingEvent', 'CredentialStuffingEvent']);

interface MapOptions {
  /** The org's key. */
  orgId: string;
  /** Record ids (15 characters) that must survive truncation of `recordIds` (the org's canaries). */
  isCanary?: (id15: string) => boolean;
}

const OBJECT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const MAX_RECORD_IDS = 200;

const str = (payload: StreamPayload, field: string): string | undefined => {
  const value = payload[field];
  if (value === null || value === undefined) return undefined;
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
  return text === undefined || text === '' ? undefined : text;
};

const num = (payload: StreamPayload, field: string): number | undefined => {
  const value = payload[field];
  const n = typeof value === 'number' ? value : typeof value === 'string' && value !== '' ? Number(value) : NaN;
  return Number.isFinite(n) && n >= 0 && n <= 100_000_000 ? Math.round(n) : undefined;
};

/** A datetime field: epoch milliseconds in the Avro payload (or an ISO string). */
const time = (payload: StreamPayload, field: string): string | undefined => {
  const value = payload[field];
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
};

const id18 = (value: string | undefined): string | undefined => (value && isSalesforceId(value) ? toId18(value) : undefined);

/**
 * A list field: serialized JSON (`["005…","005…"]`, as the documented json fields arrive) or text
 * separated by commas or semicolons.
 */
export function listOf(value: string | undefined): string[] {
  if (!value) return [];
  const text = value.trim();
  if (text.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed))
        return parsed
          .filter((v): v is string => typeof v === 'string')
          .map((v) => v.trim())
          .filter((v) => v !== '');
    } catch {
      // not JSON after all: split it
    }
  }
  return text
    .split(/[,;]/)
    .map((v) => v.trim().replace(/^["'[]+|["'\]]+$/g, ''))
    .filter((v) => v !== '');
}

/** `Contact` or `Account, Contact` (QueriedEntities): the objects named, first first. */
const objectsOf = (value: string | undefined): string[] =>
  (value ?? '')
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && s.length <= 80 && OBJECT_NAME.test(s));

/**
 * The record ids a `Records` field names: a JSON document (query results with `Id`s, report rows
 * with data cells) walked for strings that are record ids. Nothing else of it is kept: the values
 * beside the ids are customer data.
 */
export function recordIdsOf(records: string | undefined, isCanary?: (id15: string) => boolean): { ids: string[]; total: number } {
  if (!records) return { ids: [], total: 0 };
  let doc: unknown;
  try {
    doc = JSON.parse(records);
  } catch {
    return { ids: [], total: 0 };
  }
  const found = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > 12 || found.size >= 50_000) return;
    if (typeof value === 'string') {
      // A record id has a key prefix of letters and digits and at least one digit after it.
      if (isSalesforceId(value) && /^[a-zA-Z0-9]{3}[0-9]/.test(value) && /[0-9]/.test(value.slice(3)) && !/^\d+$/.test(value)) found.add(toId18(value));
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const item of Array.isArray(value) ? value : Object.values(value)) walk(item, depth + 1);
  };
  walk(doc, 0);
  const all = [...found];
  if (all.length <= MAX_RECORD_IDS) return { ids: all, total: all.length };
  const canaries = isCanary ? all.filter((id) => isCanary(id.slice(0, 15))) : [];
  const rest = all.filter((id) => !canaries.includes(id));
  return { ids: [...canaries, ...rest].slice(0, MAX_RECORD_IDS), total: all.length };
}

/**
 * The personal-data columns of a report or list view (`ColumnHeaders`: labels or API names such as
 * `Contact: Email`, `Mailing Street`), through the same field catalog as queries: `Email
 * (EMAIL_ADDRESS)`.
 */
export function piiColumnsOf(headers: string | undefined, object: string | undefined): string[] {
  const catalog = defaultFieldCatalog();
  const out: string[] = [];
  for (const header of listOf(headers)) {
    const label = header.includes(':') ? header.slice(header.lastIndexOf(':') + 1) : header;
    const field = label.replace(/[^A-Za-z0-9_.]/g, '');
    if (field === '') continue;
    const type = catalog.piiTypeOf(object ?? '', field);
    if (type) out.push(`${label.trim().slice(0, 60)} (${type})`);
  }
  return [...new Set(out)].slice(0, 50);
}

/** The parts of a query's shape a verdict may carry: no literal of the text survives. */
const queryDetails = (shape: QueryShape): Record<string, unknown> => ({
  parsed: shape.parsed,
  objects: shape.objects,
  fields: shape.fields.slice(0, 100).map((f) => `${f.object}.${f.field}`),
  piiTypes: shape.piiTypes,
  fieldsMacro: shape.fieldsMacro,
  hasWhere: shape.hasWhere,
  limit: shape.limit,
  offset: shape.offset,
  idRange: shape.idRange,
  orderById: shape.orderById,
  unbounded: shape.unbounded,
  ...(shape.masked ? { masked: shape.masked.slice(0, 1_000) } : {}),
});

/**
 * One streamed event as a canonical event, or undefined when it names no user or time. The id
 * derives from the org, the topic and the event's EventIdentifier (or EventUuid), so the same
 * event delivered twice (a replay after a crash, two subscribers) is one event.
 */
export function mapStreamEvent(topic: string, payload: StreamPayload, options: MapOptions): LeakEvent | undefined {
  const object = topicObject(topic);
  const userId = id18(str(payload, 'UserId'));
  const occurredAt = time(payload, 'EventDate') ?? time(payload, 'CreatedDate');
  const key = str(payload, 'EventIdentifier') ?? str(payload, 'EventUuid');
  if (!userId || !occurredAt || !key) return undefined;
  const details: Record<string, unknown> = { source: 'PubSub', topic: object };
  const put = (detail: string, field: string, max = 255) => {
    const value = str(payload, field);
    if (value !== undefined) details[detail] = value.slice(0, max);
  };
  put('eventIdentifier', 'EventIdentifier', 80);
  put('sourceIp', 'SourceIp', 64);
  put('userAgent', 'UserAgent');
  put('platform', 'Platform');
  put('client', 'Client');
  put('application', 'Application');
  put('apiType', 'ApiType', 80);
  put('apiOperation', 'Operation', 80);
  put('loginKey', 'LoginKey', 40);

  let kind: LeakEvent['kind'] = 'export';
  let operation: Operation = 'query';
  let objects = objectsOf(str(payload, 'QueriedEntities'));
  let recordCount = num(payload, 'RowsProcessed');
  const sessionKey = str(payload, 'SessionKey');
  const records = recordIdsOf(str(payload, 'Records'), options.isCanary);
  const query = str(payload, 'Query');
  if (query !== undefined) {
    const shape = analyzeSoql(query);
    details['query'] = queryDetails(shape);
    if (objects.length === 0) objects = shape.objects;
  }
  switch (object) {
    case 'ApiEventStream':
      break;
    case 'ReportEventStream':
      put('reportId', 'ReportId', 18);
      put('reportName', 'Name');
      put('exportFormat', 'ExportFileFormat', 40);
      put('columnHeaders', 'ColumnHeaders', 2_000);
      details['piiColumns'] = piiColumnsOf(str(payload, 'ColumnHeaders'), objects[0]);
      if (str(payload, 'ExportFileFormat') !== undefined || /export/i.test(str(payload, 'Operation') ?? '')) operation = 'export';
      break;
    case 'ListViewEventStream':
      put('listViewId', 'ListViewId', 18);
      put('listViewName', 'Name');
      put('columnHeaders', 'ColumnHeaders', 2_000);
      details['piiColumns'] = piiColumnsOf(str(payload, 'ColumnHeaders'), objects[0]);
      break;
    case 'BulkApiResultEvent':
      // A download of a Bulk API query job's results. The event names no job and no row count: the
      // downloads are added up per session, and the query says what was read.
      operation = 'export';
      break;
    case 'FileEvent': {
      const action = str(payload, 'FileAction');
      operation = /download|preview|export/i.test(action ?? '') ? 'export' : 'query';
      put('fileAction', 'FileAction', 40);
      put('fileType', 'FileType', 40);
      put('fileSource', 'FileSource', 40);
      put('fileSize', 'ContentSize', 20);
      if (objects.length === 0) objects = ['ContentVersion'];
      const version = id18(str(payload, 'VersionId')) ?? id18(str(payload, 'DocumentId'));
      if (version) records.ids.push(version);
      recordCount ??= 1;
      break;
    }
    case 'LoginEventStream':
      kind = 'login';
      operation = 'login';
      put('status', 'Status', 120);
      put('loginType', 'LoginType', 80);
      put('browser', 'Browser');
      put('userAgent', 'Browser');
      put('country', 'CountryIso', 2);
      put('loginUrl', 'LoginUrl');
      recordCount = undefined;
      break;
    case 'PermissionSetEvent': {
      kind = 'permission';
      // Operation says what happened (a permission added to or removed from a set or profile, a set
      // holding a critical permission assigned or unassigned); it is matched by its verb.
      const op = str(payload, 'Operation') ?? '';
      operation = /unassign|remov|delet|disabl|revok/i.test(op) ? 'revoke' : /assign/i.test(op) ? 'assign' : 'change';
      const permissions = listOf(str(payload, 'PermissionList')).filter((p) => /^[A-Za-z][A-Za-z0-9_]*$/.test(p));
      details['permissions'] = permissions.slice(0, 100);
      put('permissionType', 'PermissionType', 80);
      const sets = listOf(str(payload, 'ParentIdList')).filter(isSalesforceId).map(toId18);
      if (sets.length === 1) details['permissionSetId'] = sets[0];
      else if (sets.length > 1) details['permissionSetIds'] = sets.slice(0, 50);
      const setNames = listOf(str(payload, 'ParentNameList'));
      if (setNames.length > 0) details['permissionSetName'] = setNames.join(', ').slice(0, 255);
      put('eventSource', 'EventSource', 40);
      const assignees = (operation === 'assign' ? listOf(str(payload, 'ImpactedUserIds')) : []).filter(isSalesforceId).map(toId18);
      if (assignees.length === 1) {
        details['assigneeId'] = assignees[0];
        details['assignedById'] = userId;
      } else if (assignees.length > 1) details['assigneeIds'] = assignees.slice(0, 200);
      recordCount = undefined;
      break;
    }
    default:
      if (THREAT_TOPICS.has(object)) {
        // The rows behind an API or report anomaly are counted by the event of the call itself.
        recordCount = undefined;
        const score = typeof payload['Score'] === 'number' ? payload['Score'] : Number(str(payload, 'Score'));
        details['threat'] = {
          type: object,
          ...(Number.isFinite(score) ? { score } : {}),
          ...(str(payload, 'Summary') ? { summary: str(payload, 'Summary')!.slice(0, 500) } : {}),
        };
        if (object === 'SessionHijackingEvent' || object === 'CredentialStuffingEvent') {
          kind = 'login';
          operation = 'login';
          put('previousIp', 'PreviousIp', 64);
          put('currentIp', 'CurrentIp', 64);
          put('userAgent', 'CurrentUserAgent');
          put('previousUserAgent', 'PreviousUserAgent');
          put('loginUrl', 'LoginUrl');
          recordCount = undefined;
        } else if (object === 'ReportAnomalyEvent') {
          put('reportId', 'Report', 18);
        }
      }
  }
  const network = networkOf(str(payload, 'SourceIp') ?? str(payload, 'CurrentIp'));
  if (network) details['network'] = network;
  const app = id18(str(payload, 'ConnectedAppId'));
  if (records.total > records.ids.length) details['recordIdsOmitted'] = records.total - records.ids.length;
  return {
    id: collectedEventId(options.orgId, topicPath(object), key),
    kind,
    operation,
    occurredAt,
    actor: {
      userId,
      ...(str(payload, 'Username') ? { username: str(payload, 'Username')!.slice(0, 255) } : {}),
      ...(app ? { connectedAppId: app } : {}),
      ...(sessionKey ? { sessionId: sessionKey.slice(0, 255) } : {}),
    },
    ...(objects[0] ? { object: objects[0] } : {}),
    ...(recordCount !== undefined ? { recordCount } : {}),
    ...(records.ids.length > 0 ? { recordIds: [...new Set(records.ids)].slice(0, MAX_RECORD_IDS) } : {}),
    details,
  };
}
