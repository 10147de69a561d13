const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** When an event happened, in the units baselines are kept in. All UTC, all from the event itself. */
export interface EventTime {
  ms: number;
  /** Days since 1970-01-01. */
  day: number;
  /** 0..23 */
  hour: number;
}

export function eventTime(occurredAt: string): EventTime {
  const ms = Date.parse(occurredAt);
  if (Number.isNaN(ms)) throw new RangeError('occurredAt is not a date-time');
  return { ms, day: Math.floor(ms / DAY_MS), hour: Math.floor(ms / HOUR_MS) % 24 };
}

export function daysBetween(fromMs: number, toMs: number): number {
  return (toMs - fromMs) / DAY_MS;
}
