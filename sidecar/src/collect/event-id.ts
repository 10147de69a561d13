import { createHash } from 'node:crypto';

/**
 * The id of the event collected from one source row: a name-based UUID (RFC 9562 version 5, SHA-1)
 * of the org, the source and the row's own key, so that reading the same row again, after a crash
 * or on another replica, gives the same id and the ingest dedupe keeps one event.
 *
 * `orgId` is the org's key (`orgKey`); `rowKey` is what identifies the row in its source: the record
 * id for SOQL sources, `<EventLogFile id>:<line>:<REQUEST_ID>` for event log lines (two events of one request stay apart).
 */
export const collectedEventId = (orgId: string, source: string, rowKey: string): string => {
  const bytes = createHash('sha1').update(`leakwatch/collect\u0000${orgId}\u0000${source}\u0000${rowKey}`).digest().subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};
