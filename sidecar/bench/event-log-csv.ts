// Streaming an EventLogFile body through the collector's parser: a generated API event log file of
// LEAKWATCH_BENCH_ELF_MB megabytes (default 100; Salesforce's columns, every field quoted, commas,
// doubled quotes and line breaks inside quoted fields) is written to a temporary file, then read
// back in 64 KiB chunks, as a download arrives, through `eventLogBatches` (CSV parse + map to
// canonical events), and a second time with each batch also classified by `classifyEvents`
// (recognizers only, on this thread; the service spreads it over a pool of threads). RSS is sampled
// every 20 ms and read half-way through: a peak near the start and a half-way figure near the peak
// show that memory does not grow with the file. One pass each; the file is removed afterwards.
import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventLogBatches } from '../src/collect/event-log/parse.js';
import type { LeakEvent } from '../src/contract/event.js';
import { toId18 } from '../src/contract/salesforce-id.js';

const MB = 2 ** 20;
const TARGET_MB = Number(process.env.LEAKWATCH_BENCH_ELF_MB ?? 100);
const ORG_ID = '00D5g000004Cx1aEAC';
const FILE = { id: '0AT5g00000BeNcHAAR', eventType: 'API', orgId: ORG_ID };

const USERS = ['0055g00000ShOpS', '0055g00000DaTaL', '0055g00000MaRkT', '0055g00000InTeG'];
const CLIENTS = ['DataLoader, Bulk "v58"', 'Workbench', 'ShopSync connector', 'Mulesoft Composer'];
const AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
  'SFDC-Callout/62.0',
  'Jakarta Commons-HttpClient/3.1, "partner" build',
  'python-requests/2.32.3',
];
const ENTITIES = ['Contact', 'Account', 'Lead', 'Contact,Account', 'Opportunity', 'Case'];
const METHODS = ['query', 'queryMore', 'retrieve', 'describeSObject', 'queryAll'];
const pick = <T>(items: readonly T[], n: number): T => items[n % items.length] as T;

/**
 * One line of the API event type, by column in the order an org's file has them; every 500th
 * carries a line break inside a quoted field, as multi-line client names do.
 */
function apiLine(n: number): Record<string, string> {
  const at = new Date(Date.UTC(2026, 10, 30, 0, 0, 0) + n * 37);
  const user = pick(USERS, n);
  return {
    EVENT_TYPE: 'API',
    TIMESTAMP: at.toISOString().replace(/[-:TZ]/g, ''),
    REQUEST_ID: `4Zrm${n.toString(36).padStart(8, '0')}`,
    ORGANIZATION_ID: ORG_ID.slice(0, 15),
    USER_ID: user,
    RUN_TIME: String(40 + (n % 900)),
    CPU_TIME: String(10 + (n % 300)),
    URI: `/services/Soap/u/62.0/${ORG_ID.slice(0, 15)}`,
    SESSION_KEY: `sKey${Math.floor(n / 200).toString(36)}`,
    LOGIN_KEY: `lKey${Math.floor(n / 1_000).toString(36)}`,
    USER_TYPE: 'Standard',
    REQUEST_STATUS: 'Success',
    DB_TOTAL_TIME: String(1_000_000 + (n % 5_000_000)),
    API_TYPE: 'P',
    API_VERSION: '62.0',
    CLIENT_NAME: n % 500 === 0 ? 'Nightly export\nsecond line' : pick(CLIENTS, n),
    METHOD_NAME: pick(METHODS, n),
    ENTITY_NAME: pick(ENTITIES, n),
    ROWS_PROCESSED: String(n % 7 === 0 ? 2_000 : n % 200),
    REQUEST_SIZE: String(600 + (n % 400)),
    RESPONSE_SIZE: String(20_000 + (n % 90_000)),
    CLIENT_IP: `203.0.113.${n % 250}`,
    USER_AGENT: pick(AGENTS, n),
    QUERY_ID: `0r8${n.toString(36).padStart(12, '0')}`,
    TIMESTAMP_DERIVED: at.toISOString(),
    USER_ID_DERIVED: toId18(user),
    URI_ID_DERIVED: n % 3 === 0 ? toId18(`0035g00000${n.toString(36).padStart(5, '0').slice(-5)}`) : '',
  };
}

/** Every field quoted, quotes inside doubled, as an org writes its files. */
const csvLine = (values: string[]) => values.map((v) => `"${v.replace(/"/g, '""')}"`).join(',');

