import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { collectorCoverage } from '../../src/collect/coverage.js';
import { eventLogBatches } from '../../src/collect/event-log/parse.js';
import { lineTime, mapLogLine } from '../../src/collect/event-log/map-line.js';
import { runSource } from '../../src/collect/run-source.js';
import { eventLogFileSource } from '../../src/collect/sources/index.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { seedEventLogFile } from '../../src/emulator/seeding-client.js';
import { eventProblems } from '../../src/ingest/event-validator.js';
import type { Store } from '../../src/store/store.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1aEAC';
const SHOPSYNC = '0055g00000ShOpS';
const classifier = createClassifier({ salt: 'event-log-test-salt-01' });
const bytes = (text: string) =>
  (async function* () {
    // Chunks that cut lines, quotes and multi-byte characters apart, as a network does.
    const buffer = Buffer.from(text, 'utf8');
    for (let i = 0; i < buffer.length; i += 7) yield buffer.subarray(i, i + 7);
  })();

const API_HEADER =
  '"EVENT_TYPE","TIMESTAMP","REQUEST_ID","ORGANIZATION_ID","USER_ID","ENTITY_NAME","ROWS_PROCESSED","SESSION_KEY","CLIENT_IP","CLIENT_NAME","METHOD_NAME","TIMESTAMP_DERIVED","USER_ID_DERIVED"';
const apiLine = (i: number, rows = 2_000) =>
  `"API","20261130030${String(i % 10)}01.123","4ZrmQ${i}","00D5g000004Cx1a","${SHOPSYNC}","Contact","${rows}","sKey${Math.floor(i / 100)}","203.0.113.7","DataLoader, Bulk ""v58""","query","2026-11-30T03:0${i % 10}:01.123Z","${SHOPSYNC}AAV"`;

describe('event log lines', () => {
  const file = { id: '0AT5g00000AbCdEAAV', eventType: 'API', orgId: ORG };

  it('maps an API line to a read of its object with the rows processed and the session', () => {
    const event = mapLogLine(
      file,
      {
        EVENT_TYPE: 'API',
        TIMESTAMP_DERIVED: '2026-11-30T03:00:01.123Z',
        USER_ID_DERIVED: `${SHOPSYNC}AAV`,
        ENTITY_NAME: 'Contact',
        ROWS_PROCESSED: '2000',
        SESSION_KEY: 'sKey1',
        CLIENT_IP: '203.0.113.7',
        REQUEST_ID: 'r1',
        METHOD_NAME: 'query',
      },
      1,
    );
    expect(event).toMatchObject({
      kind: 'export',
      operation: 'query',
      object: 'Contact',
      recordCount: 2_000,
      actor: { userId: `${SHOPSYNC}AAV`, sessionId: 'sKey1' },
    });
    expect(event?.details).toMatchObject({ source: 'EventLogFile', eventType: 'API', clientIp: '203.0.113.7', method: 'query' });
    expect(eventProblems(event)).toBeNull();
  });

  it('never invents a count, an object or a user', () => {
    const total = mapLogLine(
      { ...file, eventType: 'ApiTotalUsage' },
      { USER_ID: SHOPSYNC, TIMESTAMP: '20261130030001.500', ENTITY_NAME: 'Contact', API_FAMILY: 'REST' },
      1,
    );
    expect(total?.recordCount).toBeUndefined();
    expect(total).toMatchObject({ object: 'Contact', occurredAt: '2026-11-30T03:00:01.500Z', details: { apiFamily: 'REST' } });
    expect(mapLogLine(file, { TIMESTAMP_DERIVED: '2026-11-30T03:00:01Z', ENTITY_NAME: 'Contact' }, 2)).toBeUndefined();
    expect(mapLogLine(file, { USER_ID: SHOPSYNC, ENTITY_NAME: 'Contact' }, 3)).toBeUndefined();
    const bulk = mapLogLine(
      { ...file, eventType: 'BulkApi2' },
      { USER_ID: SHOPSYNC, TIMESTAMP: '20261130030001', ENTITY_TYPE: 'Contact', RECORDS_PROCESSED: '10000', JOB_ID: '7505g00000JoB', OPERATION_TYPE: 'query' },
      4,
    );
    expect(bulk).toMatchObject({ operation: 'export', recordCount: 10_000, actor: { sessionId: 'job:7505g00000JoB' }, details: { jobId: '7505g00000JoB' } });
    expect(lineTime({ TIMESTAMP: '2026113003' })).toBeUndefined();
  });

  it('streams quoted fields, a byte-order mark and chunk boundaries, and resumes after a line', async () => {
    const csv = `\uFEFF${API_HEADER}\n${Array.from({ length: 25 }, (_, i) => apiLine(i)).join('\n')}\n"API","bad","x","00D","","Contact","1","s","1.1.1.1","c","q","",""\n`;
    const all = [];
    for await (const batch of eventLogBatches(bytes(csv), file, { batchSize: 10 })) all.push(batch);
    expect(all.map((b) => b.lastLine)).toEqual([10, 20, 26]);
    expect(all.flatMap((b) => b.events)).toHaveLength(25);
    expect(all.at(-1)?.unmapped).toBe(1);
    expect(all[0]?.events[0]?.details?.['clientName']).toBe('DataLoader, Bulk "v58"');
    const resumed = [];
    for await (const batch of eventLogBatches(bytes(csv), file, { batchSize: 10, resumeAfterLine: 20 })) resumed.push(...batch.events);
    expect(resumed.map((e) => e.id)).toEqual(
      all
        .flatMap((b) => b.events)
        .slice(20)
        .map((e) => e.id),
    );
  });
});

