import type { Sql } from '../store/store.js';
import type { Metric, Signal, SuppressionRule } from './state.js';

/*
 * The changes a detection state journals for storage, each kind defined once (`CHANGE_KINDS`): its
 * key, and how two changes of one key merge. The same definition folds changes in memory (the state
 * and its journal) and renders the `ON CONFLICT` clause of the upsert, so the two cannot disagree
 * (`test/detect/state-merge.test.ts` replays random changes both ways and compares).
 */

export interface HourlyChange {
  metric: Metric;
  series: string;
  day: number;
  hour: number;
  n: number;
}
interface SeriesStartChange {
  metric: Metric;
  series: string;
  day: number;
}
export interface SessionChange {
  sessionKey: string;
  day: number;
  n: number;
}
/** Scope '' marks the app itself. */
export interface AppScopeChange {
  appId: string;
  scope: string;
}
export interface TokenChange {
  holder: string;
  ms: number;
}
export interface SignalStartChange {
  signal: Signal;
  day: number;
}
export interface AlertChange {
  key: string;
  untilDay: number;
  total: number;
}
/** `value` is a record id's 15-character prefix or a marker value. */
export interface CanaryChange {
  kind: 'record' | 'marker';
  value: string;
  label: string | undefined;
}
/** A lift drops the stored rule first (the later of a lift and a re-add wins); `rule`, if any, is then added. */
export interface SuppressionChange {
  id: string;
  lifted: boolean;
  rule: SuppressionRule | undefined;
}

/** How two values of one field merge: in memory (`merge`) and in SQL (`sql`, undefined keeping the stored value). */
interface Rule<V> {
  merge(older: V, newer: V): V;
  sql(stored: string, incoming: string): string | undefined;
}

const sum: Rule<number> = {
  merge: (a, b) => a + b,
  sql: (s, e) => `${s} + ${e}`,
};
const greatest: Rule<number> = {
  merge: (a, b) => (b > a ? b : a),
  sql: (s, e) => `GREATEST(${s}, ${e})`,
};
const least: Rule<number> = {
  merge: (a, b) => (b < a ? b : a),
  sql: (s, e) => `LEAST(${s}, ${e})`,
};
const first: Rule<unknown> = { merge: (a) => a, sql: () => undefined };
/** The newer value unless it is absent. */
const latestGiven: Rule<unknown> = {
  merge: (a, b) => b ?? a,
  sql: (s, e) => `COALESCE(${e}, ${s})`,
};
/** The later of two ISO timestamps. */
const laterTime: Rule<string> = {
  merge: (a, b) => (Date.parse(b) > Date.parse(a) ? b : a),
  sql: (s, e) => `GREATEST(${s}, ${e})`,
};

interface Column<C> {
  prop: keyof C & string;
  name: string;
  rule?: Rule<unknown>;
  json?: boolean;
}

function column<C>(prop: keyof C & string, name: string = prop, rule?: Rule<unknown>, json = false): Column<C> {
  return { prop, name, rule, json };
}

/** A table of changes: `org_id` and the key columns identify a row; the value columns merge. */
interface TableSpec<C> {
  name: string;
  keys: Column<C>[];
  /** The key columns joined, when a helper spells it out (states call it on the hot path). */
  key?: (change: C) => string;
  values: Column<C>[];
  /** 'each column' merges each value by its rule; 'greatest row' keeps the greater values, compared in order. */
  merge?: 'each column' | 'greatest row';
}

/** One kind of change: how to key it, fold two of one key, and upsert a batch of them. */
interface ChangeKind<C> {
  /** What reviewers taught (written by `flushLearnt` too), rather than a scoring change. */
  readonly learnt: boolean;
  key(change: C): string;
  /** Each value's merge, by field (for 'each column' kinds): what `fold` applies, for states that keep bare values. */
  readonly merge: { readonly [P in keyof C]?: (older: C[P], newer: C[P]) => C[P] };
  /** Folds the newer change's values into the older's, in place; true when the older one changed. */
  fold(older: C, newer: C): boolean;
  /** Writes a batch of changes (one per key) for an org. */
  write(tx: Sql, org: string, changes: Iterable<C>): Promise<void>;
}