/** Writes the CSV in ~1 MB pieces until it reaches the target size; returns its path and line count. */
async function writeLogFile(dir: string, targetBytes: number): Promise<{ path: string; lines: number; bytes: number }> {
  const path = join(dir, 'API.csv');
  const out = createWriteStream(path);
  let bytes = 0;
  let lines = 0;
  let piece = `${csvLine(Object.keys(apiLine(0)))}\n`;
  while (bytes + piece.length < targetBytes) {
    piece += `${csvLine(Object.values(apiLine(lines)))}\n`;
    lines += 1;
    if (piece.length >= MB) {
      bytes += Buffer.byteLength(piece);
      if (!out.write(piece)) await once(out, 'drain');
      piece = '';
    }
  }
  bytes += Buffer.byteLength(piece);
  out.end(piece);
  await once(out, 'finish');
  return { path, lines, bytes: statSync(path).size };
}

interface Figures {
  mode: string;
  seconds: number;
  lines: number;
  events: number;
  unmapped: number;
  rssStart: number;
  rssHalfway: number;
  rssPeak: number;
  rssEnd: number;
}

/** One pass over the file; `perBatch` runs on each batch's events (classification) before the next is read. */
async function pass(mode: string, path: string, totalLines: number, perBatch?: (events: LeakEvent[]) => Promise<unknown>): Promise<Figures> {
  const rssStart = process.memoryUsage().rss;
  let rssPeak = rssStart;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 20);
  const started = performance.now();
  let lines = 0;
  let events = 0;
  let unmapped = 0;
  let rssHalfway = 0;
  try {
    const body = createReadStream(path, { highWaterMark: 64 * 1024 });
    for await (const batch of eventLogBatches(body, FILE)) {
      lines = batch.lastLine;
      events += batch.events.length;
      unmapped += batch.unmapped;
      if (perBatch) await perBatch(batch.events);
      const rss = process.memoryUsage().rss;
      rssPeak = Math.max(rssPeak, rss);
      if (rssHalfway === 0 && lines >= totalLines / 2) rssHalfway = rss;
    }
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  return { mode, seconds, lines, events, unmapped, rssStart, rssHalfway, rssPeak, rssEnd: process.memoryUsage().rss };
}

async function main(): Promise<void> {
  if (!(TARGET_MB > 0)) throw new Error('LEAKWATCH_BENCH_ELF_MB must be a positive number of megabytes');
  const dir = mkdtempSync(join(tmpdir(), 'leakwatch-elf-bench-'));
  try {
    const file = await writeLogFile(dir, TARGET_MB * MB);
    const parsed = await pass('parse + map', file.path, file.lines);
    // Loaded after the first pass: the classifier's modules (the NER runtime's native library among
    // them) add well over 100 MB of RSS on import, which would hide the parser's own footprint.
    const { createClassifier } = await import('../src/classify/index.js');
    const { classifyEvents } = await import('../src/ingest/classify-events.js');
    const classifier = createClassifier({ salt: 'bench-event-log-salt' });
    const classified = await pass('parse + map + classify (recognizers, 1 thread)', file.path, file.lines, (events) =>
      classifyEvents(classifier, ORG_ID, events),
    );
    const rows = [parsed, classified];
    const mb = file.bytes / MB;
    console.log(`API event log file: ${mb.toFixed(1)} MB, ${file.lines.toLocaleString('en-US')} lines, read in 64 KiB chunks, batches of 2,000 lines.\n`);
    console.log('| pass | MB | lines | rows/s | MB/s | events | unmapped | RSS at start (MB) | RSS half-way (MB) | peak RSS (MB) | RSS at end (MB) |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of rows) {
      console.log(
        `| ${r.mode} | ${mb.toFixed(1)} | ${r.lines.toLocaleString('en-US')} | ${Math.round(r.lines / r.seconds).toLocaleString('en-US')} | ${(mb / r.seconds).toFixed(1)} | ` +
          `${r.events.toLocaleString('en-US')} | ${r.unmapped} | ${(r.rssStart / MB).toFixed(0)} | ${(r.rssHalfway / MB).toFixed(0)} | ${(r.rssPeak / MB).toFixed(0)} | ${(r.rssEnd / MB).toFixed(0)} |`,
      );
    }
    const maxRss = process.resourceUsage().maxRSS / 1024;
    console.log(`\nProcess peak RSS (getrusage maxRSS, whole run including the file's generation): ${maxRss.toFixed(0)} MB.`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
