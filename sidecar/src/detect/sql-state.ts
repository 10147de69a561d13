import type { Sql } from '../store/store.js';
import type { DetectionConfig } from './config.js';
import { MemoryDetectionState } from './memory-state.js';
import { isEmptyChanges, mergeChanges, writeChanges, type StateChanges } from './state-changes.js';
import type { StateSource } from './state-source.js';
import type { Metric, Signal, SuppressionRule } from './state.js';

/** A SQL database as the state store needs it: the service's `Store` fits, PGlite and `pg` both back it. */
export interface SqlExecutor extends Sql {
  transaction?<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

/** Sessions idle this many days are not loaded and are pruned. */
const SESSION_DAYS = 2;
/** Alert marks expired this many days are still loaded (for late events), then pruned. */
const ALERT_GRACE_DAYS = 2;
/** Expired suppressions deleted per org and flush: enough for any pace of feedback, and one short statement. */
const EXPIRED_SUPPRESSIONS_PER_FLUSH = 500;

/**
 * Detection state in SQL (migrations 020 and 021), scored in memory: an org's state is
 * loaded once into a journalled `MemoryDetectionState`, events are scored
 * synchronously against it, and `flush()` writes the journal in batches as
 * upserts that merge each change as `CHANGE_KINDS` (`state-changes.ts`) merges it
 * in memory: sums, set unions, maxima and minima, which commute.
 *
 * With several replicas on one PostgreSQL database, increments from every
 * replica add up in storage whatever their order. A replica reads the others'
 * increments only when it loads an org again (after `discard`, or a restart), so
 * orgs are best scored by one replica at a time (work partitioned by org); if two
 * score one org at once, stored totals stay exact and only each replica's
 * in-memory view lags.
 *
 * `flush`, `flushLearnt` and `discard` run one at a time, in the order called, so
 * a flush that resolves has written every change made before it was called, and
 * a discard never races a flush that is writing.
 */
export class SqlStateStore implements StateSource {
  private readonly open_ = new Map<string, Promise<MemoryDetectionState>>();
  /**
   * What reviewers taught about orgs whose state was discarded before it was written: written by
   * the next flush, and taught again to the org's state when it is next opened.
   */
  private readonly carried = new Map<string, { changes: StateChanges; written: boolean }>();
  /** Per open org, the latest day its horizon was pruned for, and whether expired suppressions are left. */
  private readonly pruned = new Map<string, { day: number | undefined; expiredLeft: boolean }>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly sql: SqlExecutor,
    private readonly config: Pick<DetectionConfig, 'baselineDays'>,
    /** Wall clock: suppressions expired by it are neither loaded nor kept (the detector's `now`). */
    private readonly now: () => number = Date.now,
  ) {}

  open(orgId: string): Promise<MemoryDetectionState> {
    let pending = this.open_.get(orgId);
    if (!pending) {
      pending = this.load(orgId);
      this.open_.set(orgId, pending);
      pending.catch(() => this.open_.delete(orgId));
    }
    return pending;
  }

  /**
   * Writes every open org's pending changes and, when its latest day moved since (or expired
   * suppressions are left), prunes what fell out of the horizon.
   */
  flush(): Promise<void> {
    return this.serially(() => this.writeAll('all'));
  }

  /**
   * Writes only what reviewers taught (suppressions, canaries), none of the scoring changes: safe
   * to call while the outcomes of scored events are not recorded yet.
   */
  flushLearnt(): Promise<void> {
    return this.serially(() => this.writeAll('learnt'));
  }

