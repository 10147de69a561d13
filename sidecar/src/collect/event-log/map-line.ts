import type { LeakEvent, Operation } from '../../contract/event.js';
import { isSalesforceId, toId18 } from '../../contract/salesforce-id.js';
import { networkOf } from '../../contract/network.js';
import { collectedEventId } from '../event-id.js';

/** One CSV line of an event log file, by column name. */
export type LogLine = Record<string, string>;

export interface LogFileInfo {
  /** The EventLogFile record id. */
  id: string;
  eventType: string;
  /** The org's key. */
  orgId: string;
}

/**
 * Columns read per event type, from the Object Reference's "EventLogFile Supported Event Types"
 * pages (sforce_api_objects_eventlogfile_<type>). Every type has EVENT_TYPE, ORGANIZATION_ID,
 * REQUEST_ID, TIMESTAMP (GMT, `yyyyMMddHHmmss.SSS`), TIMESTAMP_DERIVED (ISO 8601), USER_ID
 * (15 characters) and USER_ID_DERIVED (18); the rest differ:
 *
 * | type | object | rows | session / job | client |
 * | --- | --- | --- | --- | --- |
 * | ApiTotalUsage | ENTITY_NAME | — (the type has no row count) | — | CLIENT_NAME, CONNECTED_APP_ID, API_FAMILY, API_RESOURCE, HTTP_METHOD |
 * | API | ENTITY_NAME | ROWS_PROCESSED | SESSION_KEY | CLIENT_NAME, USER_AGENT, API_TYPE (a code: E SOAP Enterprise, P SOAP Partner, …), METHOD_NAME |
 * | RestApi | ENTITY_NAME | ROWS_PROCESSED | SESSION_KEY | USER_AGENT, METHOD, URI, STATUS_CODE, CONNECTED_APP_ID |
 * | BulkApi | ENTITY_TYPE | ROWS_PROCESSED | JOB_ID | OPERATION_TYPE |
 * | BulkApi2 | ENTITY_TYPE | RECORDS_PROCESSED | JOB_ID | OPERATION_TYPE, JOB_STATUS |
 * | Report, ReportExport | — | ROW_COUNT where present | SESSION_KEY | CLIENT_INFO, REPORT_ID |
 * | URI | — (record ids: URI_ID_DERIVED) | — | SESSION_KEY | URI, REFERRER_URI |
 * | Login | — | — | SESSION_KEY | LOGIN_STATUS, SOURCE_IP, BROWSER_TYPE, PLATFORM_TYPE, API_TYPE, LOGIN_TYPE where present |
 *
 * A column a line does not have gives nothing: no count, object or id is ever invented.
 */
export const MAPPED_TYPES = ['ApiTotalUsage', 'API', 'RestApi', 'BulkApi', 'BulkApi2', 'Report', 'ReportExport', 'URI', 'Login'] as const;

const OBJECT_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

const get = (line: LogLine, column: string): string | undefined => {
  const value = line[column];
  return value === undefined || value === '' ? undefined : value;
};

/** TIMESTAMP_DERIVED, else TIMESTAMP (`20130715233322.670`, GMT). */
export function lineTime(line: LogLine): string | undefined {
  const derived = get(line, 'TIMESTAMP_DERIVED');
  if (derived && !Number.isNaN(Date.parse(derived))) return new Date(derived).toISOString();
  const raw = get(line, 'TIMESTAMP');
  const m = raw ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,3}))?$/.exec(raw) : null;
  if (!m) return undefined;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, +(m[7] ?? '0').padEnd(3, '0'))).toISOString();
}

const count = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 100_000_000 ? Math.round(n) : undefined;
};

/** The first object of a set-typed ENTITY_NAME (`Contact` or `Account,Contact`). */
const objectOf = (value: string | undefined): string | undefined => {
  const first = value?.split(/[,;]/)[0]?.trim();
  return first && OBJECT_NAME.test(first) && first.length <= 80 ? first : undefined;
};

/** Bulk operations that read: a query job's results are an export. */
const isBulkRead = (operation: string | undefined) => operation !== undefined && /query/i.test(operation);

/**
 * One event log line as a canonical event; undefined for a line without a user or time (counted
 * by the caller as unmapped). The event's id derives from the file, the line number (1 for the
 * first line after the header) and the REQUEST_ID, so two events of one request stay apart.
 */
