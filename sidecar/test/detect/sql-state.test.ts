import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/contract/verdict.js';
import { createDetector, createStoredDetector, SqlStateStore, type DetectionConfigInput, type SqlExecutor } from '../../src/detect/index.js';
import type { Sql, Store } from '../../src/store/store.js';
import { generateScenario } from '../../scenarios/ecommerce.js';
import { openTestStore, STORE_KINDS, type TestStore } from '../store/test-stores.js';
import { at, classified, ORG } from './helpers.js';

/** The wall clock of the state stores below: every suppression of these tests is in force then. */
const NOW = Date.parse('2026-01-10T00:00:00.000Z');

describe.each(STORE_KINDS)('detection state in SQL (%s)', (kind) => {
  let testStore: TestStore;
  let db: Store;
  const stateStore = (sql: SqlExecutor = db) => new SqlStateStore(sql, { baselineDays: 30 }, () => NOW);

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

  it('scores across a restart exactly as one process that never stopped', async () => {
    const scenario = generateScenario(7, 21);
    const config: DetectionConfigInput = { canaries: [{ kind: 'record', recordId: scenario.canaries.recordId }] };
    const split = Date.parse(scenario.start) + 12 * 86_400_000;
    const before = scenario.events.filter((e) => Date.parse(e.input.event.occurredAt) < split);
    const after = scenario.events.slice(before.length);

    const reference = createDetector({ config });
    const expected: Array<Verdict | null> = after.map(() => null);
    for (const e of before) reference.scoreOpen(e.input);
    after.forEach((e, i) => (expected[i] = reference.scoreOpen(e.input)));

    const first = createStoredDetector(db, { config });
    for (let i = 0; i < before.length; i++) {
      await first.detector.score(before[i]!.input);
      if (i % 3000 === 2999) await first.flush();
    }
    await first.flush();

    const second = stateStore();
    const detectorB = createDetector({ config, states: second });
    await detectorB.openOrg(ORG);
    const actual = after.map((e) => detectorB.scoreOpen(e.input));
    expect(actual.filter(Boolean).length).toBeGreaterThan(0);
    expect(actual).toEqual(expected);
  });

  it('remembers across a restart which windows alerted: again only once a total doubles, one-off windows never', async () => {
    const deleted = (n: number, minute: number) =>
      classified({
        object: 'Contact',
        operation: 'delete',
        recordCount: n,
        occurredAt: at(0, 14, minute),
        actor: { userId: '0055g00000Ag003AAV', sessionId: 'api-1' },
      });
    const browserLogin = (minute: number) =>
      classified({
        kind: 'login',
        operation: 'login',
        occurredAt: at(0, 15, minute),
        actor: { userId: '0055g00000AbCdEAAZ', isIntegration: true },
        details: { loginType: 'Application' },
      });
    const codes = (v: Verdict | null) => v?.reasons.map((r) => r.code) ?? [];

    const first = createStoredDetector(db);
    expect(codes(await first.detector.score(deleted(1_000, 0)))).toEqual(['mass_delete_pii']);
    expect(codes(await first.detector.score(browserLogin(0)))).toEqual(['integration_interactive']);
    await first.flush();

    const restarted = createStoredDetector(db);
    expect(await restarted.detector.score(deleted(500, 1))).toBeNull();
    expect(await restarted.detector.score(browserLogin(5))).toBeNull();
    const doubled = await restarted.detector.score(deleted(500, 2));
    expect(codes(doubled)).toEqual(['mass_delete_pii']);
    expect(doubled?.reasons[0]?.message).toContain('2000 Contact records');
    await restarted.flush();

    const again = createStoredDetector(db);
    expect(await again.detector.score(deleted(1_000, 3))).toBeNull();
    expect(codes(await again.detector.score(deleted(1_000, 4)))).toEqual(['mass_delete_pii']);
  });

  it("merges two replicas' marks of one window: the later until-day, then the larger total", async () => {
    const a = stateStore();
    const b = stateStore();
    const [sa, sb] = [await a.open(ORG), await b.open(ORG)];
    for (const s of [sa, sb]) {
      s.advanceTo(20_400);
      s.add('volume', 's', 20_400, 9, 1);
    }
    sa.noteAlert('mass|s|20400|h:9', 20_402, 4_000);
    sb.noteAlert('mass|s|20400|h:9', 20_402, 1_500);
    sb.noteAlert('mass|s|20400|s:job', 20_402, 6_000);
    sa.noteAlert('mass|s|20400|s:job', 20_402, 3_000);
    sa.noteAlert('vol|s|week', 20_401, 9_000);
    sb.noteAlert('vol|s|week', 20_407, 3_000);
    sb.noteAlert('hour|u|20400|9', 20_402, -1);
    await Promise.all([b.flush(), a.flush()]);
    sa.noteAlert('mass|s|20400|h:9', 20_402, 1_000);
    await a.flush();

    const merged = await stateStore().open(ORG);
    expect(merged.alerted('mass|s|20400|h:9')).toEqual({ untilDay: 20_402, total: 4_000 });
    expect(merged.alerted('mass|s|20400|s:job')).toEqual({ untilDay: 20_402, total: 6_000 });
    expect(merged.alerted('vol|s|week')).toEqual({ untilDay: 20_407, total: 3_000 });
    expect(merged.alerted('hour|u|20400|9')).toEqual({ untilDay: 20_402, total: -1 });
  });

  it('adds up increments from two replicas whatever the order', async () => {
    const a = stateStore();
    const b = stateStore();
    const [sa, sb] = [await a.open(ORG), await b.open(ORG)];
    sa.noteObserved('volume', 20_400);
    sb.noteObserved('volume', 20_399);
    sa.add('volume', 'u|app|Contact|export', 20_400, 9, 300);
    sb.add('volume', 'u|app|Contact|export', 20_400, 9, 450);
    sa.addToSession('u|app|Contact|export|s1', 20_400, 10_000);
    sb.addToSession('u|app|Contact|export|s1', 20_400, 10_000);
    sa.touchToken('u|app', 2_000);
    sb.touchToken('u|app', 1_000);
    sa.addAppScopes('app', ['api']);
    sb.addAppScopes('app', ['api', 'full']);
    await Promise.all([b.flush(), a.flush()]);
    await a.flush();

    const merged = await stateStore().open(ORG);
    expect(merged.hourTotal('volume', 'u|app|Contact|export', 20_400, 9)).toBe(750);
    expect(merged.addToSession('u|app|Contact|export|s1', 20_400, 0)).toBe(20_000);
    expect(merged.tokenLastSeen('u|app')).toBe(2_000);
    expect([...(merged.appScopes('app') ?? [])].sort()).toEqual(['api', 'full']);
    expect(merged.observedSince('volume')).toBe(20_399);
  });

  it('keeps the increments of a failed flush for the next one', async () => {
    let failNext = true;
    const flaky = {
      query: db.query.bind(db),
      exec: db.exec.bind(db),
      transaction: <T>(fn: (tx: Sql) => Promise<T>): Promise<T> =>
        db.transaction(async (tx) => {
          const result = await fn(tx);
          if (failNext) {
            failNext = false;
            throw new Error('connection lost');
          }
          return result;
        }),
    };
    const store = stateStore(flaky);
    const state = await store.open(ORG);
    state.add('volume', 's', 20_400, 9, 100);
    state.noteAlert('mass|s|20400|h:9', 20_402, 1_000);
    await expect(store.flush()).rejects.toThrow('connection lost');
    state.add('volume', 's', 20_400, 9, 50);
    await store.flush();
    const reloaded = await stateStore().open(ORG);
    expect(reloaded.hourTotal('volume', 's', 20_400, 9)).toBe(150);
    expect(reloaded.alerted('mass|s|20400|h:9')).toEqual({ untilDay: 20_402, total: 1_000 });
  });

  it('discards the scoring changes not yet flushed, keeping what was flushed and what reviewers taught', async () => {
    const store = stateStore();
    const state = await store.open(ORG);
    state.advanceTo(20_400);
    state.add('volume', 's', 20_400, 9, 100);
    state.noteAlert('mass|s|20400|h:9', 20_402, 1_000);
    await store.flush();
    state.add('volume', 's', 20_400, 9, 50);
    state.noteAlert('mass|s|20400|h:10', 20_402, 1_000);
    state.addSuppression({
      id: 'fp:2',
      orgId: ORG,
      reasonCodes: ['unusual_hour'],
      actorUserId: 'u',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-02-01T00:00:00.000Z',
    });
    await store.flushLearnt();
    expect(await db.query('SELECT key FROM detect_alert')).toHaveLength(1);
    state.addCanary({ kind: 'marker', value: 'lw-canary@acme-shop.example' });

    await store.discard();
    expect(state.discarded).toBe(true);
    await store.flushLearnt();
    expect(await db.query('SELECT value FROM detect_canary')).toHaveLength(1);
    const reopened = await store.open(ORG);
    expect(reopened).not.toBe(state);
    expect(reopened.hourTotal('volume', 's', 20_400, 9)).toBe(100);
    expect(reopened.alerted('mass|s|20400|h:9')).toEqual({ untilDay: 20_402, total: 1_000 });
    expect(reopened.alerted('mass|s|20400|h:10')).toBeUndefined();
    expect(reopened.suppressions().map((r) => r.id)).toEqual(['fp:2']);
    expect(reopened.canaries().markers).toEqual(['lw-canary@acme-shop.example']);
    await store.flush();
    const reloaded = await stateStore().open(ORG);
    expect(reloaded.hourTotal('volume', 's', 20_400, 9)).toBe(100);
    expect(reloaded.suppressions().map((r) => r.id)).toEqual(['fp:2']);
  });

  it('lifts suppressions in storage too, the later of a lift and a re-add winning', async () => {
    const rule = (id: string) => ({
      id,
      orgId: ORG,
      reasonCodes: ['unusual_hour'],
      actorUserId: 'u',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-02-01T00:00:00.000Z',
    });
    const store = stateStore();
    const state = await store.open(ORG);
    for (const id of ['fp:a', 'fp:b', 'fp:c']) state.addSuppression(rule(id));
    await store.flushLearnt();
    expect(state.liftSuppression('fp:a')).toBe(true);
    state.liftSuppression('fp:b');
    state.addSuppression(rule('fp:b'));
    state.addSuppression(rule('fp:d'));
    expect(state.liftSuppression('fp:d')).toBe(true);
    expect(state.liftSuppression('fp:e')).toBe(false);
    await store.flushLearnt();

    const reloaded = await stateStore().open(ORG);
    expect(
      reloaded
        .suppressions()
        .map((r) => r.id)
        .sort(),
    ).toEqual(['fp:b', 'fp:c']);
  });

  it('keeps a suppression learnt again until the later expiry, whichever replica learns it and in what order', async () => {
    const rule = (expiresAt: string) => ({
      id: 'fp:again',
      orgId: ORG,
      reasonCodes: ['unusual_hour'],
      actorUserId: 'u',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt,
    });
    const a = stateStore();
    const sa = await a.open(ORG);
    sa.addSuppression(rule('2026-02-01T00:00:00.000Z'));
    await a.flushLearnt();
    const b = stateStore();
    const sb = await b.open(ORG);
    sa.addSuppression(rule('2026-03-01T00:00:00.000Z'));
    sb.addSuppression(rule('2026-01-15T00:00:00.000Z'));
    expect(sa.suppressions().map((r) => r.expiresAt)).toEqual(['2026-03-01T00:00:00.000Z']);
    expect(sb.suppressions().map((r) => r.expiresAt)).toEqual(['2026-02-01T00:00:00.000Z']);
    await a.flush();
    await b.flush();

    const reloaded = await stateStore().open(ORG);
    expect(reloaded.suppressions()).toEqual([rule('2026-03-01T00:00:00.000Z')]);
  });

  it('neither loads nor keeps expired suppressions, deleting at most 500 of an org per flush', async () => {
    await db.query(
      `INSERT INTO detect_suppression (id, org_id, reason_codes, actor_user_id, created_at, expires_at)
       SELECT id, $1, '["unusual_hour"]'::jsonb, 'u', '2026-01-01T00:00:00Z'::timestamptz, expires_at::timestamptz
       FROM (SELECT 'fp:old-' || n AS id, '2026-02-01T00:00:00Z' AS expires_at FROM generate_series(1, 501) AS n
             UNION ALL VALUES ('fp:at-now', '2026-03-01T00:00:00Z'), ('fp:live', '2026-03-02T00:00:00Z')) AS rows`,
      [ORG],
    );
    const count = async () => Number((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM detect_suppression'))[0]!.n);

    const store = new SqlStateStore(db, { baselineDays: 30 }, () => Date.parse('2026-03-01T00:00:00.000Z'));
    const state = await store.open(ORG);
    expect(state.suppressions().map((r) => r.id)).toEqual(['fp:live']);
    await store.flush();
    expect(await count()).toBe(3);
    await store.flush();
    const left = await db.query<{ id: string }>('SELECT id FROM detect_suppression');
    expect(left.map((r) => r.id)).toEqual(['fp:live']);
  });

  it('writes only orgs with changes, and prunes an org again only once its latest day moved', async () => {
    const statements: string[] = [];
    const counting = {
      query: <Row>(text: string, params?: unknown[]) => {
        statements.push(text);
        return db.query<Row>(text, params);
      },
      exec: db.exec.bind(db),
    };
    const store = stateStore(counting);
    const state = await store.open(ORG);
    state.advanceTo(20_400);
    state.add('volume', 's', 20_400, 9, 100);
    await store.flush();
    const pruned = (from: number) => statements.slice(from).filter((q) => q.startsWith('DELETE')).length;
    expect(pruned(0)).toBe(4);

    let seen = statements.length;
    await store.flush();
    expect(statements.length).toBe(seen);

    state.add('volume', 's', 20_400, 10, 1);
    await store.flush();
    expect(statements.length).toBeGreaterThan(seen);
    expect(pruned(seen)).toBe(0);

    seen = statements.length;
    state.advanceTo(20_401);
    await store.flush();
    expect(pruned(seen)).toBe(4);
  });

  it('keeps suppressions and canaries, and prunes buckets that left the horizon', async () => {
    const store = stateStore();
    const state = await store.open(ORG);
    state.advanceTo(20_000);
    state.add('activity', 'u', 20_000, 3, 1);
    state.add('activity', 'u', 20_040, 3, 1);
    state.advanceTo(20_040);
    state.noteAlert('expired', 20_037, 5_000);
    state.noteAlert('late', 20_038, 5_000);
    state.addCanary({ kind: 'marker', value: 'lw-canary@acme-shop.example', label: 'canary email' });
    state.addSuppression({
      id: 'fp:1',
      orgId: ORG,
      reasonCodes: ['unusual_hour'],
      actorUserId: 'u',
      createdAt: '2026-01-01T00:00:00.000Z',
      expiresAt: '2026-02-01T00:00:00.000Z',
    });
    await store.flush();

    const reloaded = await stateStore().open(ORG);
    expect(reloaded.suppressions()).toEqual(state.suppressions());
    expect(reloaded.canaries().markers).toEqual(['lw-canary@acme-shop.example']);
    expect(reloaded.hourTotal('activity', 'u', 20_000, 3)).toBe(0);
    expect(reloaded.hourTotal('activity', 'u', 20_040, 3)).toBe(1);
    expect(reloaded.firstDay('activity', 'u')).toBe(20_000);
    const [{ n }] = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM detect_hourly')) as [{ n: number }];
    expect(n).toBe(1);
    expect(reloaded.alerted('expired')).toBeUndefined();
    expect(reloaded.alerted('late')).toEqual({ untilDay: 20_038, total: 5_000 });
    const keys = await db.query<{ key: string }>('SELECT key FROM detect_alert');
    expect(keys.map((r) => r.key)).toEqual(['late']);
  });
});
