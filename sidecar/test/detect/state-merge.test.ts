import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MemoryDetectionState, SqlStateStore } from '../../src/detect/index.js';
import type { DetectionState, Metric, Signal } from '../../src/detect/state.js';
import type { Sql, Store } from '../../src/store/store.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { ORG } from './helpers.js';

/** The wall clock of the state stores below: every suppression of these tests is in force then. */
const NOW = Date.parse('2026-01-10T00:00:00.000Z');
const DAY = 20_400;

/** A small seeded generator (mulberry32), so a failing sequence can be replayed. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

type Change = (state: DetectionState) => void;

/**
 * Random changes over a few keys of every kind, so that keys meet often. Days stay within what
 * storage loads again (buckets in the horizon, sessions and alert marks within two days of the
 * latest bucket, suppressions unexpired), so both ways must end in the same state.
 */
function changes(random: () => number, count: number, kinds: readonly string[]): Change[] {
  const int = (from: number, to: number) => from + Math.floor(random() * (to - from + 1));
  const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)]!;
  const all: Record<string, () => Change> = {
    hourly: () => {
      const [metric, series, day, hour, n] = [pick<Metric>(['volume', 'activity']), pick(['s0', 's1']), int(DAY, DAY + 3), int(0, 2), int(1, 100)];
      return (s) => s.add(metric, series, day, hour, n);
    },
    session: () => {
      const [key, day, n] = [pick(['k0', 'k1']), int(DAY + 1, DAY + 3), int(0, 50)];
      return (s) => void s.addToSession(key, day, n);
    },
    appScope: () => {
      const [app, scopes] = [pick(['app0', 'app1']), ['api', 'full', 'web'].filter(() => random() < 0.4)];
      return (s) => s.addAppScopes(app, scopes);
    },
    token: () => {
      const [holder, ms] = [pick(['u|app0', 'u|app1']), int(1, 9) * 1_000];
      return (s) => s.touchToken(holder, ms);
    },
    signalStart: () => {
      const [signal, day] = [pick<Signal>(['volume', 'oauth']), int(DAY - 5, DAY + 3)];
      return (s) => s.noteObserved(signal, day);
    },
    alert: () => {
      const [key, untilDay, total] = [pick(['w0', 'w1', 'w2']), int(DAY + 1, DAY + 4), pick([-1, 500, 1_000, 4_000])];
      return (s) => s.noteAlert(key, untilDay, total);
    },
    canary: () => {
      const label = pick([undefined, 'first', 'second']);
      const canary =
        random() < 0.5
          ? {
              kind: 'record' as const,
              recordId: pick(['a0C5g00000Xyz01AAA', 'a0C5g00000Xyz01BBB', 'a0C5g00000Xyz02AAA']),
              label,
            }
          : {
              kind: 'marker' as const,
              value: pick(['lw-canary-0@acme.example', 'lw-canary-1@acme.example']),
              label,
            };
      return (s) => s.addCanary(canary);
    },
    suppression: () => {
      const id = pick(['fp:0', 'fp:1', 'fp:2']);
      if (random() < 0.3) return (s) => void s.liftSuppression(id);
      const rule = {
        id,
        orgId: ORG,
        reasonCodes: [pick(['unusual_hour', 'volume_anomaly'])],
        actorUserId: pick([undefined, 'u1', 'u2']),
        createdAt: pick(['2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z']),
        expiresAt: pick(['2026-02-01T00:00:00.000Z', '2026-03-01T00:00:00.000Z', '2026-01-20T00:00:00.000Z']),
      };
      return (s) => s.addSuppression(rule);
    },
  };
  const latest: Change = (s) => s.add('volume', 's0', DAY + 3, 0, 1);
  return [latest, ...Array.from({ length: count }, () => all[pick(kinds)]!())];
}

