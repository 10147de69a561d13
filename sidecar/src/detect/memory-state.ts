import { HourlySeries } from './hourly-series.js';
import {
  laterMark,
  type AlertMark,
  type Canary,
  type CanaryRegistry,
  type DetectionState,
  type Metric,
  type Signal,
  type SuppressionRule,
} from './state.js';

/** Increments not yet written to shared storage; see `SqlStateStore`. */
export interface StateChanges {
  hourly: Map<string, { metric: Metric; series: string; day: number; hour: number; n: number }>;
  sessions: Map<string, { sessionKey: string; day: number; n: number }>;
  appScopes: Map<string, { appId: string; scope: string }>;
  tokens: Map<string, number>;
  signalStarts: Map<Signal, number>;
  alerts: Map<string, AlertMark>;
  canaries: Canary[];
  suppressions: SuppressionRule[];
  /** Ids of suppressions lifted (never also among `suppressions`: the later change wins). */
  liftedSuppressions: Set<string>;
}

export interface MemoryStateOptions {
  /** Days of hourly buckets to keep (the baseline horizon plus the current day). */
  retainDays: number;
  /** Record changes for a later flush to shared storage. */
  journal?: boolean;
}

/** Sessions older than this many days are forgotten. */
const SESSION_RETAIN_DAYS = 2;

export function emptyChanges(): StateChanges {
  return {
    hourly: new Map(),
    sessions: new Map(),
    appScopes: new Map(),
    tokens: new Map(),
    signalStarts: new Map(),
    alerts: new Map(),
    canaries: [],
    suppressions: [],
    liftedSuppressions: new Set(),
  };
}

/** The detection state held in process memory: synchronous, and optionally journalled for a flush. */
export class MemoryDetectionState implements DetectionState {
  private readonly series: Record<Metric, Map<string, HourlySeries>> = { volume: new Map(), activity: new Map() };
  private readonly sessions = new Map<string, { day: number; total: number }>();
  private readonly apps = new Map<string, Set<string>>();
  private readonly tokens = new Map<string, number>();
  private readonly canaryRecordIds = new Set<string>();
  private readonly canaryMarkers: string[] = [];
  private readonly canaryLabels = new Map<string, string>();
  private readonly rules: SuppressionRule[] = [];
  private readonly starts = new Map<Signal, number>();
  private readonly alerts = new Map<string, AlertMark>();
  private newestDay = -Infinity;
  private changes: StateChanges | undefined;
  private discarded_ = false;

  constructor(
    readonly orgId: string,
    private readonly options: MemoryStateOptions,
  ) {
    if (options.journal) this.changes = emptyChanges();
  }

  add(metric: Metric, series: string, day: number, hour: number, n: number): void {
    this.apply(metric, series, day, hour, n);
    if (this.changes) {
      const key = `${metric}\u0000${series}\u0000${day}\u0000${hour}`;
      const pending = this.changes.hourly.get(key);
      if (pending) pending.n += n;
      else this.changes.hourly.set(key, { metric, series, day, hour, n });
    }
  }

  /** Applies an increment without journalling it (used when loading from storage). */
  apply(metric: Metric, series: string, day: number, hour: number, n: number): void {
    const map = this.series[metric];
    let s = map.get(series);
    if (!s) {
      s = new HourlySeries();
      map.set(series, s);
    }
    const isNewDay = !s.days.has(day);
    s.add(day, hour, n);
    if (isNewDay) s.dropBefore(day - this.options.retainDays);
  }

  hourTotal(metric: Metric, series: string, day: number, hour: number): number {
    return this.series[metric].get(series)?.hour(day, hour) ?? 0;
  }

  dayTotal(metric: Metric, series: string, day: number): number {
    return this.series[metric].get(series)?.day(day) ?? 0;
  }

  firstDay(metric: Metric, series: string): number | undefined {
    return this.series[metric].get(series)?.firstDay;
  }

  /** Marks when a series began without adding volume (used when loading from storage). */
  applyFirstDay(metric: Metric, series: string, day: number): void {
    const s = this.series[metric].get(series);
    if (s && (s.firstDay === undefined || day < s.firstDay)) s.firstDay = day;
  }

  addToSession(sessionKey: string, day: number, n: number): number {
    const total = this.applySession(sessionKey, day, n);
    if (this.changes) {
      const pending = this.changes.sessions.get(sessionKey);
      if (pending) {
        pending.n += n;
        pending.day = Math.max(pending.day, day);
      } else this.changes.sessions.set(sessionKey, { sessionKey, day, n });
    }
    return total;
  }

