import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { openTestStore, STORE_KINDS, type TestStore } from './test-stores.js';

describe.each(STORE_KINDS)('store on %s', (kind) => {
  let testStore: TestStore;
  beforeAll(async () => {
    testStore = await openTestStore(kind);
    await testStore.store.exec('CREATE TABLE tx_probe (k text PRIMARY KEY, v integer NOT NULL)');
  });
  afterAll(() => testStore.dispose());

  it('commits a transaction whose function resolves, and returns its value', async () => {
    const { store } = testStore;
    const value = await store.transaction(async (tx) => {
      await tx.query('INSERT INTO tx_probe (k, v) VALUES ($1, $2)', ['committed', 1]);
      const [row] = await tx.query<{ v: number }>('SELECT v FROM tx_probe WHERE k = $1', ['committed']);
      return row?.v;
    });
    expect(value).toBe(1);
    expect(await store.query('SELECT k FROM tx_probe WHERE k = $1', ['committed'])).toHaveLength(1);
  });

  it('rolls back a transaction whose function throws, and rethrows its error', async () => {
    const { store } = testStore;
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe (k, v) VALUES ($1, $2)', ['rolled-back', 1]);
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await store.query('SELECT k FROM tx_probe WHERE k = $1', ['rolled-back'])).toEqual([]);
  });

  it('keeps the database error code of a failed statement', async () => {
    const { store } = testStore;
    await store.query('INSERT INTO tx_probe (k, v) VALUES ($1, $2)', ['unique', 1]);
    await expect(store.query('INSERT INTO tx_probe (k, v) VALUES ($1, $2)', ['unique', 2])).rejects.toMatchObject({
      code: '23505',
      message: expect.stringContaining('duplicate key'),
    });
    // A failed statement inside a transaction fails and rolls back the whole transaction.
    await expect(
      store.transaction(async (tx) => {
        await tx.query('INSERT INTO tx_probe (k, v) VALUES ($1, $2)', ['first-of-two', 1]);
        await tx.query('INSERT INTO tx_probe (k, v) VALUES ($1, $2)', ['unique', 3]);
      }),
    ).rejects.toMatchObject({ code: '23505' });
    expect(await store.query('SELECT k FROM tx_probe WHERE k = $1', ['first-of-two'])).toEqual([]);
  });

  it('runs transactions and single statements issued together without losing or mixing any', async () => {
    const { store } = testStore;
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 2 === 0
          ? store.transaction(async (tx) => {
              await tx.query('INSERT INTO tx_probe (k, v) VALUES ($1, $2)', [`many-${i}`, i]);
              await tx.query('UPDATE tx_probe SET v = v + 100 WHERE k = $1', [`many-${i}`]);
            })
          : store.query('INSERT INTO tx_probe (k, v) VALUES ($1, $2)', [`many-${i}`, i]),
      ),
    );
    const rows = await store.query<{ k: string; v: number }>("SELECT k, v FROM tx_probe WHERE k LIKE 'many-%'");
    expect(rows).toHaveLength(20);
    for (const { k, v } of rows) {
      const i = Number(k.slice(5));
      expect(v).toBe(i % 2 === 0 ? i + 100 : i);
    }
  });

  it('passes dates, JSON and nulls through unchanged', async () => {
    const { store } = testStore;
    const [row] = await store.query<{ at: Date; doc: unknown; nothing: null }>(`SELECT $1::timestamptz AS at, $2::jsonb AS doc, NULL AS nothing`, [
      '2026-11-23T10:00:00.000Z',
      JSON.stringify({ a: [1, 'two'] }),
    ]);
    expect(new Date(row!.at).toISOString()).toBe('2026-11-23T10:00:00.000Z');
    expect(row!.doc).toEqual({ a: [1, 'two'] });
    expect(row!.nothing).toBeNull();
  });
});

describe('embedded store on disk', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leakwatch-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('keeps what was written across a close and a reopen', async () => {
    const first = await openStore({ dataDir: dir });
    await first.exec('CREATE TABLE kept (v text)');
    await first.query('INSERT INTO kept VALUES ($1)', ['still here']);
    await first.close();
    await first.close(); // closing twice is harmless

    const second = await openStore({ dataDir: dir });
    try {
      expect(await second.query('SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    } finally {
      await second.close();
    }
  });

  it('rejects statements after close with an error that says so', async () => {
    const store = await openStore({ dataDir: 'memory://' });
    await store.close();
    await expect(store.query('SELECT 1')).rejects.toThrow(/embedded store's thread stopped/);
  });
});
