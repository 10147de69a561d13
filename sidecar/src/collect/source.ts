import type { LeakEvent } from '../contract/event.js';

/** The org's daily API allowance as its last response reported it (`Sforce-Limit-Info: api-usage=used/max`). */
export interface ApiUsage {
  used: number;
  limit: number;
}

/** What a collector needs of an org's REST client. */
export interface CollectClient {
  /** Runs a SOQL query and follows `nextRecordsUrl` to the end (one API call per page). */
  query<T extends Record<string, unknown>>(soql: string): Promise<T[]>;
  /** Streams a blob, e.g. `/services/data/v62.0/sobjects/EventLogFile/0AT…/LogFile` (one API call). */
  download?(path: string): Promise<AsyncIterable<Uint8Array>>;
  /** The fields of an object as the org describes them to this user (one API call). */
  describe?(sobject: string): Promise<{ fields: Array<{ name: string }> }>;
  /** The org's API usage from the last response; undefined before the first. */
  apiUsage?(): ApiUsage | undefined;
  /** HTTP requests this client has sent so far (each is one API call against the org's allowance). */
  requestCount?(): number;
  /** The REST API version the client speaks, e.g. `62.0`. */
  readonly apiVersion?: string;
}

/** Rows of a snapshot source seen this time (kept to report only changes next time). */
export interface SnapshotWrite {
  upsert: Array<{ rowId: string; state: Record<string, unknown> }>;
  /** Rows that disappeared from the org since the last snapshot. */
  remove: string[];
}

/** One read of a source: the events its rows produced and where the next read starts. */
export interface SourcePage<P> {
  events: LeakEvent[];
  /** Source rows consumed by this page (a row may produce no event, or more than one). */
  rows: number;
  /** The cursor after these rows; stored with their events in one transaction. */
  position: P;
  /** When the newest row of this page happened (for the coverage map's lag). */
  lastRowAt?: Date;
  /** True when more rows are due now: the runner reads again at once. */
  more: boolean;
  snapshot?: SnapshotWrite;
}

export interface SourceContext<P> {
  /** The org's key (18-character id). */
  orgId: string;
  client: CollectClient;
  /** The stored cursor; undefined on the first read (the source backfills as far as the org keeps rows). */
  position: P | undefined;
  now: Date;
  /** Rows per page (each page is one API call for SOQL sources). */
  pageSize: number;
  /** What the source stored of its rows last time (snapshot sources only). */
  snapshot: () => Promise<Map<string, Record<string, unknown>>>;
  /** Reads the org's own records to enrich events (permission sets behind an assignment, …). */
  lookups: Lookups;
}

/** Shared, cached reads of the org's setup records, so that one page costs a bounded number of calls. */
export interface Lookups {
  /** Usernames (and whether the user is an integration user) by 18-character user id. */
  users(ids: readonly string[]): Promise<Map<string, UserInfo>>;
}

export interface UserInfo {
  username: string;
  profile?: string;
  isIntegration: boolean;
}

/**
 * A source of org signals: one module per Salesforce object or log. `read` returns one page after
 * the stored cursor; the runner stores its events and cursor together, then calls again while
 * `more` is true.
 */
export interface CollectorSource<P = unknown> {
  /** Stable name, the checkpoint key: `SetupAuditTrail`, `LoginHistory`, … */
  readonly name: string;
  /** How often the source is read when nothing is pending. */
  readonly intervalMs: number;
  /** How far back the first read goes, and why (the org's retention of these rows). */
  readonly backfill: { days: number; why: string };
  read(context: SourceContext<P>): Promise<SourcePage<P>>;
}

/** Thrown by a source when the org cannot provide it at all (no licence, no permission, no such object). */
export class SourceUnavailable extends Error {
  override readonly name = 'SourceUnavailable';
}
