import { DEFAULT_API_VERSION } from '../../contract/api-version.js';
import { toId18 } from '../../contract/salesforce-id.js';
import { eventLogBatches, type ParsedBatch } from '../event-log/parse.js';
import { MAPPED_TYPES } from '../event-log/map-line.js';
import { orgTime, settledBefore, soqlDateTime, startPosition, type KeysetPosition } from '../keyset.js';
import type { CollectorSource, SourceContext, SourcePage } from '../source.js';

const DAY_MS = 86_400_000;

/** Where the event log source stands: after the last file finished, and inside the file being read. */
interface EventLogPosition extends KeysetPosition {
  current?: { id: string; createdAt: string; eventType: string; interval: string; line: number };
}

interface FileRow extends Record<string, unknown> {
  Id: string;
  EventType: string;
  Interval?: string | null;
  LogDate: string;
  LogFileLength?: number | null;
  CreatedDate: string;
}

interface EventLogOptions {
  /** Event types read (default: every type the mapper knows). */
  eventTypes?: readonly string[];
  intervalMs?: number;
  /** First read: files created this many days back; default 30 (Event Monitoring keeps 30 days; free types one). */
  backfillDays?: number;
  /** Lines per page (one page, one transaction); default 5,000. */
  linesPerPage?: number;
}

/**
 * EventLogFile: files are taken one at a time in (CreatedDate, Id) order (CreatedDate, as the
 * docs advise for hourly files), each body downloaded once and streamed through the CSV parser;
 * a page is a run of lines, and the cursor holds the file and its last stored line, so a crash
 * resumes inside the file (downloading it again and skipping what was stored). The file being read
 * stays open between pages of the same run.
 */
export function eventLogFileSource(options: EventLogOptions = {}): CollectorSource<EventLogPosition> {
  const types = options.eventTypes ?? MAPPED_TYPES;
  const backfillDays = options.backfillDays ?? 30;
  const linesPerPage = options.linesPerPage ?? 5_000;
  const open = new Map<string, { fileId: string; line: number; batches: AsyncGenerator<ParsedBatch> }>();

  const nextFile = async (ctx: SourceContext<EventLogPosition>): Promise<FileRow | undefined> => {
    const after = ctx.position;
    const since = after
      ? `(CreatedDate > ${soqlDateTime(new Date(after.at))} OR (CreatedDate = ${soqlDateTime(new Date(after.at))} AND Id > '${after.id}'))`
      : `CreatedDate >= ${soqlDateTime(new Date(ctx.now.getTime() - backfillDays * DAY_MS))}`;
    const [row] = await ctx.client.query<FileRow>(
      `SELECT Id, EventType, Interval, LogDate, LogFileLength, CreatedDate FROM EventLogFile ` +
        `WHERE EventType IN (${types.map((t) => `'${t}'`).join(', ')}) AND ${since} AND CreatedDate < ${soqlDateTime(settledBefore(ctx.now, 0))} ` +
        `ORDER BY CreatedDate, Id LIMIT 1`,
    );
    return row;
  };

  return {
    name: 'EventLogFile',
    intervalMs: options.intervalMs ?? 15 * 60_000,
    backfill: { days: backfillDays, why: 'Event Monitoring keeps event log files 30 days; types every org has, one day' },
    async read(ctx): Promise<SourcePage<EventLogPosition>> {
      let current = ctx.position?.current;
      if (!current) {
        const file = await nextFile(ctx);
        if (!file) return { events: [], rows: 0, position: ctx.position ?? startPosition(ctx.now, backfillDays), more: false };
        current = {
          id: toId18(file.Id),
          createdAt: orgTime(file.CreatedDate) as string,
          eventType: file.EventType,
          interval: file.Interval ?? 'Daily',
          line: 0,
        };
      }
      let reader = open.get(ctx.orgId);
      if (!reader || reader.fileId !== current.id || reader.line !== current.line) {
        await reader?.batches.return(undefined);
        if (!ctx.client.download) throw new Error('this client cannot download event log files');
        const version = ctx.client.apiVersion ?? DEFAULT_API_VERSION;
        const body = await ctx.client.download(`/services/data/v${version}/sobjects/EventLogFile/${current.id}/LogFile`);
        reader = {
          fileId: current.id,
          line: current.line,
          batches: eventLogBatches(
            body,
            { id: current.id, eventType: current.eventType, orgId: ctx.orgId },
            { batchSize: linesPerPage, resumeAfterLine: current.line },
          ),
        };
        open.set(ctx.orgId, reader);
      }
      let next: IteratorResult<ParsedBatch>;
      try {
        next = await reader.batches.next();
      } catch (error) {
        // A download cut off or a line the CSV parser cannot read: this reader is spent. The next
        // run downloads the file again and resumes after the last stored line.
        open.delete(ctx.orgId);
        throw error;
      }
      if (next.done) {
        open.delete(ctx.orgId);
        // The file is finished: the cursor moves past it, and the coverage map learns that the org
        // produces this type at this interval (hourly files only come with Event Monitoring).
        return {
          events: [],
          rows: 0,
          position: { at: current.createdAt, id: current.id },
          lastRowAt: new Date(current.createdAt),
          more: true,
          snapshot: {
            upsert: [
              {
                rowId: `${current.eventType}|${current.interval}`,
                state: { eventType: current.eventType, interval: current.interval, lastFileAt: current.createdAt },
              },
            ],
            remove: [],
          },
        };
      }
      const batch = next.value;
      reader.line = batch.lastLine;
      // A log line names its user by id only: the username, profile and whether the user is an
      // integration user come from the org's User records (one query per 200 new users a run).
      const users = await ctx.lookups.users(batch.events.map((e) => e.actor.userId));
      for (const event of batch.events) {
        const user = users.get(event.actor.userId);
        if (!user) continue;
        event.actor = { ...event.actor, username: user.username, isIntegration: user.isIntegration, ...(user.profile ? { profile: user.profile } : {}) };
      }
      const rows = batch.lastLine - current.line;
      const lastRowAt = batch.events.reduce<Date | undefined>((latest, e) => {
        const t = new Date(e.occurredAt);
        return !latest || t > latest ? t : latest;
      }, undefined);
      const base = ctx.position ?? startPosition(ctx.now, backfillDays);
      return {
        events: batch.events,
        rows,
        position: { at: base.at, id: base.id, current: { ...current, line: batch.lastLine } },
        ...(lastRowAt ? { lastRowAt } : {}),
        more: true,
      };
    },
  };
}
