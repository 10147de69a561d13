import { migrate } from './migrate.js';
import { openPgliteStore } from './pglite-store.js';
import { openPostgresStore } from './postgres-store.js';
import type { Store } from './store.js';

/** PostgreSQL when a URL is given, the embedded PGlite store otherwise; migrated and ready. */
export async function openStore(options: { databaseUrl?: string; dataDir: string }): Promise<Store> {
  const store = options.databaseUrl ? await openPostgresStore(options.databaseUrl) : await openPgliteStore(options.dataDir);
  try {
    await migrate(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