/** Everything a state holds over the keys `changes` uses. */
function snapshot(s: MemoryDetectionState) {
  const hours: Record<string, number> = {};
  const firstDays: Record<string, number | undefined> = {};
  for (const metric of ['volume', 'activity'] as const)
    for (const series of ['s0', 's1']) {
      firstDays[`${metric}|${series}`] = s.firstDay(metric, series);
      for (let day = DAY; day <= DAY + 3; day++)
        for (let hour = 0; hour <= 2; hour++) hours[`${metric}|${series}|${day}|${hour}`] = s.hourTotal(metric, series, day, hour);
    }
  const registry = s.canaries();
  return {
    hours,
    firstDays,
    sessions: ['k0', 'k1'].map((k) => s.addToSession(k, DAY + 1, 0)),
    apps: ['app0', 'app1'].map((a) => [...(s.appScopes(a) ?? ['(unknown)'])].sort()),
    tokens: ['u|app0', 'u|app1'].map((h) => s.tokenLastSeen(h)),
    signals: (['volume', 'oauth'] as const).map((signal) => s.observedSince(signal)),
    alerts: ['w0', 'w1', 'w2'].map((k) => s.alerted(k)),
    canaries: {
      recordIds: [...registry.recordIds].sort(),
      markers: [...registry.markers].sort(),
      labels: [...registry.labels].sort(),
    },
    suppressions: [...s.suppressions()].sort((a, b) => a.id.localeCompare(b.id)),
  };
}

const EVERY_KIND = ['hourly', 'session', 'appScope', 'token', 'signalStart', 'alert', 'canary', 'suppression'];
/** The kinds whose merge is commutative, so replicas flushing in any order converge. */
const COMMUTATIVE = ['hourly', 'session', 'appScope', 'token', 'signalStart', 'alert'];

describe.each(STORE_KINDS)('detection state merged in memory and in SQL alike (%s)', (kind) => {
  let testStore: TestStore;
  let db: Store;
  const stateStore = (sql: Sql & { transaction?: Store['transaction'] } = db) => new SqlStateStore(sql, { baselineDays: 30 }, () => NOW);

  beforeAll(async () => {
    testStore = await openTestStore(kind);
    db = testStore.store;
  });

  beforeEach(async () => {
    await db.exec(
      'TRUNCATE detect_hourly, detect_series_start, detect_session, detect_signal_start, detect_app_scope, detect_token_holder, detect_canary, detect_suppression, detect_alert',
    );
  });

  afterAll(async () => {
    await testStore.dispose();
  });

  it.each([1, 2, 3])('stores what memory holds after random changes, flushes and failed flushes (seed %i)', async (seed) => {
    const random = generator(seed);
    let failing = false;
    const flaky = {
      query: db.query.bind(db),
      exec: db.exec.bind(db),
      transaction: <T>(fn: (tx: Sql) => Promise<T>): Promise<T> =>
        db.transaction(async (tx) => {
          const result = await fn(tx);
          if (failing) throw new Error('connection lost');
          return result;
        }),
    };
    const memory = new MemoryDetectionState(ORG, { retainDays: 31 });
    const store = stateStore(flaky);
    const journalled = await store.open(ORG);
    for (const change of changes(random, 300, EVERY_KIND)) {
      change(memory);
      change(journalled);
      if (random() < 0.08) {
        failing = random() < 0.4;
        await (random() < 0.5 ? store.flush() : store.flushLearnt()).catch(() => undefined);
      }
    }
    failing = false;
    await store.flush();

    const reloaded = await stateStore().open(ORG);
    expect(snapshot(journalled)).toEqual(snapshot(memory));
    expect(snapshot(reloaded)).toEqual(snapshot(memory));
  });

  it.each([4, 5])('converges from two replicas flushing in any order on what one memory holds (seed %i)', async (seed) => {
    const random = generator(seed);
    const memory = new MemoryDetectionState(ORG, { retainDays: 31 });
    const stores = [stateStore(), stateStore()];
    const replicas = await Promise.all(stores.map((s) => s.open(ORG)));
    for (const change of changes(random, 300, COMMUTATIVE)) {
      change(memory);
      change(random() < 0.5 ? replicas[0]! : replicas[1]!);
      if (random() < 0.08) await stores[random() < 0.5 ? 0 : 1]!.flush();
    }
    await Promise.all(stores.map((s) => s.flush()));

    expect(snapshot(await stateStore().open(ORG))).toEqual(snapshot(memory));
  });
});