  applySession(sessionKey: string, day: number, n: number): number {
    const s = this.sessions.get(sessionKey);
    if (s) {
      s.total += n;
      s.day = Math.max(s.day, day);
      return s.total;
    }
    this.sessions.set(sessionKey, { day, total: n });
    return n;
  }

  appScopes(appId: string): ReadonlySet<string> | undefined {
    return this.apps.get(appId);
  }

  addAppScopes(appId: string, scopes: readonly string[]): void {
    let known = this.apps.get(appId);
    if (!known) {
      known = new Set();
      this.apps.set(appId, known);
      this.changes?.appScopes.set(`${appId}\u0000`, { appId, scope: '' });
    }
    for (const scope of scopes) {
      if (known.has(scope)) continue;
      known.add(scope);
      this.changes?.appScopes.set(`${appId}\u0000${scope}`, { appId, scope });
    }
  }

  applyAppScope(appId: string, scope: string): void {
    let known = this.apps.get(appId);
    if (!known) {
      known = new Set();
      this.apps.set(appId, known);
    }
    if (scope) known.add(scope);
  }

  tokenLastSeen(holder: string): number | undefined {
    return this.tokens.get(holder);
  }

  touchToken(holder: string, ms: number): void {
    const previous = this.tokens.get(holder);
    if (previous !== undefined && previous >= ms) return;
    this.tokens.set(holder, ms);
    this.changes?.tokens.set(holder, ms);
  }

  applyToken(holder: string, ms: number): void {
    const previous = this.tokens.get(holder);
    if (previous === undefined || ms > previous) this.tokens.set(holder, ms);
  }

  observedSince(signal: Signal): number | undefined {
    return this.starts.get(signal);
  }

  noteObserved(signal: Signal, day: number): void {
    if (this.applyObserved(signal, day)) this.changes?.signalStarts.set(signal, day);
  }

  /** Lowers a signal's start without journalling it; true when it changed. */
  applyObserved(signal: Signal, day: number): boolean {
    const known = this.starts.get(signal);
    if (known !== undefined && known <= day) return false;
    this.starts.set(signal, day);
    return true;
  }

  /** The latest event day seen. */
  latestDay(): number | undefined {
    return Number.isFinite(this.newestDay) ? this.newestDay : undefined;
  }

  advanceTo(day: number): void {
    if (day > this.newestDay) {
      this.newestDay = day;
      this.forgetBefore(day);
    }
  }

  /** Drops sessions, buckets and whole series that fell out of the horizon, once per new day. */
  private forgetBefore(day: number): void {
    for (const [key, s] of this.sessions) if (s.day < day - SESSION_RETAIN_DAYS) this.sessions.delete(key);
    for (const map of Object.values(this.series)) {
      for (const [key, s] of map) {
        s.dropBefore(day - this.options.retainDays);
        if (s.days.size === 0) map.delete(key);
      }
    }
  }

  applyLatestDay(day: number): void {
    if (day > this.newestDay) this.newestDay = day;
  }

  alerted(key: string): AlertMark | undefined {
    return this.alerts.get(key);
  }

  noteAlert(key: string, untilDay: number, total: number): void {
    const mark = { untilDay, total };
    this.alerts.set(key, mark);
    if (this.changes) {
      const pending = this.changes.alerts.get(key);
      this.changes.alerts.set(key, pending ? laterMark(pending, mark) : mark);
    }
  }

  /** Remembers a window's alert without journalling it (used when loading from storage). */
  applyAlert(key: string, untilDay: number, total: number): void {
    this.alerts.set(key, { untilDay, total });
  }

  forgetAlertsBefore(day: number): void {
    for (const [key, mark] of this.alerts) if (mark.untilDay < day) this.alerts.delete(key);
  }

  canaries(): CanaryRegistry {
    return { recordIds: this.canaryRecordIds, markers: this.canaryMarkers, labels: this.canaryLabels };
  }

  addCanary(canary: Canary): void {
    this.applyCanary(canary);
    this.changes?.canaries.push(canary);
  }

  applyCanary(canary: Canary): void {
    const key = canary.kind === 'record' ? canary.recordId.slice(0, 15) : canary.value;
    if (canary.kind === 'record') this.canaryRecordIds.add(key);
    else if (!this.canaryMarkers.includes(key)) this.canaryMarkers.push(key);
    if (canary.label) this.canaryLabels.set(key, canary.label);
  }

  suppressions(): readonly SuppressionRule[] {
    return this.rules;
  }

  addSuppression(rule: SuppressionRule): void {
    this.applySuppression(rule);
    if (this.changes) {
      this.changes.liftedSuppressions.delete(rule.id);
      this.changes.suppressions.push(rule);
    }
  }

