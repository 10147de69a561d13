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
    case 'close':
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
parentPort.postMessage({ id: 0, rows: [] });
