import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { claimEvents } from '../../src/pipeline/claim-events.js';
import { migrate } from '../../src/store/migrate.js';
import { openPgliteStore, type PgliteStore } from '../../src/store/pglite-store.js';

const ORG = '00D5g000004Cx1aEAC';

/** Stores `count` pending events of one org, 200 per statement. */
async function pendingEvents(store: PgliteStore, count: number): Promise<void> {
  for (let done = 0; done < count; done += 200) {
    const rows = Array.from({ length: Math.min(200, count - done) }, () => ({
      event_id: randomUUID(),
      org_id: ORG,
      batch_id: randomUUID(),
      kind: 'dml',
      classified: { orgId: ORG, event: { id: 'x' }, findings: [], notes: [] },
    }));
    await store.query(
      `INSERT INTO ingested_event (event_id, org_id, batch_id, kind, classified)
       SELECT x.event_id, x.org_id, x.batch_id, x.kind, x.classified
         FROM jsonb_to_recordset($1::jsonb) AS x(event_id uuid, org_id text, batch_id uuid, kind text, classified jsonb)`,
      [JSON.stringify(rows)],
    );
  }
}

const tableStats = async (store: PgliteStore) => {
  // Counts reach the statistics views at most once a second, unless flushed.
  await store.query('SELECT pg_stat_force_next_flush()');
  return (
    await store.query<{ n_dead_tup: number; n_mod_since_analyze: number; analysed: boolean }>(
      `SELECT n_dead_tup::int, n_mod_since_analyze::int, (last_analyze IS NOT NULL) AS analysed
         FROM pg_stat_user_tables WHERE relname = 'ingested_event'`,
    )
  )[0]!;
};

/** The plan of the event claim's inner query, as claimEvents runs it. */
const claimPlan = async (store: PgliteStore) =>
  (
    await store.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT org_id, event_id FROM ingested_event
        WHERE state = 'pending' AND next_attempt_at <= statement_timestamp()
          AND (lease_until IS NULL OR lease_until < clock_timestamp())
        ORDER BY next_attempt_at LIMIT 200 FOR UPDATE SKIP LOCKED`,
    )
  )
    .map((r) => r['QUERY PLAN'])
    .join('\n');

describe('the embedded store keeps its tables analysed and vacuumed (PGlite has no autovacuum)', () => {
  let store: PgliteStore | undefined;
  afterEach(async () => {
    await store?.close();
    store = undefined;
  });

  it('analyses a table once a tenth of it changed, and the claim then reads pending events from their index', async () => {
    store = await openPgliteStore('memory://', { maintainEveryMs: 0 });
    await migrate(store);
    await pendingEvents(store, 4_000);
    expect((await tableStats(store)).n_mod_since_analyze).toBeGreaterThanOrEqual(4_000);
    // Statistics of an empty table: every pending row is read and sorted for a claim of 200.
    expect(await claimPlan(store)).toMatch(/Sort/);

    const done = await store.maintain();
    expect(done.map((d) => d.table)).toContain('public.ingested_event');
    const after = await tableStats(store);
    expect(after.analysed).toBe(true);
    expect(after.n_mod_since_analyze).toBe(0);
    expect(await claimPlan(store)).toMatch(/Index Scan using ingested_event_due/);
    expect(await claimPlan(store)).not.toMatch(/Sort/);
    // Nothing is due any more.
    expect(await store.maintain()).toEqual([]);
  });

  it('vacuums the dead rows that claims leave behind', async () => {
    store = await openPgliteStore('memory://', { maintainEveryMs: 0 });
    await migrate(store);
    await pendingEvents(store, 1_000);
    await store.maintain();
    // Each claim writes a new version of the rows it leases.
    for (let i = 0; i < 3; i += 1) {
      expect(await claimEvents(store, 'replica-a', 1_000, 0)).toHaveLength(1_000);
    }
    expect((await tableStats(store)).n_dead_tup).toBeGreaterThan(250);

    const done = await store.maintain();
    expect(done).toContainEqual({ table: 'public.ingested_event', vacuumed: true });
    expect((await tableStats(store)).n_dead_tup).toBe(0);
  });

  it('does the upkeep on its own, between statements', async () => {
    store = await openPgliteStore('memory://', { maintainEveryMs: 50 });
    await migrate(store);
    await pendingEvents(store, 1_000);
    const deadline = Date.now() + 10_000;
    const settled = async () => {
      const stats = await tableStats(store!);
      return stats.analysed && stats.n_mod_since_analyze === 0;
    };
    while (!(await settled()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(await tableStats(store)).toMatchObject({ analysed: true, n_mod_since_analyze: 0 });
  });
});