describe('the event log download', () => {
  const file = { id: '0AT5g00000AbCdEAAV', eventType: 'API', orgId: ORG };
  const csv = `${API_HEADER}\n${Array.from({ length: 30 }, (_, i) => apiLine(i)).join('\n')}\n`;
  const tracked = () => {
    const state = { closed: false };
    const body = (async function* () {
      try {
        yield* bytes(csv);
      } finally {
        state.closed = true;
      }
    })();
    return { state, body };
  };

  it('is closed when the reader stops early, and when a line cannot be parsed', async () => {
    const early = tracked();
    const batches = eventLogBatches(early.body, file, { batchSize: 10 });
    expect((await batches.next()).value?.lastLine).toBe(10);
    await batches.return(undefined);
    expect(early.state.closed).toBe(true);

    const state = { closed: false };
    const broken = (async function* () {
      try {
        // A quote inside an unquoted field: the parser fails at once, while the download still
        // has more to send.
        yield Buffer.from(`${API_HEADER}\n"API",ab"cd,"x"\n`);
        for (;;) yield Buffer.from('"API","more"\n');
      } finally {
        state.closed = true;
      }
    })();
    await expect(async () => {
      for await (const _ of eventLogBatches(broken, file)) void _;
    }).rejects.toThrow();
    expect(state.closed).toBe(true);
  });
});

