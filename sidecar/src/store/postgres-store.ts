import pg from 'pg';
import type { Sql, Store } from './store.js';

/** The channel on which replicas tell each other that new work is stored. */
const WORK_CHANNEL = 'leakwatch_work';

/** Opens a pool on a PostgreSQL server; several sidecar replicas may share the database. */
export async function openPostgresStore(databaseUrl: string, maxConnections = 10): Promise<Store> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections });
  pool.on('error', () => undefined);
  await pool.query('SELECT 1');
  const query = async <Row>(text: string, params?: unknown[]): Promise<Row[]> => (await pool.query(text, params as unknown[])).rows as Row[];
  return {
    kind: 'postgres',
    query,
    exec: async (script) => {
      await pool.query(script);
    },
    async transaction<T>(fn: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <Row>(text: string, params?: unknown[]) => (await client.query(text, params as unknown[])).rows as Row[],
          exec: async (script) => {
            await client.query(script);
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    signalWork: async (from) => {
      await pool.query('SELECT pg_notify($1, $2)', [WORK_CHANNEL, from]);
    },
    async listenForWork(listener) {
      // A connection of its own: LISTEN holds it for as long as the replica runs. If it drops, polling still finds the work.
      const client = new pg.Client({ connectionString: databaseUrl });
      client.on('error', () => undefined);
      client.on('notification', (n) => {
        if (n.channel === WORK_CHANNEL) listener(n.payload ?? '');
      });
      await client.connect();
      await client.query(`LISTEN ${WORK_CHANNEL}`);
      return async () => {
        await client.end().catch(() => undefined);
      };
    },
    close: () => pool.end(),
  };
}
