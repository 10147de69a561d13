import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { Sql, Store } from './store.js';

const THREAD_ENTRY = new URL('./pglite-thread.mjs', import.meta.url);

type Request =
  | { op: 'query'; text: string; params?: unknown[]; tx?: number }
  | { op: 'exec'; script: string; tx?: number }
  | { op: 'begin' }
  | { op: 'end'; tx: number; commit: boolean }
  | { op: 'maintain' }
  | { op: 'close' };

interface Reply {
  id: number;
  rows?: unknown[];
  error?: { name: string; message: string } & Record<string, string | number>;
}

export class StoreThreadError extends Error {
  override name = 'StoreThreadError';
}

/** A PGlite error re-created on this side of the thread boundary, with its `code`, `detail`, ... */
const toError = (reply: NonNullable<Reply['error']>): Error => Object.assign(new Error(reply.message), reply);

/** How often the store's thread looks for tables to analyse or vacuum (see pglite-thread.mjs). */
const MAINTAIN_EVERY_MS = 10_000;

interface PgliteOptions {
  /** Milliseconds between two looks for tables to analyse or vacuum; 0 turns the upkeep off. */
  maintainEveryMs?: number;
}

export interface PgliteStore extends Store {
  /** Analyses and vacuums now the tables that are due (what the thread does every `maintainEveryMs`); returns what it did. */
  maintain(): Promise<{ table: string; vacuumed: boolean }[]>;
}

/**
 * Opens the embedded store. `dataDir` is a directory, or `memory://` for a throw-away database.
 *
 * PGlite runs Postgres single-threaded in WebAssembly; on the main thread every statement would
 * hold up HTTP parsing, validation and replies. It runs in a thread of its own instead, and this
 * side forwards statements as messages. Statements outside a transaction wait for an open one to
 * finish, as on one PostgreSQL connection. The thread also does the upkeep autovacuum does on PostgreSQL.
 */
export async function openPgliteStore(dataDir: string, options: PgliteOptions = {}): Promise<PgliteStore> {
  if (!dataDir.startsWith('memory://')) mkdirSync(dataDir, { recursive: true });
  const worker = new Worker(THREAD_ENTRY, { workerData: { dataDir, maintainEveryMs: options.maintainEveryMs ?? MAINTAIN_EVERY_MS } });
  const calls = new Map<number, { resolve: (rows: unknown[]) => void; reject: (err: Error) => void }>();
  let nextId = 1;
  let stopped: Error | undefined;

  const opened = new Promise<void>((resolve, reject) => {
    calls.set(0, { resolve: () => resolve(), reject });
  });
  worker.on('message', (reply: Reply) => {
    const call = calls.get(reply.id);
    if (!call) return;
    calls.delete(reply.id);
    if (reply.error) call.reject(toError(reply.error));
    else call.resolve(reply.rows ?? []);
  });
  const fail = (err: Error) => {
    stopped ??= err;
    for (const call of calls.values()) call.reject(stopped);
    calls.clear();
  };
  worker.on('error', (err) => fail(new StoreThreadError(`the embedded store's thread failed: ${err.message}`)));
  worker.on('exit', (code) => fail(new StoreThreadError(`the embedded store's thread stopped (exit code ${code})`)));

  const send = <Row>(request: Request, id = nextId++): Promise<Row[]> => {
    if (stopped) return Promise.reject(stopped);
    return new Promise<Row[]>((resolve, reject) => {
      calls.set(id, { resolve: resolve as (rows: unknown[]) => void, reject });
      worker.postMessage({ id, ...request });
    });
  };

  try {
    await opened;
  } catch (err) {
    await worker.terminate();
    throw err;
  }

  const sql = (tx?: number): Sql => ({
    query: <Row>(text: string, params?: unknown[]) => send<Row>({ op: 'query', text, params, tx }),
    exec: async (script) => {
      await send({ op: 'exec', script, tx });
    },
  });

  // One process owns an embedded database, so work signals stay in-process.
  const work = new EventEmitter();
  let closing: Promise<void> | undefined;
  return {
    kind: 'pglite',
    ...sql(),
    transaction: async <T>(fn: (tx: Sql) => Promise<T>): Promise<T> => {
      // The transaction is named by the id of its 'begin' message.
      const id = nextId++;
      await send({ op: 'begin' }, id);
      let result: T;
      try {
        result = await fn(sql(id));
      } catch (err) {
        await send({ op: 'end', tx: id, commit: false }).catch(() => undefined);
        throw err;
      }
      await send({ op: 'end', tx: id, commit: true });
      return result;
    },
    maintain: () => send<{ table: string; vacuumed: boolean }>({ op: 'maintain' }),
    signalWork: async (from) => {
      work.emit('work', from);
    },
    listenForWork: async (listener) => {
      work.on('work', listener);
      return async () => {
        work.off('work', listener);
      };
    },
    close: () =>
      (closing ??= (async () => {
        if (!stopped) await send({ op: 'close' }).catch(() => undefined);
        await worker.terminate();
      })()),
  };
}
