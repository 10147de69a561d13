import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { DEFAULT_API_BUDGET, budgetDecision, parseLimitInfo } from '../../src/collect/api-budget.js';
import { apiCallsSpent, claimSource } from '../../src/collect/checkpoint.js';
import { startCollectLoop } from '../../src/collect/collect-loop.js';
import { collectorCoverage } from '../../src/collect/coverage.js';
import { collectedEventId } from '../../src/collect/event-id.js';
import { runSource, type CollectDeps } from '../../src/collect/run-source.js';
import type { CollectClient, CollectorSource, SourceContext } from '../../src/collect/source.js';
import { SourceUnavailable } from '../../src/collect/source.js';
import type { LeakEvent } from '../../src/contract/event.js';
import type { Sql, Store } from '../../src/store/store.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';

const ORG = '00D5g000004Cx1aEAC';
const OTHER_ORG = '00D5g000004CX1AEAC';
const USER = '0055g00000LwInTAAV';
const classifier = createClassifier({ salt: 'collect-test-salt-0123' });

/** A source over a fixed list of rows: a page is the next `pageSize` rows after the cursor (a row index). */
const listSource = (rows: number, options: { failAt?: number; calls?: () => void } = {}): CollectorSource<{ next: number }> => ({
  name: 'TestSource',
  intervalMs: 60_000,
  backfill: { days: 1, why: 'test' },
  async read(ctx: SourceContext<{ next: number }>) {
    options.calls?.();
    const start = ctx.position?.next ?? 0;
    if (options.failAt !== undefined && start >= options.failAt)
      throw Object.assign(new Error('Server is temporarily unavailable'), { errorCode: 'SERVER_UNAVAILABLE' });
    const end = Math.min(rows, start + ctx.pageSize);
    const events: LeakEvent[] = [];
    for (let i = start; i < end; i += 1) {
      events.push({
        id: collectedEventId(ctx.orgId, 'TestSource', `row-${i}`),
        kind: 'login',
        operation: 'login',
        occurredAt: new Date(Date.UTC(2026, 10, 30, 3, 0, 0) + i * 1_000).toISOString(),
        actor: { userId: USER },
        details: { source: 'TestSource', loginType: 'Application' },
      });
    }
    return { events, rows: end - start, position: { next: end }, more: end < rows };
  },
});

const client = (usage?: { used: number; limit: number }): CollectClient => {
  let requests = 0;
  return {
    async query() {
      requests += 1;
      return [];
    },
    apiUsage: () => usage,
    requestCount: () => requests,
  };
};

const storedIds = async (sql: Sql, orgId: string): Promise<string[]> =>
  (await sql.query<{ id: string }>('SELECT event_id::text AS id FROM ingested_event WHERE org_id = $1 ORDER BY 1', [orgId])).map((r) => r.id);

