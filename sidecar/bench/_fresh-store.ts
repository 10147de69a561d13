import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import pg from 'pg';

/** The local PostgreSQL server's admin database, where each bench run creates its own database. */
export const ADMIN_URL = process.env.LEAKWATCH_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export type BenchStoreKind = 'PGlite' | 'PostgreSQL';

/** A fresh store for one phase of a bench: a new database on the local server, or a new PGlite directory. */
export async function freshStore(
  kind: BenchStoreKind,
  dataDir: string,
): Promise<{ store: { dataDir: string; databaseUrl?: string }; drop: () => Promise<void> }> {
  if (kind === 'PGlite') return { store: { dataDir }, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
  const name = `leakwatch_bench_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    store: { databaseUrl: url.toString(), dataDir },
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
