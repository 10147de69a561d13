import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import type { Store, StoreKind } from '../../src/store/store.js';

/** The local server the tests create their databases on. */
export const ADMIN_DATABASE_URL = process.env.LEAKWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const STORE_KINDS: StoreKind[] = ['pglite', 'postgres'];

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

/** Creates a fresh database on the local PostgreSQL server; `drop` removes it. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `leakwatch_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export interface TestStore {
  store: Store;
  /** Set for PostgreSQL: the database URL, for a second replica. */
  databaseUrl?: string;
  dispose(): Promise<void>;
}

/** A migrated store of the given kind: an in-memory PGlite, or a new database on the local server. */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'pglite') {
    const store = await openStore({ dataDir: 'memory://' });
    return { store, dispose: () => store.close() };
  }
  const db = await createTestDatabase();
  const store = await openStore({ databaseUrl: db.url, dataDir: 'unused' });
  return {
    store,
    databaseUrl: db.url,
    async dispose() {
      await store.close();
      await db.drop();
    },
  };
}