describe.each(STORE_KINDS)('a collector run on %s', (kind) => {
  let testStore: TestStore;
  let store: Store;
  let deps: CollectDeps;

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    store = testStore.store;
  });
  afterAll(async () => testStore.dispose());
  beforeEach(async () => {
    await store.query('DELETE FROM ingested_event');
    await store.query('DELETE FROM collector_checkpoint');
    await store.query('DELETE FROM collector_hourly');
    await store.query('DELETE FROM collector_api_calls');
    deps = { store, classifier, owner: 'replica-a', pageSize: 7 };
  });

  it('stores each row as one event, page by page, and the cursor with them', async () => {
    const outcome = await runSource(deps, ORG, client(), listSource(30));
    expect(outcome).toMatchObject({ status: 'done', pages: 5, rows: 30, stored: 30 });
    expect(await storedIds(store, ORG)).toHaveLength(30);
    const again = await runSource(deps, ORG, client(), listSource(30));
    expect(again).toMatchObject({ status: 'done', rows: 0, stored: 0 });
    const [coverage] = await collectorCoverage(store, ORG);
    expect(coverage).toMatchObject({ source: 'TestSource', available: true, rowsTotal: 30, rows24h: 30, errorsTotal: 0 });
  });

  it('keeps a failed page out, records the error, and resumes after the last stored page', async () => {
    const first = await runSource(deps, ORG, client(), listSource(30, { failAt: 14 }));
    expect(first).toMatchObject({ status: 'failed', retryable: true, pages: 2, stored: 14 });
    expect(first.status === 'failed' && first.why).toMatch(/^SERVER_UNAVAILABLE/);
    let [coverage] = await collectorCoverage(store, ORG);
    expect(coverage).toMatchObject({ errorsTotal: 1, lastError: expect.stringMatching(/SERVER_UNAVAILABLE/) });
    const second = await runSource(deps, ORG, client(), listSource(30));
    expect(second).toMatchObject({ status: 'done', rows: 16, stored: 16 });
    expect(new Set(await storedIds(store, ORG)).size).toBe(30);
    [coverage] = await collectorCoverage(store, ORG);
    expect(coverage).toMatchObject({ rowsTotal: 30, lastError: null });
  });

  it('rolls back the events of a page whose transaction fails, then stores them exactly once', async () => {
    let failNext = true;
    const failing: Store = {
      ...store,
      kind: store.kind,
      query: store.query.bind(store),
      exec: store.exec.bind(store),
      close: store.close.bind(store),
      transaction: (fn) =>
        store.transaction(async (tx) => {
          const result = await fn(tx);
          if (failNext) {
            failNext = false;
            throw new Error('the connection was lost at commit');
          }
          return result;
        }),
    };
    await expect(runSource({ ...deps, store: failing }, ORG, client(), listSource(10))).rejects.toThrow(/lost at commit/);
    expect(await storedIds(store, ORG)).toHaveLength(0);
    await store.query('UPDATE collector_checkpoint SET lease_owner = NULL');
    expect(await runSource(deps, ORG, client(), listSource(10))).toMatchObject({ status: 'done', stored: 10 });
    expect(await storedIds(store, ORG)).toHaveLength(10);
  });

  it('lets one replica read a source at a time', async () => {
    await claimSource(store, ORG, 'TestSource', 'replica-b', new Date(), 60_000);
    expect(await runSource(deps, ORG, client(), listSource(5))).toMatchObject({ status: 'leased' });
    expect(await storedIds(store, ORG)).toHaveLength(0);
  });

  it('keeps the same row ids of two orgs apart', async () => {
    await runSource(deps, ORG, client(), listSource(3));
    await runSource(deps, OTHER_ORG, client(), listSource(3));
    const a = await storedIds(store, ORG);
    const b = await storedIds(store, OTHER_ORG);
    expect(a).toHaveLength(3);
    expect(b).toHaveLength(3);
    expect(a.filter((id) => b.includes(id))).toEqual([]);
  });

  it('waits when the org is near its daily API limit, or the collectors spent their share', async () => {
    let reads = 0;
    const near = await runSource(deps, ORG, client({ used: 95_000, limit: 100_000 }), listSource(5, { calls: () => (reads += 1) }));
    expect(near).toMatchObject({ status: 'deferred', pages: 0 });
    expect(near.status === 'deferred' && near.why).toMatch(/95000 of its 100000/);
    expect(reads).toBe(0);
    await store.query('INSERT INTO collector_api_calls (org_id, day, calls) VALUES ($1, $2::date, 10000)', [ORG, new Date().toISOString().slice(0, 10)]);
    const spent = await runSource(deps, ORG, client({ used: 20_000, limit: 100_000 }), listSource(5, { calls: () => (reads += 1) }));
    expect(spent).toMatchObject({ status: 'deferred' });
    expect(reads).toBe(0);
    expect(await apiCallsSpent(store, ORG, new Date())).toBe(10_000);
  });

  it('the collect loop drops hourly counts older than eight days and call counts older than three, once a day', async () => {
    const at = Date.UTC(2026, 11, 7, 12, 0, 0);
    const hour = (ms: number) => new Date(at - ms).toISOString();
    for (const [org, h] of [
      [ORG, hour(9 * 86_400_000)],
      [OTHER_ORG, hour(9 * 86_400_000)],
      [ORG, hour(2 * 3_600_000)],
    ] as const)
      await store.query('INSERT INTO collector_hourly (org_id, source, hour, rows_read) VALUES ($1, $2, $3, $4)', [org, 'TestSource', h, 5]);
    for (const [org, day] of [
      [ORG, '2026-12-01'],
      [ORG, '2026-12-06'],
    ] as const)
      await store.query('INSERT INTO collector_api_calls (org_id, day, calls) VALUES ($1, $2::date, $3)', [org, day, 10]);
    let clock = at;
    const loop = startCollectLoop({ deps, orgIds: [ORG], clientFor: () => undefined, sources: [listSource(1)], now: () => clock, tickMs: 5 });
    await loop.idle();
    const hours = async () => (await store.query<{ n: string | number }>('SELECT count(*) AS n FROM collector_hourly'))[0]?.n;
    expect(Number(await hours())).toBe(1);
    expect((await store.query<{ day: unknown }>('SELECT day FROM collector_api_calls')).length).toBe(1);
    // Within the day nothing is pruned again; a day later the next round prunes.
    await store.query('INSERT INTO collector_hourly (org_id, source, hour, rows_read) VALUES ($1, $2, $3, $4)', [ORG, 'Other', hour(10 * 86_400_000), 1]);
    loop.runNow();
    await loop.idle();
    expect(Number(await hours())).toBe(2);
    clock = at + 25 * 3_600_000;
    loop.runNow();
    await loop.idle();
    expect(Number(await hours())).toBe(1);
    await loop.stop();
  });

  it('records a source the org cannot provide as unavailable', async () => {
    const source: CollectorSource<unknown> = {
      ...listSource(1),
      read: async () => {
        throw new SourceUnavailable('the org has no Event Monitoring licence: no hourly event log files');
      },
    };
    expect(await runSource(deps, ORG, client(), source)).toMatchObject({ status: 'unavailable', retryable: false });
    const [coverage] = await collectorCoverage(store, ORG);
    expect(coverage).toMatchObject({ available: false, lastError: expect.stringMatching(/Event Monitoring/) });
  });
});

describe('the API budget', () => {
  it('reads Sforce-Limit-Info', () => {
    expect(parseLimitInfo('api-usage=25/15000')).toEqual({ used: 25, limit: 15_000 });
    expect(parseLimitInfo('api-usage=18/5000, per-app-api-usage=17/250(appName=sample-app)')).toEqual({ used: 18, limit: 5_000 });
    expect(parseLimitInfo('per-app-api-usage=17/250(appName=x)')).toBeUndefined();
    expect(parseLimitInfo(undefined)).toBeUndefined();
  });

  it('allows one call before the org has reported its usage, then holds to the share', () => {
    expect(budgetDecision(DEFAULT_API_BUDGET, undefined, 1_000_000)).toEqual({ go: true });
    expect(budgetDecision(DEFAULT_API_BUDGET, { used: 10, limit: 15_000 }, 1_499)).toEqual({ go: true });
    expect(budgetDecision(DEFAULT_API_BUDGET, { used: 10, limit: 15_000 }, 1_500).go).toBe(false);
    expect(budgetDecision(DEFAULT_API_BUDGET, { used: 13_500, limit: 15_000 }, 0).go).toBe(false);
  });
});
