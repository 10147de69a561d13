// Entry of the embedded store's thread: owns the PGlite database (Postgres compiled to WebAssembly,
// single-threaded) so that its statements run beside the main thread instead of on it. The main
// thread sends { id, op, ... } messages and gets { id, rows | error } back; see pglite-store.ts.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** The properties of a PGlite error worth keeping across the thread boundary (code, detail, ...). */
const errorReply = (id, err) => {
  const error = { name: err?.name ?? 'Error', message: String(err?.message ?? err) };
  for (const [key, value] of Object.entries(err ?? {})) {
    if (typeof value === 'string' || typeof value === 'number') error[key] = value;
  }
  return { id, error };
};

let db;
try {
  db = await PGlite.create(workerData.dataDir);
} catch (err) {
  parentPort.postMessage(errorReply(0, err));
  process.exit(1);
}

/** Open transactions: id → { tx, finish(commit), whole: the promise of the whole transaction }. */
const transactions = new Map();

/** Runs on `tx` when the message belongs to an open transaction, else on the database (which waits for any open one). */
const target = (message) => {
  if (message.tx === undefined) return db;
  const open = transactions.get(message.tx);
  if (!open) throw new Error(`transaction ${message.tx} is not open`);
  return open.tx;
};

/** Resolves once BEGIN has run; the transaction then stays open until 'end' names it. */
const begin = (id) =>
  new Promise((begun, failed) => {
    const whole = db.transaction(
      (tx) =>
        new Promise((commit, rollback) => {
          transactions.set(id, {
            tx,
            whole,
            finish: (ok) => (ok ? commit() : rollback(new Error('rolled back by the caller'))),
          });
          begun();
        }),
    );
    whole.catch(failed).finally(() => transactions.delete(id));
  });

/**
 * PostgreSQL's autovacuum keeps a table's planner statistics current and reclaims the space of
 * rows that updates and deletes left behind. PGlite runs no background workers, so nothing would:
 * the statistics of the event and outbox queues would stay those of an empty table, and the
 * claims would sort every pending row instead of reading the first ones from their index (30 ms
 * instead of 0.6 ms for 20,000 pending events), while dead rows pile up. This thread does the
 * same upkeep, with autovacuum's default thresholds: a table is analysed once more than 50 +
 * 10 % of its rows changed, vacuumed once more than 50 + 20 % are dead. Runs between statements.
 */
const MAINTAIN_DUE = `
  SELECT format('%I.%I', schemaname, relname) AS target, n_dead_tup > 50 + 0.2 * n_live_tup AS vacuum
    FROM pg_stat_user_tables
   WHERE n_dead_tup > 50 + 0.2 * n_live_tup OR n_mod_since_analyze > 50 + 0.1 * n_live_tup
   ORDER BY n_dead_tup + n_mod_since_analyze DESC`;
const maintain = async () => {
  const done = [];
  // Counts reach the statistics views at most once a second; the statement before reading them flushes them.
  await db.query('SELECT pg_stat_force_next_flush()');
  for (const { target, vacuum } of (await db.query(MAINTAIN_DUE)).rows) {
    await db.exec(`${vacuum ? 'VACUUM (ANALYZE)' : 'ANALYZE'} ${target}`);
    done.push({ table: target, vacuumed: vacuum });
  }
  return done;
};
let maintenance;
let closing = false;
const scheduleMaintenance = () => {
  if (closing || !(workerData.maintainEveryMs > 0)) return;
  maintenance = setTimeout(() => {
    maintain()
      .catch(() => undefined)
      .finally(scheduleMaintenance);
  }, workerData.maintainEveryMs);
};

const handle = async (message) => {
  switch (message.op) {
    case 'query':
      return (await target(message).query(message.text, message.params)).rows;
    case 'exec':
      await target(message).exec(message.script);
      return [];
    case 'begin':
      await begin(message.id);
      return [];
    case 'end': {
      const open = transactions.get(message.tx);
      if (!open) throw new Error(`transaction ${message.tx} is not open`);
      open.finish(message.commit);
      if (message.commit) await open.whole;
      else await open.whole.catch(() => undefined);
      return [];
    }
    case 'maintain':
      return maintain();
    case 'close':
      closing = true;
      clearTimeout(maintenance);
      await db.close();
      return [];
    default:
      throw new Error(`unknown operation ${message.op}`);
  }
};

parentPort.on('message', (message) => {
  handle(message).then(
    (rows) => parentPort.postMessage({ id: message.id, rows }),
    (err) => parentPort.postMessage(errorReply(message.id, err)),
  );
});
scheduleMaintenance();
parentPort.postMessage({ id: 0, rows: [] });