const ROWS_PER_STATEMENT = 500;

function keyOf<C>(keys: Column<C>[]): (change: C) => string {
  const props = keys.map((k) => k.prop);
  if (props.length > 4) throw new Error('a change is keyed by at most four columns');
  const [a, b, c, d] = props as [keyof C, (keyof C)?, (keyof C)?, (keyof C)?];
  if (b === undefined) return (x) => `${x[a] as string}`;
  if (c === undefined) return (x) => `${x[a] as string}\u0000${x[b] as string}`;
  if (d === undefined) return (x) => `${x[a] as string}\u0000${x[b] as string}\u0000${x[c] as string}`;
  return (x) => `${x[a] as string}\u0000${x[b] as string}\u0000${x[c] as string}\u0000${x[d] as string}`;
}

function foldOf<C>(spec: TableSpec<C>): (older: C, newer: C) => boolean {
  const { values } = spec;
  if (spec.merge === 'greatest row')
    return (older, newer) => {
      for (const { prop } of values) {
        if (older[prop] === newer[prop]) continue;
        if ((newer[prop] as number) < (older[prop] as number)) return false;
        for (const v of values) older[v.prop] = newer[v.prop];
        return true;
      }
      return false;
    };
  if (values.length === 1) {
    const [{ prop, rule }] = values as [Column<C>];
    const merge = (rule as Rule<unknown>).merge;
    return (older, newer) => {
      const was = older[prop];
      const merged = merge(was, newer[prop]) as C[typeof prop];
      if (merged === was) return false;
      older[prop] = merged;
      return true;
    };
  }
  return (older, newer) => {
    let changed = false;
    for (const { prop, rule } of values) {
      const was = older[prop];
      const merged = (rule as Rule<unknown>).merge(was, newer[prop]) as C[typeof prop];
      if (merged !== was) {
        older[prop] = merged;
        changed = true;
      }
    }
    return changed;
  };
}

function onConflictOf<C>(spec: TableSpec<C>): string {
  const target = `ON CONFLICT (org_id, ${spec.keys.map((k) => k.name).join(', ')})`;
  const stored = (c: Column<C>) => `${spec.name}.${c.name}`;
  const incoming = (c: Column<C>) => `EXCLUDED.${c.name}`;
  const set =
    spec.merge === 'greatest row'
      ? spec.values.map((c) => {
          const newer = `(${spec.values.map(incoming).join(', ')}) > (${spec.values.map(stored).join(', ')})`;
          return `${c.name} = CASE WHEN ${newer} THEN ${incoming(c)} ELSE ${stored(c)} END`;
        })
      : spec.values.flatMap((c) => {
          const merged = (c.rule as Rule<unknown>).sql(stored(c), incoming(c));
          return merged === undefined ? [] : [`${c.name} = ${merged}`];
        });
  return set.length === 0 ? `${target} DO NOTHING` : `${target} DO UPDATE SET ${set.join(', ')}`;
}

function table<C>(spec: TableSpec<C>, learnt = false): ChangeKind<C> {
  const columns = [...spec.keys, ...spec.values];
  const target = `${spec.name} (org_id, ${columns.map((c) => c.name).join(', ')})`;
  const onConflict = onConflictOf(spec);
  const merge: Partial<Record<keyof C, (older: unknown, newer: unknown) => unknown>> = {};
  if (spec.merge !== 'greatest row') for (const c of spec.values) merge[c.prop] = c.rule!.merge;
  return {
    learnt,
    key: spec.key ?? keyOf(spec.keys),
    merge: merge as ChangeKind<C>['merge'],
    fold: foldOf(spec),
    write: (tx, org, changes) =>
      upsert(
        tx,
        target,
        [...changes].map((c) => [org, ...columns.map((col) => (col.json ? JSON.stringify(c[col.prop]) : (c[col.prop] ?? null)))]),
        onConflict,
      ),
  };
}

