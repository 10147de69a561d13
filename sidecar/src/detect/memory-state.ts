import { HourlySeries } from './hourly-series.js';
import {
  CHANGE_KINDS,
  SERIES_START,
  eachChange,
  emptyChanges,
  foldInto,
  hourlyKey,
  mergeChanges,
  mergedRule,
  takeLearnt,
  type AlertChange,
  type AppScopeChange,
  type CanaryChange,
  type ChangeName,
  type ChangeOf,
  type HourlyChange,
  type SessionChange,
  type SignalStartChange,
  type StateChanges,
  type SuppressionChange,
  type TokenChange,
} from './state-changes.js';
import type { AlertMark, Canary, CanaryRegistry, DetectionState, Metric, Signal, SuppressionRule } from './state.js';

interface MemoryStateOptions {
  /** Days of hourly buckets to keep (the baseline horizon plus the current day). */
  retainDays: number;
  /** Record changes for a later flush to shared storage. */
  journal?: boolean;
}

/** Sessions older than this many days are forgotten. */
const SESSION_RETAIN_DAYS = 2;

/** The merges of the kinds this state keeps as bare values (on the hot path: no change object unless journalled). */
const HOURLY = CHANGE_KINDS.hourly.merge;
const SESSION = CHANGE_KINDS.session.merge;
const TOKEN = CHANGE_KINDS.token.merge;
const SIGNAL_START = CHANGE_KINDS.signalStart.merge;

/**
 * The detection state held in process memory: synchronous, and optionally journalled for a flush.
 * Every change is one `StateChanges` entry, applied by `apply` and merged as `CHANGE_KINDS` says.
 */
export class MemoryDetectionState implements DetectionState {
  private readonly series: Record<Metric, Map<string, HourlySeries>> = { volume: new Map(), activity: new Map() };
  private readonly sessions = new Map<string, Pick<SessionChange, 'day' | 'n'>>();
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

  /** Applies a change and journals it when it changed the state. */
  record<K extends ChangeName>(name: K, change: ChangeOf<K>): void {
    if (this.apply(name, change) && this.changes) foldInto(CHANGE_KINDS[name] as never, this.changes[name] as Map<string, object>, change as object);
  }

  /** Applies a change without journalling it (used when loading from storage); true when the state changed. */
  apply<K extends ChangeName>(name: K, change: ChangeOf<K>): boolean {
    switch (name) {
      case 'hourly': {
        const { metric, series, day, hour, n } = change as HourlyChange;
        return this.applyHourly(metric, series, day, hour, n);
      }
      case 'session': {
        const { sessionKey, day, n } = change as SessionChange;
        this.applySession(sessionKey, day, n);
        return true;
      }
      case 'appScope':
        return this.applyAppScope(change as AppScopeChange);
      case 'token':
        return this.applyToken((change as TokenChange).holder, (change as TokenChange).ms);
      case 'signalStart':
        return this.applySignalStart((change as SignalStartChange).signal, (change as SignalStartChange).day);
      case 'alert':
        return this.applyAlert(change as AlertChange);
      case 'canary':
        return this.applyCanary(change as CanaryChange);
      default:
        return this.applySuppression(change as SuppressionChange);
    }
  }

  add(metric: Metric, series: string, day: number, hour: number, n: number): void {
    this.applyHourly(metric, series, day, hour, n);
    const journal = this.changes?.hourly;
    if (!journal) return;
    // `foldInto` spelt out for the hot path (as in `addToSession`, `touchToken`): an object per new key only.
    const key = hourlyKey(metric, series, day, hour);
    const pending = journal.get(key);
    if (pending) pending.n = HOURLY.n!(pending.n, n);
    else journal.set(key, { metric, series, day, hour, n });
  }

  /** Adds to a bucket (`HourlySeries` keeps the sums and the first day). */
  private applyHourly(metric: Metric, series: string, day: number, hour: number, n: number): boolean {
    const map = this.series[metric];
    let s = map.get(series);
    if (!s) {
      s = new HourlySeries();
      map.set(series, s);
    }
    const isNewDay = !s.days.has(day);
    s.add(day, hour, n);
    if (isNewDay) s.dropBefore(day - this.options.retainDays);
    return true;
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
    if (s) s.firstDay = s.firstDay === undefined ? day : SERIES_START.merge.day!(s.firstDay, day);
  }

  addToSession(sessionKey: string, day: number, n: number): number {
    const total = this.applySession(sessionKey, day, n);
    const journal = this.changes?.session;
    if (!journal) return total;
    const pending = journal.get(sessionKey);
    if (pending) {
      pending.n = SESSION.n!(pending.n, n);
      pending.day = SESSION.day!(pending.day, day);
    } else journal.set(sessionKey, { sessionKey, day, n });
    return total;
  }

