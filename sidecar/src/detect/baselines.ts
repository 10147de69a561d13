import type { DetectionConfig } from './config.js';
import type { DetectionState, Signal } from './state.js';

/** Mean and standard deviation of a window's total over the baseline horizon. */
export interface WindowStats {
  /** Windows observed (days without activity count as zero). */
  n: number;
  mean: number;
  sd: number;
}

interface SeriesCache {
  day: number;
  daily: WindowStats | null;
  hourly: Map<number, WindowStats | null>;
  weekly: WeekBaseline | null;
}

/** The seven-day window ending today: earlier weeks' totals, and this week's total before today. */
interface WeekBaseline {
  stats: WindowStats;
  beforeToday: number;
}

interface HoursCache {
  day: number;
  histogram: Float64Array;
  total: number;
}

/**
 * Rolling baselines read from the state's day-granular buckets. Hours are
 * compared with the same hour of week, days with the same weekday, and
 * seven-day totals with earlier seven-day totals, over the horizon (30 days),
 * so weekly jobs are part of normal. A series is observed from the day the
 * org's volumes were first seen: quiet days count as zeros and a series that
 * appears late has a baseline of zero. Statistics for a day use only earlier
 * days, are computed once per series and window per day (at most 30 day
 * buckets read) and then cached: nothing is ever rescanned.
 */
export class Baselines {
  private readonly series = new Map<string, SeriesCache>();
  private readonly hours = new Map<string, HoursCache>();
  private newestDay = -Infinity;

  constructor(
    private readonly state: DetectionState,
    private readonly config: DetectionConfig,
  ) {}

  /** True once the signal has been observed for the warm-up period. */
  isWarm(signal: Signal, day: number): boolean {
    const first = this.state.observedSince(signal);
    return first !== undefined && first <= day - this.config.warmupDays;
  }

  /** Totals of the same weekday in earlier weeks of the horizon; null while warming up. */
  dayOfWeek(series: string, day: number): WindowStats | null {
    const cache = this.cacheFor(series, day);
    if (cache.daily) return cache.daily;
    if (!this.isWarm('volume', day)) return null;
    cache.daily = this.sameWeekday(day, (d) => this.state.dayTotal('volume', series, d));
    return cache.daily;
  }

  /** Totals of the same hour of week in earlier weeks of the horizon; null while warming up. */
  hourOfWeek(series: string, day: number, hour: number): WindowStats | null {
    const cache = this.cacheFor(series, day);
    const cached = cache.hourly.get(hour);
    if (cached) return cached;
    if (!this.isWarm('volume', day)) return null;
    const stats = this.sameWeekday(day, (d) => this.state.hourTotal('volume', series, d, hour));
    cache.hourly.set(hour, stats);
    return stats;
  }

  /**
   * Seven-day totals ending on the same weekday in earlier weeks of the horizon
   * (only weeks observed in full), plus the six days before today; null until a
   * whole earlier week has been observed.
   */
  week(series: string, day: number): WeekBaseline | null {
    const cache = this.cacheFor(series, day);
    if (cache.weekly) return cache.weekly;
    const since = this.state.observedSince('volume');
    if (since === undefined) return null;
    const total = (from: number, to: number): number => {
      let sum = 0;
      for (let d = from; d <= to; d++) sum += this.state.dayTotal('volume', series, d);
      return sum;
    };
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    for (let end = day - 7; end - 6 >= Math.max(since, day - this.config.baselineDays); end -= 7) {
      const v = total(end - 6, end);
      n++;
      sum += v;
      sumSq += v * v;
    }
    if (n === 0) return null;
    cache.weekly = { stats: statsOf(n, sum, sumSq), beforeToday: total(day - 6, day - 1) };
    return cache.weekly;
  }

  /** The total a window may reach before it is anomalous: mean + k·σ, with σ floored. */
  threshold(stats: WindowStats): number {
    return stats.mean + this.config.k * this.effectiveSd(stats);
  }

  /**
   * σ floored by a share of the mean and an absolute minimum, so regular or quiet
   * series do not alarm on noise. The share grows by 1/n when few windows were
   * observed: one earlier week says little about how much a job varies.
   */
  effectiveSd(stats: WindowStats): number {
    const share = this.config.relativeSigmaFloor * (1 + 1 / Math.max(1, stats.n));
    return Math.max(stats.sd, share * stats.mean, this.config.absoluteSigmaFloor);
  }

  /** An actor's events per hour of day over the horizon, before `day`; null until trusted. */
  activityHours(actorId: string, day: number): HoursCache | null {
    const cached = this.hours.get(actorId);
    const first = this.state.firstDay('activity', actorId);
    if (first === undefined || first > day - this.config.warmupDays) return null;
    let entry = cached;
    if (!entry || entry.day !== day) {
      const histogram = new Float64Array(24);
      let total = 0;
      for (let d = this.horizonStart(day); d < day; d++) {
        for (let h = 0; h < 24; h++) {
          const v = this.state.hourTotal('activity', actorId, d, h);
          histogram[h] = (histogram[h] ?? 0) + v;
          total += v;
        }
      }
      entry = { day, histogram, total };
      this.hours.set(actorId, entry);
    }
    return entry.total >= this.config.minActivityForHours ? entry : null;
  }

  private sameWeekday(day: number, total: (d: number) => number): WindowStats {
    const from = this.horizonStart(day);
    let n = 0;
    let sum = 0;
    let sumSq = 0;
    for (let d = day - 7; d >= from; d -= 7) {
      const v = total(d);
      n++;
      sum += v;
      sumSq += v * v;
    }
    return statsOf(n, sum, sumSq);
  }

  private horizonStart(day: number): number {
    return Math.max(this.state.observedSince('volume') ?? day, day - this.config.baselineDays);
  }

  private cacheFor(series: string, day: number): SeriesCache {
    if (day > this.newestDay) {
      this.newestDay = day;
      for (const [key, c] of this.series) if (c.day < day) this.series.delete(key);
      for (const [key, c] of this.hours) if (c.day < day) this.hours.delete(key);
    }
    let cache = this.series.get(series);
    if (!cache || cache.day !== day) {
      cache = { day, daily: null, hourly: new Map(), weekly: null };
      this.series.set(series, cache);
    }
    return cache;
  }
}

function statsOf(n: number, sum: number, sumSq: number): WindowStats {
  if (n === 0) return { n, mean: 0, sd: 0 };
  const mean = sum / n;
  return { n, mean, sd: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}
