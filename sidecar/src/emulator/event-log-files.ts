import { ApiError } from './errors.js';

/** What `POST /__emulator/event-log-files` takes: one log file as the org would generate it. */
export interface EventLogFileSeed {
  eventType?: unknown;
  /** `Hourly` or `Daily`, the Interval picklist's values. */
  interval?: unknown;
  /** The period's start, an ISO-8601 or Salesforce date-time. */
  logDate?: unknown;
  /** The file's body: a header row of column names, then one line per event. */
  csv?: unknown;
  sequence?: unknown;
  /** When the org generated the file (CreatedDate); default now. */
  createdDate?: unknown;
  /** Column types in header order (`String`, `Id`, `Number`, `DateTime`, …); default: `String` for each. */
  fieldTypes?: unknown;
}

const COLUMN = /^[A-Z][A-Z0-9_]*$/;
const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9]*$/;

/** The column names of an event log file's header row (quoted or not; they never hold commas). */
function headerColumns(csv: string): string[] {
  const firstLine = csv.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return firstLine.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
}

/**
 * Checks a seeded log file and builds its EventLogFile record: LogFileFieldNames and
 * LogFileFieldTypes as comma-separated lists in header order, LogFileLength in bytes,
 * LogFileContentType `CSV`, as the object documents them.
 */
export function eventLogFileRecord(seed: EventLogFileSeed, apiVersion: string): { record: Record<string, unknown> & { lines: number }; body: Buffer } {
  if (seed === null || typeof seed !== 'object') throw new ApiError(400, 'JSON_PARSER_ERROR', 'The body must be {"eventType","interval","logDate","csv"}');
  const { eventType, interval, logDate, csv, sequence, fieldTypes, createdDate } = seed;
  if (createdDate !== undefined && (typeof createdDate !== 'string' || Number.isNaN(Date.parse(createdDate.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))))) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'createdDate must be a date-time');
  }
  if (typeof eventType !== 'string' || !EVENT_TYPE.test(eventType))
    throw new ApiError(400, 'INVALID_FIELD', 'eventType must be an event type name such as API, Login or ApiTotalUsage');
  if (interval !== 'Hourly' && interval !== 'Daily') throw new ApiError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', 'interval must be Hourly or Daily');
  if (typeof logDate !== 'string' || Number.isNaN(Date.parse(logDate.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')))) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'logDate must be a date-time, e.g. 2026-11-30T00:00:00.000+0000');
  }
  if (typeof csv !== 'string' || csv.trim() === '')
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'csv must be the file body: a header row, then one line per event');
  const columns = headerColumns(csv);
  const bad = columns.find((c) => !COLUMN.test(c));
  if (bad !== undefined)
    throw new ApiError(400, 'INVALID_FIELD', `the header row must name upper-case columns such as EVENT_TYPE,TIMESTAMP,USER_ID (got ${JSON.stringify(bad)})`);
  const types = fieldTypes === undefined ? columns.map(() => 'String') : fieldTypes;
  if (!Array.isArray(types) || types.length !== columns.length || types.some((t) => typeof t !== 'string')) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', `fieldTypes must list one type per column (${columns.length})`);
  }
  if (sequence !== undefined && (!Number.isInteger(sequence) || (sequence as number) < 0))
    throw new ApiError(400, 'JSON_PARSER_ERROR', 'sequence must be a non-negative integer');
  const body = Buffer.from(csv, 'utf8');
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '').length - 1;
  return {
    record: {
      EventType: eventType,
      Interval: interval,
      LogDate: logDate,
      LogFileLength: body.length,
      LogFileContentType: 'CSV',
      LogFileFieldNames: columns.join(','),
      LogFileFieldTypes: (types as string[]).join(','),
      Sequence: (sequence as number | undefined) ?? 1,
      ApiVersion: Number(apiVersion),
      ...(createdDate !== undefined ? { CreatedDate: createdDate, SystemModstamp: createdDate } : {}),
      lines,
    },
    body,
  };
}
