import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { openStore } from '../../src/store/open-store.js';
import type { StoreKind } from '../../src/store/store.js';
import { ORG_ID, SECRET } from '../api/envelopes.js';
import { createTestDatabase, type TestDatabase } from '../store/test-stores.js';
import { scoringEvents, sendUntilAcknowledged } from './load.js';
import { emulatorSidecarEnv, freePort, SidecarProcess } from './sidecar-process.js';

const EVENTS = 5_000;
const BATCH = 100;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const randomBetween = (min: number, max: number) => min + Math.floor(Math.random() * (max - min));

/** The crash scenarios, on the embedded store and on PostgreSQL. */
describe.each(['pglite', 'postgres'] as StoreKind[])('crash safety on %s: SIGKILL at random points, then restart', { timeout: 300_000 }, (kind) => {
  let db: TestDatabase | undefined;
  let dataDir: string;
  let emulator: OrgEmulator;
  let sidecar: SidecarProcess;
  let keyDir: string;

  beforeEach(async () => {
    db = kind === 'postgres' ? await createTestDatabase() : undefined;
    emulator = await startOrgEmulator({ orgId: ORG_ID });
    keyDir = mkdtempSync(join(tmpdir(), 'leakwatch-crash-'));
    dataDir = join(keyDir, 'data');
    sidecar = new SidecarProcess(
      {
        ...emulatorSidecarEnv(emulator, keyDir),
        ...(db ? { DATABASE_URL: db.url } : { LEAKWATCH_DATA_DIR: dataDir }),
        OUTBOX_BASE_DELAY_MS: '20',
        OUTBOX_MAX_DELAY_MS: '400',
        OUTBOX_MAX_ATTEMPTS: '50',
      },
      await freePort(),
    );
    await sidecar.start();
  });

  afterEach(async () => {
    await sidecar.kill();
    await emulator.close();
    await db?.drop();
    rmSync(keyDir, { recursive: true, force: true });
  });

  /** Sends every event in batches while killing the sidecar once mid-stream and once mid-write-back. */
  async function sendWithKills(events: ReturnType<typeof scoringEvents>): Promise<string[]> {
    const acknowledged: string[] = [];
    let sending = true;
    const chaos = (async () => {
      await sleep(randomBetween(300, 6_000));
      await sidecar.kill();
      await sidecar.start();
      while (sending) await sleep(20);
      await sleep(randomBetween(0, 400));
      await sidecar.kill();
      await sidecar.start();
    })();
    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      await sendUntilAcknowledged(sidecar.url, batch);
      acknowledged.push(...batch.map((e) => e.id));
    }
    sending = false;
    await chaos;
    return acknowledged;
  }

  async function waitUntilDrained(): Promise<void> {
    const until = Date.now() + 180_000;
    while (Date.now() < until) {
      const res = await fetch(`${sidecar.url}/v1/status`, { headers: { authorization: `Bearer ${SECRET}` } });
      const status = (await res.json()) as { queues: { eventsPending: number; writeBacksPending: number } };
      if (status.queues.eventsPending + status.queues.writeBacksPending === 0) return;
      await sleep(200);
    }
    throw new Error(`queues did not drain:\n${sidecar.recentLog}`);
  }

  async function expectExactlyOnce(acknowledged: string[]): Promise<void> {
    await waitUntilDrained();
    expect(await sidecar.terminate()).toBe(0);
    const store = await openStore({ databaseUrl: db?.url, dataDir });
    try {
      const stored = await store.query<{ id: string; state: string }>('SELECT event_id::text AS id, state FROM ingested_event');
      const stateOf = new Map(stored.map((r) => [r.id, r.state]));
      expect(acknowledged.filter((id) => !stateOf.has(id))).toEqual([]);
      const scored = acknowledged.filter((id) => stateOf.get(id) === 'scored');
      expect(scored.length).toBeGreaterThan(EVENTS / 2);

      const perEvent = new Map<string, number>();
      for (const v of emulator.records('LeakVerdict__c')) {
        const id = String(v.EventId__c);
        perEvent.set(id, (perEvent.get(id) ?? 0) + 1);
      }
      expect(scored.filter((id) => perEvent.get(id) !== 1)).toEqual([]);
      expect(perEvent.size).toBe(scored.length);

      const findings = emulator.records('PiiFinding__c').map((f) => String(f.FindingKey__c));
      expect(new Set(findings).size).toBe(findings.length);
      const [queued] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE sobject = 'PiiFinding__c'");
      expect(findings.length).toBe(queued?.n);
      const [dead] = await store.query<{ n: number }>("SELECT count(*)::int AS n FROM outbox WHERE state = 'dead'");
      expect(dead?.n).toBe(0);
    } finally {
      await store.close();
    }
  }

  it('every acknowledged event that scored has exactly one verdict in the org', async () => {
    const acknowledged = await sendWithKills(scoringEvents(EVENTS));
    expect(new Set(acknowledged).size).toBe(EVENTS);
    await expectExactlyOnce(acknowledged);
  });

  // The fault scenario exercises the write-back path, which is the same on both stores: PostgreSQL only.
  if (kind === 'postgres')
    it('the same with 20% of org requests failing (503 and REQUEST_LIMIT_EXCEEDED) and one session expiry', async () => {
      let pumping = true;
      let expired = false;
      const pump = (async () => {
        while (pumping) {
          const { requests, faultsInjected } = emulator.stats;
          const owed = Math.floor(requests * 0.2) - (faultsInjected.unavailable + faultsInjected.requestLimit);
          if (owed > 0) emulator.setFaults({ unavailable: Math.ceil(owed / 2), requestLimit: Math.floor(owed / 2) });
          if (!expired && emulator.stats.upsertRequests > 20) {
            emulator.setFaults({ expireSessions: true });
            expired = true;
          }
          await sleep(25);
        }
      })();
      try {
        const acknowledged = await sendWithKills(scoringEvents(EVENTS));
        await expectExactlyOnce(acknowledged);
      } finally {
        pumping = false;
        await pump;
      }
      const injected = emulator.stats.faultsInjected;
      expect(injected.sessionsExpired).toBe(1);
      expect(injected.unavailable + injected.requestLimit).toBeGreaterThan(emulator.stats.upsertRequests * 0.1);
    });
});