export function mapLogLine(file: LogFileInfo, line: LogLine, lineNumber: number): LeakEvent | undefined {
  const userRaw = get(line, 'USER_ID_DERIVED') ?? get(line, 'USER_ID');
  const occurredAt = lineTime(line);
  if (!userRaw || !isSalesforceId(userRaw) || !occurredAt) return undefined;
  const type = file.eventType;
  const details: Record<string, unknown> = { source: 'EventLogFile', eventType: type };
  const put = (key: string, column: string) => {
    const value = get(line, column);
    if (value !== undefined) details[key] = value.slice(0, 255);
  };
  put('requestId', 'REQUEST_ID');
  put('clientIp', 'CLIENT_IP');
  put('clientName', 'CLIENT_NAME');
  put('userAgent', 'USER_AGENT');
  put('uri', 'URI');
  put('statusCode', 'STATUS_CODE');

  let kind: LeakEvent['kind'] = 'export';
  let operation: Operation = 'query';
  let object: string | undefined;
  let recordCount: number | undefined;
  let sessionKey = get(line, 'SESSION_KEY');
  let recordIds: string[] | undefined;
  switch (type) {
    case 'ApiTotalUsage':
      object = objectOf(get(line, 'ENTITY_NAME'));
      put('apiFamily', 'API_FAMILY');
      put('apiResource', 'API_RESOURCE');
      put('method', 'HTTP_METHOD');
      break;
    case 'API':
    case 'RestApi':
      object = objectOf(get(line, 'ENTITY_NAME'));
      recordCount = count(get(line, 'ROWS_PROCESSED'));
      put('apiType', 'API_TYPE');
      put('method', type === 'API' ? 'METHOD_NAME' : 'METHOD');
      break;
    case 'BulkApi':
    case 'BulkApi2': {
      object = objectOf(get(line, 'ENTITY_TYPE'));
      recordCount = count(get(line, type === 'BulkApi' ? 'ROWS_PROCESSED' : 'RECORDS_PROCESSED'));
      const bulkOperation = get(line, 'OPERATION_TYPE');
      if (bulkOperation) details['bulkOperation'] = bulkOperation.slice(0, 40);
      put('jobStatus', 'JOB_STATUS');
      const job = get(line, 'JOB_ID');
      if (job) {
        details['jobId'] = job.slice(0, 40);
        sessionKey = `job:${job}`;
      }
      if (!isBulkRead(bulkOperation)) operation = 'change';
      else operation = 'export';
      break;
    }
    case 'Report':
    case 'ReportExport':
      operation = 'export';
      recordCount = count(get(line, 'ROW_COUNT'));
      put('reportId', 'REPORT_ID');
      put('clientInfo', 'CLIENT_INFO');
      break;
    case 'URI': {
      operation = 'query';
      const id = get(line, 'URI_ID_DERIVED');
      if (id && isSalesforceId(id)) recordIds = [toId18(id)];
      break;
    }
    case 'Login':
      kind = 'login';
      operation = 'login';
      put('loginStatus', 'LOGIN_STATUS');
      put('loginType', 'LOGIN_TYPE');
      put('sourceIp', 'SOURCE_IP');
      put('browser', 'BROWSER_TYPE');
      put('platform', 'PLATFORM_TYPE');
      put('apiType', 'API_TYPE');
      break;
    default:
      kind = 'setup';
      operation = 'change';
  }
  const network = networkOf(get(line, 'CLIENT_IP') ?? get(line, 'SOURCE_IP'));
  if (network) details['network'] = network;
  const app = get(line, 'CONNECTED_APP_ID');
  const connectedAppId = app && isSalesforceId(app) ? toId18(app) : undefined;
  return {
    id: collectedEventId(file.orgId, 'EventLogFile', `${file.id}:${lineNumber}:${get(line, 'REQUEST_ID') ?? ''}`),
    kind,
    operation,
    occurredAt,
    actor: {
      userId: toId18(userRaw),
      ...(connectedAppId ? { connectedAppId } : {}),
      ...(sessionKey ? { sessionId: sessionKey.slice(0, 255) } : {}),
    },
    ...(object ? { object } : {}),
    ...(recordCount !== undefined ? { recordCount } : {}),
    ...(recordIds ? { recordIds } : {}),
    details,
  };
}
