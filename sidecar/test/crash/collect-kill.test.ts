import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventLogBatches } from '../../src/collect/event-log/parse.js';
import { loginEvent, type LoginHistoryRow } from '../../src/collect/sources/login-history.js';
import { orgKey, toId18 } from '../../src/contract/salesforce-id.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { seedEventLogFile, seedRecords } from '../../src/emulator/seeding-client.js';
import { formatDateTime } from '../../src/emulator/validate.js';
import { openStore } from '../../src/store/open-store.js';
import type { StoreKind } from '../../src/store/store.js';
import { ORG_ID, SECRET } from '../api/envelopes.js';
import { createTestDatabase, type TestDatabase } from '../store/test-stores.js';
import { emulatorSidecarEnv, freePort, SidecarProcess } from './sidecar-process.js';
import { seeded } from './seeded.js';

const KILL_POINT = fileURLToPath(new URL('./kill-point.mjs', import.meta.url));
const ORG = orgKey(ORG_ID);
const SOURCES = ['LoginHistory', 'EventLogFile'];
const LOGIN_ROWS = 2_500;
/**
 * Lines of each seeded API event log file, in the order they are read. The collector stores 5,000
 * lines a page: the last file takes two, and a crash inside it resumes inside the file.
 */
const API_FILES = [1_500, 2_000, 6_000];
const LOGIN_FILE_LINES = 500;
/** Seconds after the first file's CreatedDate: the second and third share one, and the file cursor breaks the tie by Id. */
const CREATED_SECOND = [0, 1, 1, 2];
const SEED = Number(process.env.CRASH_TEST_SEED ?? Date.now() % 1_000_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MINUTE = 60_000;

const USERS = ['0055g00000OpSaA', '0055g00000OpSbA', '0055g00000OpScA', '0055g00000ShOpS'].map(toId18);
/** Declared integration users: their browser logins (LoginType Application) are what the detector flags here, once per user and hour. */
const INTEGRATION_USERS = [USERS[1], USERS[3]] as string[];
/** An event log file's body: a header naming the lines' columns, then the lines, every field quoted as an org writes them. */
function csvFile(lines: Record<string, string>[]): string {
  const columns = Object.keys(lines[0] ?? {});
  const quoted = (values: string[]) => values.map((v) => `"${v.replace(/"/g, '""')}"`).join(',');
  return `${[quoted(columns), ...lines.map((line) => quoted(columns.map((c) => line[c] ?? '')))].join('\n')}\n`;
}

/**
 * An API event log file as an org writes it: commas, quotes and line breaks inside fields, two
 * lines sharing a REQUEST_ID now and then, and one line without a user (read and counted, never an
 * event).
 */
function apiCsv(file: number, lines: number, hour: Date): string {
  return csvFile(
    Array.from({ length: lines }, (_, i) => {
      const at = new Date(hour.getTime() + i * 97);
      const user = i === Math.floor(lines / 2) ? '' : (USERS[(i + file) % USERS.length] as string);
      return {
        EVENT_TYPE: 'API',
        TIMESTAMP: at.toISOString().replace(/[-:TZ]/g, ''),
        REQUEST_ID: `4Zr${file}m${i % 50 === 1 ? i - 1 : i}`,
        ORGANIZATION_ID: ORG_ID.slice(0, 15),
        USER_ID: user.slice(0, 15),
        RUN_TIME: String(30 + (i % 400)),
        CPU_TIME: String(10 + (i % 90)),
        URI: `/services/Soap/u/62.0/${ORG_ID.slice(0, 15)}`,
        SESSION_KEY: `sKey${file}${Math.floor(i / 300)}`,
        LOGIN_KEY: `lKey${Math.floor(i / 900)}`,
        REQUEST_STATUS: 'Success',
        API_TYPE: 'P',
        API_VERSION: '62.0',
        CLIENT_NAME: i % 400 === 0 ? 'Nightly sync\nsecond line' : i % 3 === 0 ? 'DataLoader, Bulk "v58"' : 'ShopSync connector',
        METHOD_NAME: i % 5 === 0 ? 'queryMore' : 'query',
        ENTITY_NAME: i % 4 === 0 ? 'Account,Contact' : 'Contact',
        ROWS_PROCESSED: String(i % 11 === 0 ? 2_000 : i % 200),
        CLIENT_IP: `203.0.113.${i % 250}`,
        USER_AGENT: 'Jakarta Commons-HttpClient/3.1 (build, "partner")',
        TIMESTAMP_DERIVED: at.toISOString(),
        USER_ID_DERIVED: user,
      };
    }),
  );
}

function loginCsv(lines: number, hour: Date): string {
  return csvFile(
    Array.from({ length: lines }, (_, i) => ({
      EVENT_TYPE: 'Login',
      TIMESTAMP_DERIVED: new Date(hour.getTime() + i * 1_000).toISOString(),
      REQUEST_ID: `L${i}`,
      USER_ID_DERIVED: USERS[i % USERS.length] as string,
      LOGIN_STATUS: i % 9 === 0 ? 'LOGIN_ERROR_INVALID_PASSWORD' : 'LOGIN_NO_ERROR',
      SOURCE_IP: `198.51.100.${i % 200}`,
      BROWSER_TYPE: 'Chrome 126, Windows',
      LOGIN_TYPE: 'Application',
    })),
  );
}

/**
 * LoginHistory rows, oldest first, two minutes apart in groups of seven that share one second (so
 * page boundaries fall inside a second), over some fourteen hours.
 */
function loginRows(count: number, from: Date): Record<string, unknown>[] {
  return Array.from({ length: count }, (_, i) => ({
    UserId: USERS[i % USERS.length],
    LoginTime: formatDateTime(new Date(from.getTime() + Math.floor(i / 7) * 2 * MINUTE)),
    LoginType: i % 4 === 0 ? 'Remote Access 2.0' : 'Application',
    SourceIp: `198.51.100.${i % 200}`,
    Status: i % 13 === 0 ? 'Invalid Password' : 'Success',
    Application: i % 4 === 0 ? 'ShopSync' : 'Browser',
    Browser: 'Chrome 126',
    Platform: 'Windows 10',
    CountryIso: 'DE',
  }));
}

/** The events the collectors must store: built by the sources' own mapping from what was seeded. */
interface Expected {
  ids: string[];
  rows: Record<string, number>;
}

async function seedOrg(emulator: OrgEmulator): Promise<Expected> {
  const now = Date.now();
  await seedRecords(
    emulator.url,
    'User',
    USERS.map((Id, i) => ({ Id, Username: `ops-${i}@acme-shop.example`, LastName: `Ops ${i}`, IsActive: true })),
  );
  const rows = loginRows(LOGIN_ROWS, new Date(Math.floor((now - 20 * 60 * MINUTE) / 1_000) * 1_000));
  const loginIds = await seedRecords(emulator.url, 'LoginHistory', rows);
  const ids = rows.flatMap((row, i) => {
    const event = loginEvent(ORG, { ...row, Id: loginIds[i] } as LoginHistoryRow, undefined);
    return event ? [event.id] : [];
  });

  // Hourly files of the last few hours, one hour each.
  const hour = (i: number) => new Date(Math.floor((now - (6 - i) * 60 * MINUTE) / 3_600_000) * 3_600_000);
  const files = [
    ...API_FILES.map((lines, i) => ({ eventType: 'API', csv: apiCsv(i, lines, hour(i)) })),
    { eventType: 'Login', csv: loginCsv(LOGIN_FILE_LINES, hour(API_FILES.length)) },
  ];
  let fileRows = 0;
  for (const [i, file] of files.entries()) {
    const createdDate = new Date(Math.floor((now - 30 * MINUTE) / 1_000) * 1_000 + (CREATED_SECOND[i] as number) * 1_000);
    const { id } = await seedEventLogFile(emulator.url, {
      eventType: file.eventType,
      interval: 'Hourly',
      logDate: formatDateTime(hour(i)),
      createdDate: formatDateTime(createdDate),
      csv: file.csv,
    });
    const body = (async function* () {
      yield Buffer.from(file.csv, 'utf8');
    })();
    for await (const batch of eventLogBatches(body, { id: toId18(id), eventType: file.eventType, orgId: ORG })) {
      ids.push(...batch.events.map((e) => e.id));
      fileRows += batch.events.length + batch.unmapped;
    }
  }
  return { ids, rows: { LoginHistory: LOGIN_ROWS, EventLogFile: fileRows } };
}

interface Coverage {
  source: string;
  rowsTotal: number;
}

async function coverage(sidecar: SidecarProcess): Promise<Map<string, number>> {
  const res = await fetch(`${sidecar.url}/v1/coverage`, { headers: { authorization: `Bearer ${SECRET}` } });
  if (!res.ok) throw new Error(`coverage answered ${res.status}`);
  const body = (await res.json()) as { sources: Coverage[] };
  return new Map(body.sources.map((s) => [s.source, s.rowsTotal]));
}

/**
 * The collectors store each page's events with the moved cursor in one transaction, and derive
 * event ids from the source rows. Killed anywhere, a restarted sidecar must end with every seeded
 * LoginHistory row and event log line as exactly one stored event, each page's rows counted once,
 * and at most one verdict per event in the org. The first kill lands inside a page's transaction
 * before its events are written: a cursor committed ahead of its events would lose that page there.
 */
describe.each(['pglite', 'postgres'] as StoreKind[])(
  'collecting on %s: SIGKILL while reading LoginHistory pages and event log files, then restart',
  { timeout: 120_000 },
  (kind) => {
    let db: TestDatabase | undefined;
    let emulator: OrgEmulator;
    let sidecar: SidecarProcess;
    let dir: string;
    let expected: Expected;

    beforeEach(async () => {
      db = kind === 'postgres' ? await createTestDatabase() : undefined;
      emulator = await startOrgEmulator({ orgId: ORG_ID, queryBatchSize: 500 });
      expected = await seedOrg(emulator);
      dir = mkdtempSync(join(tmpdir(), 'leakwatch-collect-crash-'));
      sidecar = new SidecarProcess(
        {
          ...emulatorSidecarEnv(emulator, dir),
          ...(db ? { DATABASE_URL: db.url } : { LEAKWATCH_DATA_DIR: join(dir, 'data') }),
          LEAKWATCH_COLLECT_SOURCES: SOURCES.join(','),
          LEAKWATCH_INTEGRATION_USERS: INTEGRATION_USERS.join(','),
          // The same replica after each restart, as a restarted pod keeps its name: it takes its own leases back at once.
          LEAKWATCH_REPLICA_ID: 'collect-crash',
          OUTBOX_BASE_DELAY_MS: '20',
          OUTBOX_MAX_DELAY_MS: '400',
          // Stored pages wake the scoring workers; polling every 20 ms would only take the embedded store from the collector.
          WORKER_POLL_MS: '200',
          // One classification thread: three start-ups per store, each warming the pool, on two shared cores.
          LEAKWATCH_CLASSIFY_THREADS: '1',
        },
        await freePort(),
        { imports: [KILL_POINT] },
      );
    });

    afterEach(async () => {
      await sidecar.kill();
      await emulator.close();
      await db?.drop();
      rmSync(dir, { recursive: true, force: true });
    });

    async function waitUntil(what: string, done: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        if (await done()) return;
        await sleep(100);
      }
      throw new Error(`${what} did not happen in time (seed ${SEED}):\n${sidecar.recentLog}`);
    }

    it('every LoginHistory row and event log line becomes exactly one event, and no verdict is doubled', async () => {
      const random = seeded(SEED + (kind === 'postgres' ? 1 : 0));

      // 1. Inside a LoginHistory page's transaction, before its events are written (LoginHistory is
      //    read before EventLogFile, so the first inserts of events are its pages).
      const point = `insert:${random.between(1, Math.ceil(LOGIN_ROWS / 2_000))}`;
      sidecar.launch({ CRASH_TEST_KILL_AT: point });
      expect(await sidecar.exited(60_000), `kill point ${point} (seed ${SEED}) not reached:\n${sidecar.recentLog}`).toEqual({ code: null, signal: 'SIGKILL' });

      // 2. From outside, at a random moment after this run stored an event log page: while a file
      //    is downloaded, parsed, classified or stored, or verdicts are written back.
      await sidecar.start();
      const before = (await coverage(sidecar)).get('EventLogFile') ?? 0;
      await waitUntil('an event log page stored', async () => ((await coverage(sidecar)).get('EventLogFile') ?? 0) > before);
      await sleep(random.between(0, 400));
      const atKill = (await coverage(sidecar)).get('EventLogFile') ?? 0;
      await sidecar.kill();
      expect(atKill, `the kill came after the last event log line (seed ${SEED})`).toBeLessThan(expected.rows.EventLogFile as number);

      // 3. The last run reads to the end; the scoring workers and the write-back drain.
      await sidecar.start();
      await waitUntil('collection finished', async () => {
        const read = await coverage(sidecar);
        return SOURCES.every((s) => (read.get(s) ?? 0) >= (expected.rows[s] as number));
      });
      await waitUntil('queues drained', async () => {
        const res = await fetch(`${sidecar.url}/v1/status`, { headers: { authorization: `Bearer ${SECRET}` } });
        const { queues } = (await res.json()) as { queues: { eventsPending: number; writeBacksPending: number } };
        return queues.eventsPending + queues.writeBacksPending === 0;
      });
      expect(await sidecar.terminate()).toBe(0);

      const store = await openStore({ databaseUrl: db?.url, dataDir: join(dir, 'data') });
      try {
        const stored = await store.query<{ id: string; n: number }>(
          'SELECT event_id::text AS id, count(*)::int AS n FROM ingested_event WHERE org_id = $1 GROUP BY event_id',
          [ORG],
        );
        const storedIds = new Set(stored.map((r) => r.id));
        const expectedIds = new Set(expected.ids);
        expect(expectedIds.size, 'seeded rows give distinct ids').toBe(expected.ids.length);
        const missing = expected.ids.filter((id) => !storedIds.has(id));
        expect({ count: missing.length, first: missing.slice(0, 3) }, `events missing (seed ${SEED})`).toEqual({
          count: 0,
          first: [],
        });
        const unexplained = stored.filter((r) => !expectedIds.has(r.id)).map((r) => r.id);
        expect({ count: unexplained.length, first: unexplained.slice(0, 3) }, `events no row explains (seed ${SEED})`).toEqual({ count: 0, first: [] });
        expect(
          stored.filter((r) => r.n !== 1),
          `doubled events (seed ${SEED})`,
        ).toEqual([]);
        const [total] = await store.query<{ n: number }>('SELECT count(*)::int AS n FROM ingested_event');
        expect(total?.n).toBe(expected.ids.length);

        // Each page's rows were counted with its cursor: once.
        const counted = await store.query<{ source: string; rows: number }>(
          'SELECT source, rows_total::int AS rows FROM collector_checkpoint WHERE org_id = $1 ORDER BY source',
          [ORG],
        );
        expect(Object.fromEntries(counted.map((r) => [r.source, r.rows]))).toEqual(expected.rows);

        const perEvent = new Map<string, number>();
        for (const v of emulator.records('LeakVerdict__c')) {
          const id = String(v.EventId__c);
          perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
        }
        expect(perEvent.size, 'the detector flagged the integration users’ browser logins').toBeGreaterThan(0);
        expect(
          [...perEvent].filter(([, n]) => n !== 1),
          `doubled verdicts (seed ${SEED})`,
        ).toEqual([]);
        expect([...perEvent.keys()].filter((id) => !expectedIds.has(id))).toEqual([]);
        const [queued] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE sobject = 'LeakVerdict__c'");
        expect(perEvent.size).toBe(queued?.n);
      } finally {
        await store.close();
      }
    });
  },
);