const suppressionRow = table<SuppressionRule>({
  name: 'detect_suppression',
  keys: [column('id')],
  values: [
    column('reasonCodes', 'reason_codes', first, true),
    column('actorUserId', 'actor_user_id', first),
    column('object', 'object', first),
    column('operation', 'operation', first),
    column('connectedAppId', 'connected_app_id', first),
    column('createdBy', 'created_by', first),
    column('createdAt', 'created_at', first),
    column('expiresAt', 'expires_at', laterTime),
  ],
});

/** A rule learnt again keeps its fields and the later expiry; returns `known` when nothing changed. */
export function mergedRule(known: SuppressionRule, rule: SuppressionRule): SuppressionRule {
  const merged = { ...known };
  return suppressionRow.fold(merged, rule) ? merged : known;
}

const suppression: ChangeKind<SuppressionChange> = {
  learnt: true,
  key: (c) => c.id,
  merge: {},
  fold(older, newer) {
    if (newer.lifted || !older.rule) {
      older.lifted ||= newer.lifted;
      older.rule = newer.rule;
      return true;
    }
    const merged = mergedRule(older.rule, newer.rule!);
    if (merged === older.rule) return false;
    older.rule = merged;
    return true;
  },
  async write(tx, org, changes) {
    const all = [...changes];
    const lifted = all.filter((c) => c.lifted).map((c) => c.id);
    if (lifted.length > 0) await tx.query('DELETE FROM detect_suppression WHERE org_id = $1 AND id = ANY($2::text[])', [org, lifted]);
    await suppressionRow.write(
      tx,
      org,
      all.flatMap((c) => (c.rule ? [c.rule] : [])),
    );
  },
};

/** The key of an hourly bucket: its key columns joined as `keyOf` joins them. */
export function hourlyKey(metric: Metric, series: string, day: number, hour: number): string {
  return `${metric}\u0000${series}\u0000${day}\u0000${hour}`;
}

/** The kinds a journal holds, in the order they are written (a fixed order: replicas lock rows alike). */
export const CHANGE_KINDS = {
  signalStart: table<SignalStartChange>({
    name: 'detect_signal_start',
    keys: [column('signal')],
    values: [column('day', 'first_day', least)],
  }),
  hourly: table<HourlyChange>({
    name: 'detect_hourly',
    keys: [column('metric'), column('series'), column('day'), column('hour')],
    key: (c) => hourlyKey(c.metric, c.series, c.day, c.hour),
    values: [column('n', 'total', sum)],
  }),
  session: table<SessionChange>({
    name: 'detect_session',
    keys: [column('sessionKey', 'session_key')],
    values: [column('day', 'last_day', greatest), column('n', 'total', sum)],
  }),
  appScope: table<AppScopeChange>({
    name: 'detect_app_scope',
    keys: [column('appId', 'app_id'), column('scope')],
    values: [],
  }),
  token: table<TokenChange>({
    name: 'detect_token_holder',
    keys: [column('holder')],
    values: [column('ms', 'last_seen_ms', greatest)],
  }),
  /** A window's mark: the later until-day, then the larger total (a maximum, so replicas converge). */
  alert: table<AlertChange>({
    name: 'detect_alert',
    keys: [column('key')],
    values: [column('untilDay', 'until_day'), column('total')],
    merge: 'greatest row',
  }),
  canary: table<CanaryChange>(
    {
      name: 'detect_canary',
      keys: [column('kind'), column('value')],
      values: [column('label', 'label', latestGiven)],
    },
    true,
  ),
  suppression,
};

/** When each series was first observed: derived from the hourly changes when they are written. */
export const SERIES_START = table<SeriesStartChange>({
  name: 'detect_series_start',
  keys: [column('metric'), column('series')],
  values: [column('day', 'first_day', least)],
});

