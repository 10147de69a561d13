import type { Sql } from '../store/store.js';
import type { DetectionConfig } from './config.js';
import { isEmptyChanges, mergeChanges, MemoryDetectionState, type StateChanges } from './memory-state.js';
import type { StateSource } from './state-source.js';
import type { Metric, Signal, SuppressionRule } from './state.js';

/** A SQL database as the state store needs it: the service's `Store` fits, PGlite and `pg` both back it. */
export interface SqlExecutor extends Sql {
  transaction?<T>(fn: (tx: Sql) => Promise<T>): Promise<T>;
}

const ROWS_PER_STATEMENT = 500;
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
 * commutative upserts (`total = total + EXCLUDED.total`, set unions, maxima;
 * alert marks keep the later `until_day`, then the larger total; a suppression learnt
 * again keeps the later `expires_at`).
 *
 * With several replicas on one PostgreSQL database, increments from every
 * replica add up in storage whatever their order. A replica sees the others'
 * increments when it re-opens an org (`release` then open again), so orgs are
 * best scored by one replica at a time (work partitioned by org); if two score
 * one org at once, stored totals stay exact and only each replica's in-memory
 * view lags until it re-opens.
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

  /** Writes every open org's pending changes and prunes what fell out of the horizon. */
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
        this.carry(orgId, loaded.value.discard());
      });
    });
  }

  /** Flushes and forgets an org, so the next open reads what every replica has written. */
  async release(orgId: string): Promise<void> {
    await this.flush();
    this.open_.delete(orgId);
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async writeAll(what: 'all' | 'learnt'): Promise<void> {
    for (const [orgId, carried] of this.carried) {
      if (carried.written || this.open_.has(orgId)) continue;
      await this.inTransaction((tx) => this.write(tx, orgId, carried.changes, undefined));
      carried.written = true;
    }
    for (const pending of this.open_.values()) {
      const state = await pending;
      const changes = what === 'all' ? state.takeChanges() : state.takeLearnt();
      if (what === 'learnt' && isEmptyChanges(changes)) continue;
      try {
        await this.inTransaction((tx) =>
          this.write(tx, state.orgId, changes, what === 'all' ? state.latestDay() : undefined),
        );
      } catch (err) {
        state.restoreChanges(changes);
        throw err;
      }
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
    for (const r of await sql.query<{ signal: Signal; first_day: number }>(
      'SELECT signal, first_day FROM detect_signal_start WHERE org_id = $1',
      [orgId],
    ))
      state.applyObserved(r.signal, Number(r.first_day));
    const [latest] = await sql.query<{ day: number | null }>(
      'SELECT max(day) AS day FROM detect_hourly WHERE org_id = $1',
      [orgId],
    );
    if (latest?.day !== null && latest?.day !== undefined) {
      const newest = Number(latest.day);
      state.applyLatestDay(newest);
      const hourly = await sql.query<{ metric: Metric; series: string; day: number; hour: number; total: number }>(
        'SELECT metric, series, day, hour, total FROM detect_hourly WHERE org_id = $1 AND day >= $2 ORDER BY day',
        [orgId, newest - this.retainDays()],
      );
      for (const r of hourly) state.apply(r.metric, r.series, Number(r.day), Number(r.hour), Number(r.total));
      const starts = await sql.query<{ metric: Metric; series: string; first_day: number }>(
        'SELECT metric, series, first_day FROM detect_series_start WHERE org_id = $1',
        [orgId],
      );
      for (const r of starts) state.applyFirstDay(r.metric, r.series, Number(r.first_day));
      const sessions = await sql.query<{ session_key: string; last_day: number; total: number }>(
        'SELECT session_key, last_day, total FROM detect_session WHERE org_id = $1 AND last_day >= $2',
        [orgId, newest - SESSION_DAYS],
      );
      for (const r of sessions) state.applySession(r.session_key, Number(r.last_day), Number(r.total));
      const alerts = await sql.query<{ key: string; until_day: number; total: number }>(
        'SELECT key, until_day, total FROM detect_alert WHERE org_id = $1 AND until_day >= $2',
        [orgId, newest - ALERT_GRACE_DAYS],
      );
      for (const r of alerts) state.applyAlert(r.key, Number(r.until_day), Number(r.total));
    }
    for (const r of await sql.query<{ app_id: string; scope: string }>(
      'SELECT app_id, scope FROM detect_app_scope WHERE org_id = $1',
      [orgId],
    ))
      state.applyAppScope(r.app_id, r.scope);
    for (const r of await sql.query<{ holder: string; last_seen_ms: number }>(
      'SELECT holder, last_seen_ms FROM detect_token_holder WHERE org_id = $1',
      [orgId],
    ))
      state.applyToken(r.holder, Number(r.last_seen_ms));
    for (const r of await sql.query<{ kind: 'record' | 'marker'; value: string; label: string | null }>(
      'SELECT kind, value, label FROM detect_canary WHERE org_id = $1',
      [orgId],
    ))
      state.applyCanary(
        r.kind === 'record'
          ? { kind: 'record', recordId: r.value, label: r.label ?? undefined }
          : { kind: 'marker', value: r.value, label: r.label ?? undefined },
      );
    for (const r of await sql.query<SuppressionRow>(
      'SELECT * FROM detect_suppression WHERE org_id = $1 AND expires_at > $2',
      [orgId, new Date(this.now()).toISOString()],
    ))
      state.applySuppression(suppressionOf(r));
    const carried = this.carried.get(orgId);
    if (carried) {
      this.carried.delete(orgId);
      for (const canary of carried.changes.canaries) state.addCanary(canary);
      for (const rule of carried.changes.suppressions) state.addSuppression(rule);
      for (const id of carried.changes.liftedSuppressions) state.liftSuppression(id);
    }
    return state;
  }

  /**
   * Writes one org's changes and prunes its expired suppressions; `newest` (the org's latest day) also
   * prunes what left the horizon.
   */
  private async write(tx: Sql, org: string, c: StateChanges, newest: number | undefined): Promise<void> {
    await upsert(
      tx,
      'detect_signal_start (org_id, signal, first_day)',
      [...c.signalStarts].map(([signal, day]) => [org, signal, day]),
      'ON CONFLICT (org_id, signal) DO UPDATE SET first_day = LEAST(detect_signal_start.first_day, EXCLUDED.first_day)',
    );
    const hourly = [...c.hourly.values()];
    await upsert(
      tx,
      'detect_hourly (org_id, metric, series, day, hour, total)',
      hourly.map((h) => [org, h.metric, h.series, h.day, h.hour, h.n]),
      'ON CONFLICT (org_id, metric, series, day, hour) DO UPDATE SET total = detect_hourly.total + EXCLUDED.total',
    );
    const starts = new Map<string, [string, Metric, string, number]>();
    for (const h of hourly) {
      const key = `${h.metric}\u0000${h.series}`;
      const known = starts.get(key);
      if (!known || h.day < known[3]) starts.set(key, [org, h.metric, h.series, h.day]);
    }
    await upsert(
      tx,
      'detect_series_start (org_id, metric, series, first_day)',
      [...starts.values()],
      'ON CONFLICT (org_id, metric, series) DO UPDATE SET first_day = LEAST(detect_series_start.first_day, EXCLUDED.first_day)',
    );
    await upsert(
      tx,
      'detect_session (org_id, session_key, last_day, total)',
      [...c.sessions.values()].map((s) => [org, s.sessionKey, s.day, s.n]),
      'ON CONFLICT (org_id, session_key) DO UPDATE SET total = detect_session.total + EXCLUDED.total, last_day = GREATEST(detect_session.last_day, EXCLUDED.last_day)',
    );
    await upsert(
      tx,
      'detect_app_scope (org_id, app_id, scope)',
      [...c.appScopes.values()].map((a) => [org, a.appId, a.scope]),
      'ON CONFLICT DO NOTHING',
    );
    await upsert(
      tx,
      'detect_token_holder (org_id, holder, last_seen_ms)',
      [...c.tokens].map(([holder, ms]) => [org, holder, ms]),
      'ON CONFLICT (org_id, holder) DO UPDATE SET last_seen_ms = GREATEST(detect_token_holder.last_seen_ms, EXCLUDED.last_seen_ms)',
    );
    await upsert(
      tx,
      'detect_alert (org_id, key, until_day, total)',
      [...c.alerts].map(([key, mark]) => [org, key, mark.untilDay, mark.total]),
      `ON CONFLICT (org_id, key) DO UPDATE SET
         until_day = GREATEST(detect_alert.until_day, EXCLUDED.until_day),
         total = CASE
           WHEN EXCLUDED.until_day > detect_alert.until_day THEN EXCLUDED.total
           WHEN EXCLUDED.until_day < detect_alert.until_day THEN detect_alert.total
           ELSE GREATEST(detect_alert.total, EXCLUDED.total)
         END`,
    );
    await upsert(
      tx,
      'detect_canary (org_id, kind, value, label)',
      dedupe(
        c.canaries.map((k) =>
          k.kind === 'record'
            ? [org, 'record', k.recordId.slice(0, 15), k.label ?? null]
            : [org, 'marker', k.value, k.label ?? null],
        ),
      ),
      'ON CONFLICT DO NOTHING',
    );
    if (c.liftedSuppressions.size > 0)
      await tx.query('DELETE FROM detect_suppression WHERE org_id = $1 AND id = ANY($2::text[])', [org, [...c.liftedSuppressions]]);
    for (const r of c.suppressions)
      await tx.query(
        `INSERT INTO detect_suppression (id, org_id, reason_codes, actor_user_id, object, operation, connected_app_id, created_by, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (org_id, id) DO UPDATE SET expires_at = GREATEST(detect_suppression.expires_at, EXCLUDED.expires_at)`,
        [
          r.id,
          org,
          JSON.stringify(r.reasonCodes),
          r.actorUserId ?? null,
          r.object ?? null,
          r.operation ?? null,
          r.connectedAppId ?? null,
          r.createdBy ?? null,
          r.createdAt,
          r.expiresAt,
        ],
      );
    // The expiry is checked again on each row deleted, so a rule another replica extends meanwhile stays.
    await tx.query(
      `DELETE FROM detect_suppression WHERE org_id = $1 AND expires_at <= $2 AND id IN (
         SELECT id FROM detect_suppression WHERE org_id = $1 AND expires_at <= $2 ORDER BY id LIMIT ${EXPIRED_SUPPRESSIONS_PER_FLUSH})`,
      [org, new Date(this.now()).toISOString()],
    );
    if (newest !== undefined) {
      await tx.query('DELETE FROM detect_hourly WHERE org_id = $1 AND day < $2', [org, newest - this.retainDays()]);
      await tx.query('DELETE FROM detect_session WHERE org_id = $1 AND last_day < $2', [org, newest - SESSION_DAYS]);
      await tx.query('DELETE FROM detect_alert WHERE org_id = $1 AND until_day < $2', [org, newest - ALERT_GRACE_DAYS]);
    }
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

/**
 * Multi-row INSERT … VALUES … <conflict clause>, a few hundred rows per statement.
 * Rows go in key order, so replicas flushing overlapping rows lock them in the
 * same order and cannot deadlock.
 */
async function upsert(tx: Sql, target: string, rows: unknown[][], onConflict: string): Promise<void> {
  const ordered = [...rows].sort(compareRows);
  for (let i = 0; i < ordered.length; i += ROWS_PER_STATEMENT) {
    const chunk = ordered.slice(i, i + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const values = chunk.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`).join(', ');
    await tx.query(`INSERT INTO ${target} VALUES ${values} ${onConflict}`, params);
  }
}

function dedupe(rows: unknown[][]): unknown[][] {
  const seen = new Map<string, unknown[]>();
  for (const row of rows) seen.set(JSON.stringify(row.slice(0, 3)), row);
  return [...seen.values()];
}

function compareRows(a: unknown[], b: unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}