  /**
   * Rolls the in-memory state back to what was last flushed: every open org's state is dropped
   * with its unwritten scoring changes, and the next open reads it again from storage. What
   * reviewers taught and was not written yet is kept (see `carried`).
   */
  discard(): Promise<void> {
    return this.serially(async () => {
      const open = [...this.open_];
      const settled = await Promise.allSettled(open.map(([, pending]) => pending));
      open.forEach(([orgId, pending], i) => {
        const loaded = settled[i]!;
        if (loaded.status === 'rejected' || this.open_.get(orgId) !== pending) return;
        this.open_.delete(orgId);
        this.pruned.delete(orgId);
        this.carry(orgId, loaded.value.discard());
      });
    });
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeAll(what: 'all' | 'learnt'): Promise<void> {
    for (const [orgId, carried] of this.carried) {
      if (carried.written || this.open_.has(orgId)) continue;
      await this.inTransaction((tx) => writeChanges(tx, orgId, carried.changes));
      carried.written = true;
    }
    for (const [orgId, pending] of this.open_) {
      const state = await pending;
      const changes = what === 'all' ? state.takeChanges() : state.takeLearnt();
      const newest = state.latestDay();
      const pruned = this.pruned.get(orgId);
      const prune = what === 'all' && (!pruned || pruned.expiredLeft || pruned.day !== newest);
      if (!prune && isEmptyChanges(changes)) continue;
      let expiredLeft = false;
      try {
        await this.inTransaction(async (tx) => {
          await writeChanges(tx, orgId, changes);
          if (prune) expiredLeft = await this.prune(tx, orgId, newest);
        });
      } catch (err) {
        state.restoreChanges(changes);
        throw err;
      }
      if (prune) this.pruned.set(orgId, { day: newest, expiredLeft });
    }
  }

  private carry(orgId: string, learnt: StateChanges): void {
    if (isEmptyChanges(learnt)) return;
    const earlier = this.carried.get(orgId);
    this.carried.set(orgId, { changes: earlier ? mergeChanges(earlier.changes, learnt) : learnt, written: false });
  }

  private retainDays(): number {
    return this.config.baselineDays + 1;
  }

  private async load(orgId: string): Promise<MemoryDetectionState> {
    const state = new MemoryDetectionState(orgId, { retainDays: this.retainDays(), journal: true });
    const sql = this.sql;
    for (const r of await sql.query<{ signal: Signal; first_day: number }>('SELECT signal, first_day FROM detect_signal_start WHERE org_id = $1', [orgId]))
      state.apply('signalStart', { signal: r.signal, day: Number(r.first_day) });
    const [latest] = await sql.query<{ day: number | null }>('SELECT max(day) AS day FROM detect_hourly WHERE org_id = $1', [orgId]);
    if (latest?.day !== null && latest?.day !== undefined) {
      const newest = Number(latest.day);
      state.applyLatestDay(newest);
      const hourly = await sql.query<{ metric: Metric; series: string; day: number; hour: number; total: number }>(
        'SELECT metric, series, day, hour, total FROM detect_hourly WHERE org_id = $1 AND day >= $2 ORDER BY day',
        [orgId, newest - this.retainDays()],
      );
      for (const r of hourly)
        state.apply('hourly', {
          metric: r.metric,
          series: r.series,
          day: Number(r.day),
          hour: Number(r.hour),
          n: Number(r.total),
        });
      const starts = await sql.query<{ metric: Metric; series: string; first_day: number }>(
        'SELECT metric, series, first_day FROM detect_series_start WHERE org_id = $1',
        [orgId],
      );
      for (const r of starts) state.applyFirstDay(r.metric, r.series, Number(r.first_day));
      const sessions = await sql.query<{ session_key: string; last_day: number; total: number }>(
        'SELECT session_key, last_day, total FROM detect_session WHERE org_id = $1 AND last_day >= $2',
        [orgId, newest - SESSION_DAYS],
      );
      for (const r of sessions) state.apply('session', { sessionKey: r.session_key, day: Number(r.last_day), n: Number(r.total) });
      const alerts = await sql.query<{ key: string; until_day: number; total: number }>(
        'SELECT key, until_day, total FROM detect_alert WHERE org_id = $1 AND until_day >= $2',
        [orgId, newest - ALERT_GRACE_DAYS],
      );
      for (const r of alerts) state.apply('alert', { key: r.key, untilDay: Number(r.until_day), total: Number(r.total) });
    }
    for (const r of await sql.query<{ app_id: string; scope: string }>('SELECT app_id, scope FROM detect_app_scope WHERE org_id = $1', [orgId]))
      state.apply('appScope', { appId: r.app_id, scope: r.scope });
    for (const r of await sql.query<{ holder: string; last_seen_ms: number }>('SELECT holder, last_seen_ms FROM detect_token_holder WHERE org_id = $1', [
      orgId,
    ]))
      state.apply('token', { holder: r.holder, ms: Number(r.last_seen_ms) });
    for (const r of await sql.query<{ kind: 'record' | 'marker'; value: string; label: string | null }>(
      'SELECT kind, value, label FROM detect_canary WHERE org_id = $1',
      [orgId],
    ))
      state.apply('canary', { kind: r.kind, value: r.value, label: r.label ?? undefined });
    for (const r of await sql.query<SuppressionRow>('SELECT * FROM detect_suppression WHERE org_id = $1 AND expires_at > $2', [
      orgId,
      new Date(this.now()).toISOString(),
    ]))
      state.apply('suppression', { id: r.id, lifted: false, rule: suppressionOf(r) });
    const carried = this.carried.get(orgId);
    if (carried) {
      this.carried.delete(orgId);
      state.recordAll(carried.changes);
    }
    return state;
  }

  /**
   * Deletes an org's expired suppressions (a bounded number: true when some may be left) and, given its
   * latest day, what left the horizon.
   */
  private async prune(tx: Sql, org: string, newest: number | undefined): Promise<boolean> {
    // The expiry is checked again on each row deleted, so a rule another replica extends meanwhile stays.
    const expired = await tx.query(
      `DELETE FROM detect_suppression WHERE org_id = $1 AND expires_at <= $2 AND id IN (
         SELECT id FROM detect_suppression WHERE org_id = $1 AND expires_at <= $2 ORDER BY id LIMIT ${EXPIRED_SUPPRESSIONS_PER_FLUSH})
       RETURNING id`,
      [org, new Date(this.now()).toISOString()],
    );
    if (newest !== undefined) {
      await tx.query('DELETE FROM detect_hourly WHERE org_id = $1 AND day < $2', [org, newest - this.retainDays()]);
      await tx.query('DELETE FROM detect_session WHERE org_id = $1 AND last_day < $2', [org, newest - SESSION_DAYS]);
      await tx.query('DELETE FROM detect_alert WHERE org_id = $1 AND until_day < $2', [org, newest - ALERT_GRACE_DAYS]);
    }
    return expired.length === EXPIRED_SUPPRESSIONS_PER_FLUSH;
  }

  private inTransaction(fn: (tx: Sql) => Promise<void>): Promise<void> {
    return this.sql.transaction ? this.sql.transaction(fn) : fn(this.sql);
  }
}

interface SuppressionRow {
  id: string;
  org_id: string;
  reason_codes: string[] | string;
  actor_user_id: string | null;
  object: string | null;
  operation: string | null;
  connected_app_id: string | null;
  created_by: string | null;
  created_at: Date | string;
  expires_at: Date | string;
}

function suppressionOf(r: SuppressionRow): SuppressionRule {
  return {
    id: r.id,
    orgId: r.org_id,
    reasonCodes: typeof r.reason_codes === 'string' ? (JSON.parse(r.reason_codes) as string[]) : r.reason_codes,
    actorUserId: r.actor_user_id ?? undefined,
    object: r.object ?? undefined,
    operation: r.operation ?? undefined,
    connectedAppId: r.connected_app_id ?? undefined,
    createdBy: r.created_by ?? undefined,
    createdAt: new Date(r.created_at).toISOString(),
    expiresAt: new Date(r.expires_at).toISOString(),
  };
}