export type ChangeName = keyof typeof CHANGE_KINDS;
export type ChangeOf<K extends ChangeName> = (typeof CHANGE_KINDS)[K] extends ChangeKind<infer C> ? C : never;

const CHANGE_NAMES = Object.keys(CHANGE_KINDS) as ChangeName[];

/** Changes not yet written to shared storage, one per key and kind; see `SqlStateStore`. */
export type StateChanges = { [K in ChangeName]: Map<string, ChangeOf<K>> };

function kindOf(name: ChangeName): ChangeKind<unknown> {
  return CHANGE_KINDS[name] as ChangeKind<unknown>;
}

/**
 * Folds a change into a map of changes by its key; true when the map changed. The map takes the
 * change (it may keep it and fold later ones into it): pass one nothing else holds.
 */
export function foldInto<C extends object>(kind: ChangeKind<C>, map: Map<string, C>, change: C): boolean {
  const key = kind.key(change);
  const known = map.get(key);
  if (known) return kind.fold(known, change);
  map.set(key, change);
  return true;
}

export function emptyChanges(): StateChanges {
  return {
    signalStart: new Map(),
    hourly: new Map(),
    session: new Map(),
    appScope: new Map(),
    token: new Map(),
    alert: new Map(),
    canary: new Map(),
    suppression: new Map(),
  };
}

/** Each change of `changes`, by kind, in the order they were folded in. */
export function* eachChange(changes: StateChanges): Generator<{ [K in ChangeName]: [K, ChangeOf<K>] }[ChangeName]> {
  for (const name of CHANGE_NAMES) for (const change of changes[name].values()) yield [name, change] as never;
}

/** One journal holding `older`'s changes followed by `newer`'s; `older` is reused. */
export function mergeChanges(older: StateChanges, newer: StateChanges): StateChanges {
  for (const name of CHANGE_NAMES)
    for (const change of newer[name].values()) foldInto(kindOf(name) as ChangeKind<object>, older[name] as Map<string, object>, change);
  return older;
}

/** Moves the learnt kinds (suppressions, canaries) out of a journal into a new one. */
export function takeLearnt(changes: StateChanges): StateChanges {
  const learnt = emptyChanges();
  for (const name of CHANGE_NAMES)
    if (kindOf(name).learnt) {
      (learnt as Record<ChangeName, unknown>)[name] = changes[name];
      (changes as Record<ChangeName, unknown>)[name] = new Map();
    }
  return learnt;
}

export function isEmptyChanges(changes: StateChanges): boolean {
  return CHANGE_NAMES.every((name) => changes[name].size === 0);
}

/** Writes a journal for an org, each kind in `CHANGE_KINDS` order, series starts after the hourly buckets. */
export async function writeChanges(tx: Sql, org: string, changes: StateChanges): Promise<void> {
  for (const name of CHANGE_NAMES) {
    await kindOf(name).write(tx, org, changes[name].values());
    if (name === 'hourly') {
      const starts = new Map<string, SeriesStartChange>();
      for (const { metric, series, day } of changes.hourly.values()) foldInto(SERIES_START, starts, { metric, series, day });
      await SERIES_START.write(tx, org, starts.values());
    }
  }
}

/**
 * Multi-row INSERT … VALUES … <conflict clause>, a few hundred rows per statement.
 * Rows go in key order, so replicas flushing overlapping rows lock them in the
 * same order and cannot deadlock.
 */
async function upsert(tx: Sql, target: string, rows: unknown[][], onConflict: string): Promise<void> {
  const ordered = rows.sort(compareRows);
  for (let i = 0; i < ordered.length; i += ROWS_PER_STATEMENT) {
    const chunk = ordered.slice(i, i + ROWS_PER_STATEMENT);
    const params: unknown[] = [];
    const values = chunk.map((row) => `(${row.map((v) => `$${params.push(v)}`).join(', ')})`).join(', ');
    await tx.query(`INSERT INTO ${target} VALUES ${values} ${onConflict}`, params);
  }
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
