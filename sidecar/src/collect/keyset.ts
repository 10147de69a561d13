import { isSalesforceId, toId18 } from '../contract/salesforce-id.js';
import { parseOrgDateTime, soqlDateTime } from '../feedback/false-positive-query.js';
import type { SourceContext, SourcePage } from './source.js';

export { soqlDateTime };

/** Where a SOQL source stopped: the timestamp and id of the last row turned into events. */
export interface KeysetPosition {
  /** ISO-8601, to the second as Salesforce keeps it. */
  at: string;
  /** 18-character id. */
  id: string;
}

interface KeysetQuery {
  object: string;
  fields: readonly string[];
  /** The row's timestamp field: `CreatedDate`, `LoginTime`, `SystemModstamp`, `LogDate`… */
  timeField: string;
  after: KeysetPosition | undefined;
  /** The first read starts here (backfill). */
  from: Date;
  /** Rows at or after this are left for the next read (see `settledBefore`). */
  before: Date;
  /** Extra conditions, already valid SOQL. */
  where?: string;
  limit: number;
}

/**
 * The next page after a cursor, oldest first. Salesforce keeps timestamps to the second, so many
 * rows share one: ties are broken by Id (`T > t OR (T = t AND Id > id)`), so a page boundary
 * inside a second neither skips nor repeats a row.
 */
function keysetSoql(q: KeysetQuery): string {
  const { timeField: t, after } = q;
  if (after && !isSalesforceId(after.id)) throw new TypeError(`not a record id: ${JSON.stringify(after.id)}`);
  const since = after
    ? `(${t} > ${soqlDateTime(new Date(after.at))} OR (${t} = ${soqlDateTime(new Date(after.at))} AND Id > '${after.id}'))`
    : `${t} >= ${soqlDateTime(q.from)}`;
  const conditions = [since, `${t} < ${soqlDateTime(q.before)}`, ...(q.where ? [`(${q.where})`] : [])];
  return `SELECT ${q.fields.join(', ')} FROM ${q.object} WHERE ${conditions.join(' AND ')} ORDER BY ${t}, Id LIMIT ${q.limit}`;
}

/**
 * Rows become visible to a query a little after their timestamp (commit, replication to the query
 * layer). Reading only up to `settleMs` ago, and never the current second, keeps a row that
 * appears late from falling behind a cursor that has already passed its timestamp.
 */
export function settledBefore(now: Date, settleMs: number): Date {
  return new Date(Math.floor((now.getTime() - settleMs) / 1_000) * 1_000);
}

/** A cursor before every row of a first read's backfill window: an empty first read still records where it looked. */
export function startPosition(now: Date, backfillDays: number): KeysetPosition {
  const from = Math.floor((now.getTime() - backfillDays * 86_400_000) / 1_000) * 1_000;
  return { at: new Date(from - 1_000).toISOString(), id: '000000000000000AAA' };
}

/** The cursor after a page's last row. */
export function positionAfter(row: { Id: string } & Record<string, unknown>, timeField: string): KeysetPosition {
  const at = row[timeField];
  if (typeof at !== 'string') throw new TypeError(`row ${row.Id} has no ${timeField}`);
  return { at: parseOrgDateTime(at).toISOString(), id: toId18(row.Id) };
}

/** An org date-time (`2026-11-30T03:00:00.000+0000`) as ISO-8601. */
export function orgTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return undefined;
  const date = parseOrgDateTime(value);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

/** A SOQL string literal: backslash and quote escaped as SOQL requires. */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** What a SOQL source reads: its object, fields and timestamp, how far back and how settled. */
interface KeysetRead {
  object: string;
  fields: readonly string[];
  timeField: string;
  /** The first read goes back this many days (the org's retention of these rows). */
  backfillDays: number;
  /** Rows newer than this are left for the next read (see `settledBefore`). */
  settleMs: number;
  where?: string;
}

/** The next page of rows after the source's cursor, oldest first (one API call per 2,000 rows). */
export function readKeysetPage<R extends Record<string, unknown>>(ctx: SourceContext<KeysetPosition>, read: KeysetRead): Promise<R[]> {
  return ctx.client.query<R>(
    keysetSoql({
      object: read.object,
      fields: read.fields,
      timeField: read.timeField,
      after: ctx.position,
      from: new Date(ctx.now.getTime() - read.backfillDays * 86_400_000),
      before: settledBefore(ctx.now, read.settleMs),
      ...(read.where ? { where: read.where } : {}),
      limit: ctx.pageSize,
    }),
  );
}

/** A read that found nothing new: the cursor stays where it was, or starts at the backfill. */
export function nothingNew(ctx: SourceContext<KeysetPosition>, backfillDays: number): SourcePage<KeysetPosition> {
  return { events: [], rows: 0, position: ctx.position ?? startPosition(ctx.now, backfillDays), more: false };
}
