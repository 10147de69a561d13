import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations, migrate } from '../../src/store/migrate.js';
import { openPostgresStore } from '../../src/store/postgres-store.js';
import { readHashSalt } from '../../src/store/hash-salt.js';
import type { Store } from '../../src/store/store.js';
import { createTestDatabase, openTestStore, STORE_KINDS, type TestDatabase, type TestStore } from './test-stores.js';

describe('migration files', () => {
  it('are every NNN_name.sql of the folder, in numeric order, including other areas’ ranges', () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakwatch-migrations-'));
    for (const f of ['020_detect.sql', '002_b.sql', '001_a.sql', 'notes.md', '01_short.sql', '003-dash.sql']) {
      writeFileSync(join(dir, f), 'SELECT 1;');
    }
    expect(listMigrations(`${dir}/`).map((m) => m.version)).toEqual(['001_a', '002_b', '020_detect']);
    expect(listMigrations().map((m) => m.version.slice(0, 3))).toEqual(expect.arrayContaining(['001', '002', '003', '020']));
  });
});

describe.each(STORE_KINDS)('migrations on %s', (kind) => {
  let testStore: TestStore;
  beforeAll(async () => {
    testStore = await openTestStore(kind);
  });
  afterAll(() => testStore.dispose());

  it('apply once: a second run applies nothing and keeps the generated hash salt', async () => {
    const salt = await readHashSalt(testStore.store);
    expect(salt).toMatch(/^[0-9a-f]{64}$/);
    expect(await migrate(testStore.store)).toEqual([]);
    expect(await readHashSalt(testStore.store)).toBe(salt);
    const tables = await testStore.store.query<{ name: string }>(
      "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(['ingested_event', 'outbox', 'sidecar_setting', 'schema_migration']));
  });

  it('run a multi-statement migration in one transaction and roll it back on error', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'leakwatch-migrations-'));
    writeFileSync(join(dir, '900_ok.sql'), 'CREATE TABLE probe_a (x int);\nINSERT INTO probe_a VALUES (1);\n');
    writeFileSync(join(dir, '901_broken.sql'), 'CREATE TABLE probe_b (x int);\nSELECT no_such_function();\n');
    await expect(migrate(testStore.store, `${dir}/`)).rejects.toThrow(/no_such_function/);
    const left = await testStore.store.query("SELECT 1 FROM information_schema.tables WHERE table_name IN ('probe_a', 'probe_b')");
    expect(left).toHaveLength(0);
  });
});

describe('replicas starting together on one PostgreSQL database', () => {
  let db: TestDatabase;
  const stores: Store[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    await db.drop();
  });

  it('apply each migration exactly once', async () => {
    stores.push(...(await Promise.all([0, 1, 2].map(() => openPostgresStore(db.url)))));
    const applied = await Promise.all(stores.map((s) => migrate(s)));
    expect(applied.flat().sort()).toEqual(listMigrations().map((m) => m.version));
  });
});
