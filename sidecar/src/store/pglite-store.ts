import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { Sql, Store } from './store.js';

/** Opens the embedded store. `dataDir` is a directory, or `memory://` for a throw-away database. */
export async function openPgliteStore(dataDir: string): Promise<Store> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
  // One process owns an embedded database, so work signals stay in-process.
  const work = new EventEmitter();
  const query = async <Row>(text: string, params?: unknown[]): Promise<Row[]> =>
    (await db.query<Row>(text, params)).rows;
  return {
    kind: 'pglite',
    query,
    exec: async (script) => {
      await db.exec(script);
    },
    transaction: <T>(fn: (tx: Sql) => Promise<T>) =>
      db.transaction((tx) =>
        fn({
          query: async <Row>(text: string, params?: unknown[]) => (await tx.query<Row>(text, params)).rows,
          exec: async (script) => {
            await tx.exec(script);
          },
        }),
      ),
    signalWork: async (from) => {
      work.emit('work', from);
    },
    listenForWork: async (listener) => {
      work.on('work', listener);
      return async () => {
        work.off('work', listener);
      };
    },
    close: () => db.close(),
  };
}
