import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Store } from './store.js';

const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));
const MIGRATION_FILE = /^(\d{3})_[a-z0-9_]+\.sql$/;

/** Every `NNN_name.sql` in the migrations folder, in order of its number. */
export function listMigrations(dir = MIGRATIONS_DIR): Array<{ version: string; sql: string }> {
  return readdirSync(dir)
    .filter((f) => MIGRATION_FILE.test(f))
    .sort()
    .map((f) => ({ version: f.replace(/\.sql$/, ''), sql: readFileSync(dir + f, 'utf8') }));
}

/**
 * Applies the migrations not yet applied, in one transaction under an advisory lock,
 * so replicas starting together on one PostgreSQL database apply each exactly once.
 */
export async function migrate(store: Store, dir = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = listMigrations(dir);
  return store.transaction(async (tx) => {
    await tx.query("SELECT pg_advisory_xact_lock(hashtext('leakwatch.migrate'))");
    await tx.query('CREATE TABLE IF NOT EXISTS schema_migration (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await tx.query<{ version: string }>('SELECT version FROM schema_migration')).map((r) => r.version));
    const applied: string[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO schema_migration (version) VALUES ($1)', [m.version]);
      applied.push(m.version);
    }
    return applied;
  });
}
