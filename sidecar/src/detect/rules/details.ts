import type { LeakEvent } from '../../contract/event.js';

/** The actor as a reason names them: username when known, else user id. */
export function actorName(event: LeakEvent): string {
  return event.actor.username ?? event.actor.userId;
}

export function detailString(event: LeakEvent, key: string): string | undefined {
  const value = event.details?.[key];
  return typeof value === 'string' ? value : undefined;
}

export function detailStrings(event: LeakEvent, key: string): string[] {
  const value = event.details?.[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * Whether an hour lies outside an actor's usual hours: it and the hours either side of it hold less than `share`
 * of the activity the histogram (24 hourly counts) has seen.
 */
export function outsideUsualHours(hours: { histogram: ArrayLike<number>; total: number }, hour: number, share: number): boolean {
  const h = hours.histogram;
  const near = (h[(hour + 23) % 24] ?? 0) + (h[hour] ?? 0) + (h[(hour + 1) % 24] ?? 0);
  return near / hours.total < share;
}