describe('the event log source against the org emulator', () => {
  let org: OrgEmulator;
  let client: OrgClient;
  let testStore: TestStore;
  let store: Store;

  let apiFileId: string;

  beforeAll(async () => {
    org = await startOrgEmulator({ port: 0 });
    client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
    testStore = await openTestStore('pglite');
    store = testStore.store;
    const seed = (eventType: string, csv: string, logDate: string) =>
      seedEventLogFile(org.url, { eventType, interval: 'Hourly', logDate, csv, createdDate: logDate.replace('T0', 'T1') });
    const api = await seed('API', `${API_HEADER}\n${Array.from({ length: 12_000 }, (_, i) => apiLine(i, 4)).join('\n')}\n`, '2026-11-30T03:00:00.000+0000');
    expect(api.lines).toBe(12_000);
    apiFileId = api.id;
    expect(
      (
        await seed(
          'Login',
          '"EVENT_TYPE","TIMESTAMP_DERIVED","USER_ID_DERIVED","LOGIN_STATUS","SOURCE_IP","REQUEST_ID"\n"Login","2026-11-30T02:59:00.000Z","0055g00000ShOpSAAV","LOGIN_NO_ERROR","198.51.100.4","L1"\n',
          '2026-11-30T02:00:00.000+0000',
        )
      ).lines,
    ).toBe(1);
  });
  afterAll(async () => {
    await org.close();
    await testStore.dispose();
  });
  beforeEach(async () => {
    await store.query('DELETE FROM ingested_event');
    await store.query('DELETE FROM collector_checkpoint');
  });

  const count = async () => Number((await store.query<{ n: string }>('SELECT count(*) AS n FROM ingested_event'))[0]?.n);

  it('turns every line of every file into exactly one event, page by page', async () => {
    const outcome = await runSource({ store, classifier, owner: 't' }, ORG, client, eventLogFileSource({ linesPerPage: 5_000, backfillDays: 3_650 }));
    expect(outcome).toMatchObject({ status: 'done', rows: 12_001, stored: 12_001 });
    expect(await count()).toBe(12_001);
    expect(await runSource({ store, classifier, owner: 't' }, ORG, client, eventLogFileSource({ backfillDays: 3_650 }))).toMatchObject({ rows: 0, stored: 0 });
    const [login] = await store.query<{ e: { kind: string; details: Record<string, unknown> } }>(
      "SELECT classified->'event' AS e FROM ingested_event WHERE kind = 'login'",
    );
    expect(login?.e.details).toMatchObject({ loginStatus: 'LOGIN_NO_ERROR', eventType: 'Login' });
    // The coverage map says which types the org produces, and at which interval.
    const [coverage] = await collectorCoverage(store, ORG);
    expect(coverage?.eventLogTypes?.map((t) => `${t.eventType}|${t.interval}`)).toEqual(['API|Hourly', 'Login|Hourly']);
  });

  it('downloads a file again after its download broke off, and loses no line', async () => {
    // The first download of the 12,000-line file stops after 300 KB, as a reset connection does.
    let cut = true;
    const flaky: OrgClient = Object.assign(Object.create(client) as OrgClient, {
      download: async (path: string) => {
        const body = await client.download(path);
        if (!cut || !path.includes(apiFileId)) return body;
        cut = false;
        return (async function* () {
          let sent = 0;
          for await (const chunk of body) {
            yield chunk;
            sent += chunk.length;
            if (sent > 300_000) throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          }
        })();
      },
    });
    const source = eventLogFileSource({ linesPerPage: 2_000, backfillDays: 3_650 });
    const first = await runSource({ store, classifier, owner: 't' }, ORG, flaky, source);
    expect(first.status).toBe('failed');
    const stored = await count();
    expect(stored).toBeLessThan(12_001);
    await store.query('UPDATE collector_checkpoint SET lease_owner = NULL');
    expect(await runSource({ store, classifier, owner: 't' }, ORG, flaky, source)).toMatchObject({ status: 'done', stored: 12_001 - stored });
    expect(await count()).toBe(12_001);
  });

  it('resumes inside a file after a crash between pages, without a line lost or doubled', async () => {
    let commits = 0;
    const crashing: Store = {
      ...store,
      kind: store.kind,
      query: store.query.bind(store),
      exec: store.exec.bind(store),
      close: store.close.bind(store),
      transaction: async (fn) => {
        // Commits: the Login file's line, the cursor past that file, the API file's first 5,000
        // lines; the process dies while storing the next 5,000.
        commits += 1;
        if (commits === 4) throw new Error('the process died here');
        return store.transaction(fn);
      },
    };
    await expect(
      runSource({ store: crashing, classifier, owner: 't' }, ORG, client, eventLogFileSource({ linesPerPage: 5_000, backfillDays: 3_650 })),
    ).rejects.toThrow(/died/);
    expect(await count()).toBe(5_001);
    await store.query('UPDATE collector_checkpoint SET lease_owner = NULL');
    expect(await runSource({ store, classifier, owner: 't2' }, ORG, client, eventLogFileSource({ linesPerPage: 5_000, backfillDays: 3_650 }))).toMatchObject({
      status: 'done',
      stored: 7_000,
    });
    expect(await count()).toBe(12_001);
  });
});
