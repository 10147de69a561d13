import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import type { LeakEvent } from '../../contract/event.js';
import { mapLogLine, type LogFileInfo, type LogLine } from './map-line.js';

export interface ParsedBatch {
  events: LeakEvent[];
  /** The number of the last line this batch covers (1 = the first line after the header). */
  lastLine: number;
  /** Lines of this batch that named no user or time, or did not parse as CSV. */
  unmapped: number;
}

interface ParseOptions {
  /** Lines per batch; default 2,000. */
  batchSize?: number;
  /** Lines up to and including this one were stored before: skipped (resume after a crash). */
  resumeAfterLine?: number;
}

/**
 * Streams an event log file's CSV body into batches of events, never holding more than a batch:
 * memory stays flat whatever the file's size. The header names the columns (a byte-order mark is
 * dropped); quoted fields may hold commas, quotes and line breaks. A line the CSV parser cannot
 * read ends the file with an error, as the rest cannot be trusted to line up with the header.
 */
export async function* eventLogBatches(body: AsyncIterable<Uint8Array>, file: LogFileInfo, options: ParseOptions = {}): AsyncGenerator<ParsedBatch> {
  const batchSize = options.batchSize ?? 2_000;
  const skip = options.resumeAfterLine ?? 0;
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true, relax_column_count: true, trim: false });
  // The body flows into the parser with back-pressure; an error on either side ends the other, and
  // surfaces in the loop below. A consumer that stops early (another file, shutdown) closes both,
  // so the download is never left open.
  const source = Readable.from(body, { objectMode: false });
  const flowing = pipeline(source, parser).catch(() => undefined);
  let lineNumber = 0;
  let batch: ParsedBatch = { events: [], lastLine: skip, unmapped: 0 };
  try {
    for await (const record of parser as AsyncIterable<LogLine>) {
      lineNumber += 1;
      if (lineNumber <= skip) continue;
      const event = mapLogLine(file, record, lineNumber);
      if (event) batch.events.push(event);
      else batch.unmapped += 1;
      batch.lastLine = lineNumber;
      if (batch.events.length + batch.unmapped >= batchSize) {
        yield batch;
        batch = { events: [], lastLine: lineNumber, unmapped: 0 };
      }
    }
  } finally {
    parser.destroy();
    source.destroy();
    await flowing;
  }
  if (batch.events.length + batch.unmapped > 0) yield batch;
}
