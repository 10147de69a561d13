import { copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idSuffix } from '../../src/contract/salesforce-id.js';
import { migrate } from '../../src/store/migrate.js';
import { openPgliteStore } from '../../src/store/pglite-store.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from './test-stores.js';

const MIGRATIONS = fileURLToPath(new URL('../../src/store/migrations/', import.meta.url));
const ORG15 = '00D5g000004Cx1a';
const ORG18 = '00D5g000004Cx1aEAC';
const OTHER = '00D7x000001Ab2cEAA';
const EVENT = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

/** A folder with the migrations before 030, so a store can be left as an earlier release left it. */
function migrationsBefore030(): string {
  const dir = mkdtempSync(join(tmpdir(), 'leakwatch-migrations-'));
  for (const f of readdirSync(MIGRATIONS)) if (f.endsWith('.sql') && f < '030') copyFileSync(join(MIGRATIONS, f), join(dir, f));
  return `${dir}/`;
}

describe.each(STORE_KINDS)('migration 030 (org-scoped keys) on %s', (kind) => {
  let store: Store;
  let db: TestDatabase | undefined;
  let before: string;

  beforeAll(async () => {
    before = migrationsBefore030();
    if (kind === 'postgres') {
      db = await createTestDatabase();
      store = await openPostgresStore(db.url);
    } else store = await openPgliteStore('memory://');
    await migrate(store, before);
    // What an earlier release stored: org ids as the package sent them (15 or 18 characters).
    await store.query(
      `INSERT INTO ingested_event (event_id, org_id, batch_id, kind, classified, state)
       VALUES ($1, $2, gen_random_uuid(), 'dml', '{"orgId":"${ORG15}"}', 'pending')`,
      [EVENT, ORG15],
    );
    await store.query(
      `INSERT INTO outbox (org_id, event_id, sobject, external_id_field, external_id, record, acknowledged_at, state)
       VALUES ($1, $2, 'LeakVerdict__c', 'EventId__c', $3, '{}', now(), 'dead')`,
      [ORG15, EVENT, EVENT],
    );
    // Detection state written under both forms of one org merges by the detector's rules.
    for (const [org, total, firstDay] of [
      [ORG15, 5, 10],
      [ORG18, 7, 12],
      [OTHER, 100, 1],
    ] as const) {
      await store.query(`INSERT INTO detect_hourly (org_id, metric, series, day, hour, total) VALUES ($1, 'volume', 's', 20, 3, $2)`, [org, total]);
      await store.query(`INSERT INTO detect_series_start (org_id, metric, series, first_day) VALUES ($1, 'volume', 's', $2)`, [org, firstDay]);
      await store.query(`INSERT INTO detect_token_holder (org_id, holder, last_seen_ms) VALUES ($1, 'u|a', $2)`, [org, total * 1000]);
      await store.query(`INSERT INTO detect_canary (org_id, kind, value) VALUES ($1, 'marker', 'LW-CANARY-1')`, [org]);
    }
    await store.query(
      `INSERT INTO detect_suppression (id, org_id, reason_codes, created_at, expires_at)
       VALUES ($1, $2, '["volume_anomaly"]', now(), now() + interval '30 days')`,
      [`fp:${EVENT}`, ORG15],
    );
    await store.query(
      `INSERT INTO feedback_watermark (org_id, replica, last_modified, last_id) VALUES ($1, 'r1', '2026-11-01T00:00:00Z', 'a045g0000000001AAA')`,
      [ORG15],
    );
    // Later migrations run after it; 030 is the first the store had not applied.
    expect((await migrate(store))[0]).toBe('030_org_scoped_keys');
  });
  afterAll(async () => {
    await store.close();
    await db?.drop();
    rmSync(before, { recursive: true, force: true });
  });

  it('computes the 18-character form in SQL as the sidecar does', async () => {
    const ids = ['00D5g000004Cx1a', '00DABCDEFGHIJKL', '00dabcdefghijkl', '001XyZ000000AbC', '00Dzzzzzzzzzzzz'];
    const rows = await store.query<{ id18: string }>('SELECT leakwatch_id18(id) AS id18 FROM unnest($1::text[]) WITH ORDINALITY AS t(id, n) ORDER BY n', [ids]);
    expect(rows.map((r) => r.id18)).toEqual(ids.map((id) => id + idSuffix(id)));
  });

  it('keeps every stored event and write-back, under the 18-character org id', async () => {
    expect(await store.query('SELECT org_id, state FROM ingested_event')).toEqual([{ org_id: ORG18, state: 'pending' }]);
    expect(await store.query('SELECT org_id, state FROM outbox')).toEqual([{ org_id: ORG18, state: 'dead' }]);
  });

  it('merges detection state of both forms of one org, and leaves other orgs as they were', async () => {
    const hourly = await store.query<{ org_id: string; total: number }>('SELECT org_id, total FROM detect_hourly ORDER BY org_id');
    expect(hourly).toEqual([
      { org_id: ORG18, total: 12 },
      { org_id: OTHER, total: 100 },
    ]);
    expect(await store.query('SELECT org_id, first_day FROM detect_series_start ORDER BY org_id')).toEqual([
      { org_id: ORG18, first_day: 10 },
      { org_id: OTHER, first_day: 1 },
    ]);
    expect(await store.query('SELECT org_id, last_seen_ms FROM detect_token_holder ORDER BY org_id')).toEqual([
      { org_id: ORG18, last_seen_ms: 7000 },
      { org_id: OTHER, last_seen_ms: 100_000 },
    ]);
    expect(await store.query('SELECT org_id FROM detect_canary ORDER BY org_id')).toEqual([{ org_id: ORG18 }, { org_id: OTHER }]);
    expect(await store.query('SELECT org_id, id FROM detect_suppression')).toEqual([{ org_id: ORG18, id: `fp:${EVENT}` }]);
    expect(await store.query('SELECT org_id, last_id FROM feedback_watermark')).toEqual([{ org_id: ORG18, last_id: 'a045g0000000001AAA' }]);
  });

  it('lets another org store an event and a suppression with the same ids', async () => {
    await store.query(`INSERT INTO ingested_event (event_id, org_id, batch_id, kind, classified) VALUES ($1, $2, gen_random_uuid(), 'dml', '{}')`, [
      EVENT,
      OTHER,
    ]);
    await store.query(
      `INSERT INTO detect_suppression (id, org_id, reason_codes, created_at, expires_at)
       VALUES ($1, $2, '["volume_anomaly"]', now(), now() + interval '30 days')`,
      [`fp:${EVENT}`, OTHER],
    );
    const [row] = await store.query<{ n: string | number }>('SELECT count(*) AS n FROM ingested_event WHERE event_id = $1', [EVENT]);
    expect(Number(row?.n)).toBe(2);
  });
});
