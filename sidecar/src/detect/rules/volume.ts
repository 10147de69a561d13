import type { WindowStats } from '../baselines.js';
import type { LeakEvent, Operation } from '../../contract/event.js';
import { actorName, detailString } from './details.js';
import { defineRule, defineStep } from './rule.js';

/**
 * Adds the event's records to its series' hour, day and session windows. Slices
 * (Bulk API batches, chunked report pulls) are judged by these sums, never one by one.
 */
export const accumulateVolume = defineStep({
  name: 'volume-windows',
  needs: [],
  produces: ['volume'],
  derive({ event, time, state }) {
    const n = event.recordCount ?? event.recordIds?.length ?? 0;
    const operation = operationOf(event);
    if (n <= 0 || !operation) return undefined;
    const series = `${event.actor.userId}|${event.actor.connectedAppId ?? ''}|${event.object ?? ''}|${operation}`;
    state.noteObserved('volume', time.day);
    state.add('volume', series, time.day, time.hour, n);
    const sessionKey = event.actor.sessionId ?? detailString(event, 'jobId');
    return {
      series,
      hour: state.hourTotal('volume', series, time.day, time.hour),
      day: state.dayTotal('volume', series, time.day),
      session: sessionKey === undefined ? undefined : state.addToSession(`${series}|${sessionKey}`, time.day, n),
      sessionKey,
    };
  },
});

interface Breach {
  window: 'hour' | 'day' | 'session' | 'week';
  total: number;
  stats: WindowStats;
  z: number;
}

/**
 * A window total above mean + k·σ of its baseline: hours against the same hour of
 * week, days and sessions against the same weekday, the last seven days against
 * earlier seven-day totals.
 */
export const volumeAnomalyRule = defineRule({
  name: 'volume-anomaly',
  reasons: { volume_anomaly: {} },
  weights: ['volume_anomaly', 'volume_anomaly_per_sigma', 'volume_anomaly_max'],
  needs: ['volume'],
  produces: ['zScore'],
  run({ event, time, config, baselines, ledger, volume: v, weights: w }) {
    const operation = operationOf(event);
    if (!v || !operation || !config.volumeOperations.includes(operation)) return undefined;
    const hourly = baselines.hourOfWeek(v.series, time.day, time.hour);
    const daily = baselines.dayOfWeek(v.series, time.day);
    if (!hourly || !daily) return undefined;
    const breaches: Breach[] = [];
    const consider = (window: Breach['window'], total: number | undefined, stats: WindowStats, floor: number): void => {
      if (total === undefined || total < floor || total <= baselines.threshold(stats)) return;
      breaches.push({ window, total, stats, z: (total - stats.mean) / baselines.effectiveSd(stats) });
    };
    consider('hour', v.hour, hourly, config.minAnomalyVolume);
    consider('day', v.day, daily, config.minAnomalyVolume);
    consider('session', v.session, daily, config.minAnomalyVolume);
    // A slow leak shows as a sustained excess: the last seven days are anomalous and so is today,
    // though no shorter window stands out. Only then is the seven-day total considered.
    const week = breaches.length === 0 ? baselines.week(v.series, time.day) : null;
    if (week && v.day > baselines.threshold(daily)) consider('week', week.beforeToday + v.day, week.stats, config.minWeeklyAnomalyVolume);
    // Every breached window is recorded, so a window already reported does not alert again on the next slice.
    let fresh = false;
    for (const b of breaches) {
      const fresher =
        b.window === 'week'
          ? ledger.shouldAlert(`vol|${v.series}|week`, time.day, b.total, 7)
          : ledger.shouldAlert(`vol|${v.series}|${time.day}|${windowKeyOf(b.window, v.sessionKey, time.hour)}`, time.day, b.total);
      if (fresher) fresh = true;
    }
    const worst = breaches.reduce<Breach | undefined>((a, b) => (a && a.z >= b.z ? a : b), undefined);
    if (!fresh || !worst) return undefined;
    const sigmasOver = worst.z - config.k;
    return {
      zScore: worst.z,
      reasons: [
        {
          code: 'volume_anomaly',
          weight: Math.round(Math.min(w.volume_anomaly_max, w.volume_anomaly + w.volume_anomaly_per_sigma * sigmasOver)),
          message:
            `${actorName(event)} reached ${Math.round(worst.total)} ${event.object ?? ''} records (${operation}) ` +
            `in ${describeWindow(worst.window)}, against a usual ${Math.round(worst.stats.mean)} ± ${Math.round(worst.stats.sd)} ` +
            `(z = ${worst.z.toFixed(1)}).`,
        },
      ],
    };
  },
});

function windowKeyOf(window: Breach['window'], sessionKey: string | undefined, hour: number): string {
  if (window === 'session') return `s:${sessionKey}`;
  if (window === 'hour') return `h:${hour}`;
  return window;
}

function describeWindow(window: Breach['window']): string {
  if (window === 'hour') return 'one hour';
  if (window === 'day') return 'one day';
  if (window === 'week') return 'seven days';
  return 'one session';
}

/** The event's operation; an export event that names none is an export. */
function operationOf(event: LeakEvent): Operation | undefined {
  return event.operation ?? (event.kind === 'export' ? 'export' : undefined);
}
