import { toId18 } from '../contract/salesforce-id.js';
import type { EventLogFileUpload, SharingRuleSeed } from '../emulator/seeding-client.js';

/**
 * Raw org data in Salesforce's own shapes: records of the standard objects the collectors read
 * (field names as the Object Reference lists them) and event log files as CSV with Salesforce's
 * column names. The demo loads them through the org emulator's public seeding API
 * (`POST /__emulator/records/{SObject}`, `POST /__emulator/event-log-files`), exactly as an
 * independent data set would be replayed.
 */
export interface OrgData {
  /** Records per object, in the order they are seeded (users before what names them). */
  records: Array<{ sobject: string; records: Array<Record<string, unknown>> }>;
  eventLogFiles: EventLogFileData[];
  /** Sharing rules as the org's Sharing Settings hold them (Metadata API components). */
  sharingRules?: SharingRuleSeed[];
}

/** The body of `POST /__emulator/event-log-files`, with the time the org generated the file. */
export type EventLogFileData = EventLogFileUpload & { createdDate: string };

/** A date-time as the REST API writes it: `2026-12-05T03:04:00.000+0000`. */
export const orgDateTime = (ms: number): string => new Date(Math.floor(ms / 1_000) * 1_000).toISOString().replace('Z', '+0000');

/** Event log TIMESTAMP: `yyyyMMddHHmmss.SSS`, GMT. */
const logTimestamp = (ms: number): string => new Date(ms).toISOString().replace(/[-:T]/g, '').replace('Z', '');

const quote = (value: string | number): string => `"${String(value).replace(/"/g, '""')}"`;

/** An event log file's CSV: the header, then one line per event, every field quoted as Salesforce writes them. */
export function eventLogCsv(columns: readonly string[], lines: ReadonlyArray<Record<string, string | number | undefined>>): string {
  const body = lines.map((line) => columns.map((c) => quote(line[c] ?? '')).join(','));
  return `${[columns.map((c) => quote(c)).join(','), ...body].join('\n')}\n`;
}

/** Columns every event type has (EventLogFile Supported Event Types). */
const COMMON = ['EVENT_TYPE', 'TIMESTAMP', 'REQUEST_ID', 'ORGANIZATION_ID', 'USER_ID', 'TIMESTAMP_DERIVED', 'USER_ID_DERIVED'] as const;

/** Columns of each event type the demo writes, as the Object Reference lists them. */
export const LOG_COLUMNS: Record<string, readonly string[]> = {
  API: [...COMMON, 'ENTITY_NAME', 'ROWS_PROCESSED', 'SESSION_KEY', 'CLIENT_IP', 'CLIENT_NAME', 'API_TYPE', 'METHOD_NAME'],
  RestApi: [...COMMON, 'ENTITY_NAME', 'ROWS_PROCESSED', 'SESSION_KEY', 'CLIENT_IP', 'USER_AGENT', 'METHOD', 'URI', 'STATUS_CODE', 'CONNECTED_APP_ID'],
  ApiTotalUsage: [...COMMON, 'ENTITY_NAME', 'CLIENT_IP', 'CLIENT_NAME', 'CONNECTED_APP_ID', 'API_FAMILY', 'API_RESOURCE', 'HTTP_METHOD'],
  BulkApi2: [...COMMON, 'ENTITY_TYPE', 'RECORDS_PROCESSED', 'JOB_ID', 'OPERATION_TYPE', 'JOB_STATUS', 'CLIENT_IP'],
  Report: [...COMMON, 'REPORT_ID', 'ROW_COUNT', 'SESSION_KEY', 'CLIENT_IP'],
  URI: [...COMMON, 'URI', 'URI_ID_DERIVED', 'SESSION_KEY', 'CLIENT_IP', 'REFERRER_URI'],
};

/** One event log line: the common columns from its time, user and request, the rest as given. */
export function logLine(
  orgId: string,
  eventType: string,
  at: number,
  userId: string,
  requestId: string,
  rest: Record<string, string | number | undefined>,
): Record<string, string | number | undefined> {
  return {
    EVENT_TYPE: eventType,
    TIMESTAMP: logTimestamp(at),
    REQUEST_ID: requestId,
    ORGANIZATION_ID: orgId.slice(0, 15),
    USER_ID: userId.slice(0, 15),
    TIMESTAMP_DERIVED: new Date(at).toISOString(),
    USER_ID_DERIVED: toId18(userId),
    ...rest,
  };
}

/** Groups lines into files of one type: Daily files (created the next morning) or Hourly ones (created within the next hour). */
export class EventLogBook {
  private readonly lines = new Map<
    string,
    { eventType: string; interval: 'Hourly' | 'Daily'; start: number; lines: Array<{ at: number; line: Record<string, string | number | undefined> }> }
  >();

  constructor(private readonly interval: 'Hourly' | 'Daily') {}

  add(eventType: string, at: number, line: Record<string, string | number | undefined>): void {
    const span = this.interval === 'Hourly' ? 3_600_000 : 86_400_000;
    const start = Math.floor(at / span) * span;
    const key = `${eventType}|${start}`;
    const file = this.lines.get(key) ?? { eventType, interval: this.interval, start, lines: [] };
    file.lines.push({ at, line });
    this.lines.set(key, file);
  }

  files(): EventLogFileData[] {
    return [...this.lines.values()]
      .sort((a, b) => a.start - b.start || a.eventType.localeCompare(b.eventType))
      .map((file) => {
        const span = file.interval === 'Hourly' ? 3_600_000 : 86_400_000;
        // Salesforce generates a file after its period: hourly ones within the next hour or so,
        // daily ones early the next day.
        const created = file.start + span + (file.interval === 'Hourly' ? 25 : 150) * 60_000;
        const columns = LOG_COLUMNS[file.eventType];
        if (!columns) throw new TypeError(`no columns for event type ${file.eventType}`);
        return {
          eventType: file.eventType,
          interval: file.interval,
          logDate: orgDateTime(file.start),
          createdDate: orgDateTime(created),
          csv: eventLogCsv(
            columns,
            file.lines.sort((a, b) => a.at - b.at).map((l) => l.line),
          ),
        };
      });
  }
}
