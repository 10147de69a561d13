// Loaded into a sidecar child process (`--import`) by the crash tests. With CRASH_TEST_KILL_AT=insert:<n>
// it SIGKILLs the process just before the n-th INSERT INTO ingested_event the process sends: inside a
// collector page's transaction, before its events are written. A timer rarely hits that window; a
// cursor stored ahead of its events would be lost exactly there.
//
// It watches both stores' way to the database: the messages to the embedded store's thread
// (`pglite-store.ts`) and the queries of `pg` clients. A test must check that the process did die
// by SIGKILL: if the statement changes, the point is never reached and the process lives on.
// Plain JavaScript: worker threads inherit `--import` and load this file before any TypeScript
// loader is ready in them.
import { isMainThread, Worker } from 'node:worker_threads';

const spec = process.env.CRASH_TEST_KILL_AT ?? '';
const insertAt = /^insert:(\d+)$/.exec(spec);
if (spec !== '' && !insertAt) throw new Error(`CRASH_TEST_KILL_AT must be insert:<n>, got ${JSON.stringify(spec)}`);

let inserts = 0;
/** Dies at the chosen insert of events. */
const watch = (text) => {
  if (!text.includes('INSERT INTO ingested_event')) return;
  inserts += 1;
  if (inserts === Number(insertAt[1])) process.kill(process.pid, 'SIGKILL');
};

if (isMainThread && insertAt) {
  // The embedded store: { id, op: 'query', text, params, tx } messages to its thread.
  const post = Worker.prototype.postMessage;
  Worker.prototype.postMessage = function (message, ...rest) {
    if (message?.op === 'query' && typeof message.text === 'string') watch(message.text);
    return post.call(this, message, ...rest);
  };

  // PostgreSQL: every pool client is a pg.Client.
  const { default: pg } = await import('pg');
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (config, ...rest) {
    const text = typeof config === 'string' ? config : config?.text;
    if (typeof text === 'string') watch(text);
    return query.call(this, config, ...rest);
  };
}
