import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { ORG_ID } from '../api/envelopes.js';
import { createTestDatabase, type TestDatabase } from '../store/test-stores.js';
import { scoringEvents, sendUntilAcknowledged } from './load.js';
import { emulatorSidecarEnv, freePort, SidecarProcess } from './sidecar-process.js';

describe('graceful shutdown', { timeout: 180_000 }, () => {
  let db: TestDatabase;
  let emulator: OrgEmulator;
  let keyDir: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    emulator = await startOrgEmulator({ orgId: ORG_ID });
    keyDir = mkdtempSync(join(tmpdir(), 'leakwatch-shutdown-'));
  });
  afterAll(async () => {
    await emulator.close();
    await db.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('on SIGTERM finishes the write-backs in flight and exits 0', async () => {
    const sidecar = new SidecarProcess({ ...emulatorSidecarEnv(emulator, keyDir), DATABASE_URL: db.url }, await freePort());
    await sidecar.start();
    emulator.setFaults({ latencyMs: 1_500 });
    await sendUntilAcknowledged(sidecar.url, scoringEvents(50));
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    try {
      const leased = async () => (await client.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE lease_owner IS NOT NULL')).rows[0]?.n ?? 0;
      const until = Date.now() + 30_000;
      while ((await leased()) === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(await leased()).toBeGreaterThan(0);
      const upsertsBefore = emulator.stats.upsertRequests;

      expect(await sidecar.terminate()).toBe(0);

      expect(await leased()).toBe(0);
      const done = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE state = 'done'");
      expect(done.rows[0]?.n).toBeGreaterThan(0);
      expect(emulator.stats.upsertRequests).toBeGreaterThanOrEqual(upsertsBefore);
    } finally {
      await client.end();
      emulator.setFaults({ latencyMs: 0 });
    }
  });
});