  private applySession(sessionKey: string, day: number, n: number): number {
    const s = this.sessions.get(sessionKey);
    if (!s) {
      this.sessions.set(sessionKey, { day, n });
      return n;
    }
    s.n = SESSION.n!(s.n, n);
    s.day = SESSION.day!(s.day, day);
    return s.n;
  }

  appScopes(appId: string): ReadonlySet<string> | undefined {
    return this.apps.get(appId);
  }

  addAppScopes(appId: string, scopes: readonly string[]): void {
    this.record('appScope', { appId, scope: '' });
    for (const scope of scopes) this.record('appScope', { appId, scope });
  }

  /** Set union: an app is known from its first change (scope ''), its scopes as they are granted. */
  private applyAppScope({ appId, scope }: AppScopeChange): boolean {
    let known = this.apps.get(appId);
    if (!known) {
      known = new Set();
      this.apps.set(appId, known);
      if (!scope) return true;
    }
    if (!scope || known.has(scope)) return false;
    known.add(scope);
    return true;
  }

  tokenLastSeen(holder: string): number | undefined {
    return this.tokens.get(holder);
  }

  touchToken(holder: string, ms: number): void {
    if (!this.applyToken(holder, ms) || !this.changes) return;
    const pending = this.changes.token.get(holder);
    if (pending) pending.ms = TOKEN.ms!(pending.ms, ms);
    else this.changes.token.set(holder, { holder, ms });
  }

  private applyToken(holder: string, ms: number): boolean {
    const known = this.tokens.get(holder);
    const merged = known === undefined ? ms : TOKEN.ms!(known, ms);
    if (merged === known) return false;
    this.tokens.set(holder, merged);
    return true;
  }

  observedSince(signal: Signal): number | undefined {
    return this.starts.get(signal);
  }

  noteObserved(signal: Signal, day: number): void {
    if (this.applySignalStart(signal, day) && this.changes) foldInto(CHANGE_KINDS.signalStart, this.changes.signalStart, { signal, day });
  }

  private applySignalStart(signal: Signal, day: number): boolean {
    const known = this.starts.get(signal);
    const merged = known === undefined ? day : SIGNAL_START.day!(known, day);
    if (merged === known) return false;
    this.starts.set(signal, merged);
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
    this.record('alert', { key, untilDay, total });
  }

  private applyAlert(change: AlertChange): boolean {
    const known = this.alerts.get(change.key);
    if (known) return CHANGE_KINDS.alert.fold(known as AlertChange, change);
    this.alerts.set(change.key, { untilDay: change.untilDay, total: change.total });
    return true;
  }

  forgetAlertsBefore(day: number): void {
    for (const [key, mark] of this.alerts) if (mark.untilDay < day) this.alerts.delete(key);
  }

  canaries(): CanaryRegistry {
    return { recordIds: this.canaryRecordIds, markers: this.canaryMarkers, labels: this.canaryLabels };
  }

  addCanary(canary: Canary): void {
    const label = canary.label || undefined;
    this.record(
      'canary',
      canary.kind === 'record' ? { kind: 'record', value: canary.recordId.slice(0, 15), label } : { kind: 'marker', value: canary.value, label },
    );
  }

  /** Always journalled, as a canary registered again is. */
  private applyCanary(change: CanaryChange): boolean {
    const { kind, value } = change;
    if (kind === 'record') this.canaryRecordIds.add(value);
    else if (!this.canaryMarkers.includes(value)) this.canaryMarkers.push(value);
    const known = { ...change, label: this.canaryLabels.get(value) };
    CHANGE_KINDS.canary.fold(known, change);
    if (known.label !== undefined) this.canaryLabels.set(value, known.label);
    return true;
  }

  suppressions(): readonly SuppressionRule[] {
    return this.rules;
  }

  addSuppression(rule: SuppressionRule): void {
    this.record('suppression', { id: rule.id, lifted: false, rule });
  }

  liftSuppression(id: string): boolean {
    const inForce = this.rules.some((r) => r.id === id);
    this.record('suppression', { id, lifted: true, rule: undefined });
    return inForce;
  }

  /** Always journalled: a lift deletes the stored rule even when this process no longer holds it. */
  private applySuppression({ id, lifted, rule }: SuppressionChange): boolean {
    const i = this.rules.findIndex((r) => r.id === id);
    const known = this.rules[i];
    if (lifted && known) this.rules.splice(i, 1);
    if (rule) {
      if (known && !lifted) this.rules[i] = mergedRule(known, rule);
      else this.rules.push(rule);
    }
    return true;
  }

  forgetExpiredSuppressions(nowMs: number): void {
    for (let i = this.rules.length - 1; i >= 0; i--) if (Date.parse(this.rules[i]!.expiresAt) <= nowMs) this.rules.splice(i, 1);
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
    return takeLearnt(this.changes);
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

  /** Applies and journals each change of `changes` (what was taught to a state since discarded). */
  recordAll(changes: StateChanges): void {
    for (const [name, change] of eachChange(changes)) this.record(name, change);
  }
}