  liftSuppression(id: string): boolean {
    const i = this.rules.findIndex((r) => r.id === id);
    if (i >= 0) this.rules.splice(i, 1);
    if (this.changes) {
      this.changes.suppressions = this.changes.suppressions.filter((r) => r.id !== id);
      this.changes.liftedSuppressions.add(id);
    }
    return i >= 0;
  }

  /** Adds a rule without journalling it; a rule learnt again keeps the later expiry (as storage does). */
  applySuppression(rule: SuppressionRule): void {
    const i = this.rules.findIndex((r) => r.id === rule.id);
    const known = this.rules[i];
    if (!known) this.rules.push(rule);
    else if (Date.parse(rule.expiresAt) > Date.parse(known.expiresAt))
      this.rules[i] = { ...known, expiresAt: rule.expiresAt };
  }

  forgetExpiredSuppressions(nowMs: number): void {
    for (let i = this.rules.length - 1; i >= 0; i--)
      if (Date.parse(this.rules[i]!.expiresAt) <= nowMs) this.rules.splice(i, 1);
  }

  /** True once `discard` dropped this state: it must not be used again (the org is opened afresh). */
  get discarded(): boolean {
    return this.discarded_;
  }

  /**
   * Hands over what reviewers taught (suppressions added and lifted, canaries) from the journal, leaving the
   * scoring changes in it: they may belong to events whose outcomes are not recorded yet.
   */
  takeLearnt(): StateChanges {
    if (!this.changes) throw new Error('this state keeps no journal');
    const learnt = emptyChanges();
    learnt.suppressions = this.changes.suppressions;
    learnt.liftedSuppressions = this.changes.liftedSuppressions;
    learnt.canaries = this.changes.canaries;
    this.changes.suppressions = [];
    this.changes.liftedSuppressions = new Set();
    this.changes.canaries = [];
    return learnt;
  }

  /**
   * Retires this state and its journal, for a rollback to what storage holds. Returns what
   * reviewers taught that is not written yet, which must outlive it (see `SqlStateStore.discard`).
   */
  discard(): StateChanges {
    const learnt = this.changes ? this.takeLearnt() : emptyChanges();
    this.discarded_ = true;
    if (this.changes) this.changes = emptyChanges();
    return learnt;
  }

  /** Hands over the journalled changes and starts a new journal. */
  takeChanges(): StateChanges {
    if (!this.changes) throw new Error('this state keeps no journal');
    const taken = this.changes;
    this.changes = emptyChanges();
    return taken;
  }

  /** Puts changes back in front of the journal after a failed flush, so nothing is lost. */
  restoreChanges(failed: StateChanges): void {
    if (this.changes) this.changes = mergeChanges(failed, this.changes);
  }
}

/** One journal holding `older`'s changes followed by `newer`'s; `older` is reused. */
export function mergeChanges(older: StateChanges, newer: StateChanges): StateChanges {
  for (const c of newer.hourly.values()) {
    const key = `${c.metric}\u0000${c.series}\u0000${c.day}\u0000${c.hour}`;
    const pending = older.hourly.get(key);
    if (pending) pending.n += c.n;
    else older.hourly.set(key, { ...c });
  }
  for (const s of newer.sessions.values()) {
    const pending = older.sessions.get(s.sessionKey);
    if (pending) {
      pending.n += s.n;
      pending.day = Math.max(pending.day, s.day);
    } else older.sessions.set(s.sessionKey, { ...s });
  }
  for (const [k, v] of newer.appScopes) older.appScopes.set(k, v);
  for (const [k, v] of newer.tokens) older.tokens.set(k, Math.max(v, older.tokens.get(k) ?? v));
  for (const [signal, day] of newer.signalStarts)
    older.signalStarts.set(signal, Math.min(day, older.signalStarts.get(signal) ?? day));
  for (const [key, mark] of newer.alerts) {
    const pending = older.alerts.get(key);
    older.alerts.set(key, pending ? laterMark(pending, mark) : mark);
  }
  older.canaries.push(...newer.canaries);
  for (const rule of newer.suppressions) older.liftedSuppressions.delete(rule.id);
  older.suppressions = older.suppressions.filter((r) => !newer.liftedSuppressions.has(r.id));
  older.suppressions.push(...newer.suppressions);
  for (const id of newer.liftedSuppressions) older.liftedSuppressions.add(id);
  return older;
}

/** True when a journal holds nothing to write. */
export function isEmptyChanges(c: StateChanges): boolean {
  return (
    c.hourly.size === 0 &&
    c.sessions.size === 0 &&
    c.appScopes.size === 0 &&
    c.tokens.size === 0 &&
    c.signalStarts.size === 0 &&
    c.alerts.size === 0 &&
    c.canaries.length === 0 &&
    c.suppressions.length === 0 &&
    c.liftedSuppressions.size === 0
  );
}
