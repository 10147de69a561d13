import type { LeakEvent } from '../contract/event.js';

/**
 * The key in an event's `details` that marks it as part of a drill (`leakwatch drill`): a synthetic
 * breach of canary data only. Such an event raises its canary verdict and nothing else, teaches the
 * detector's baselines nothing, and opens or joins only a drill incident.
 */
export const DRILL_DETAIL = 'drill';

/** Whether an event is a drill's: `details.drill` is `true` (the boolean, never a string an org could send). */
export function isDrillEvent(event: Pick<LeakEvent, 'details'>): boolean {
  return event.details?.[DRILL_DETAIL] === true;
}

/**
 * An event received from outside (`POST /v1/events`) without the drill mark: only `POST /v1/drills`
 * starts a drill, so a sender cannot have real activity scored as a drill and pass the detector by.
 */
export function withoutDrillMark(candidate: unknown): unknown {
  if (typeof candidate !== 'object' || candidate === null) return candidate;
  const details = (candidate as { details?: unknown }).details;
  if (typeof details !== 'object' || details === null || Array.isArray(details) || !Object.hasOwn(details, DRILL_DETAIL)) return candidate;
  const rest: Record<string, unknown> = { ...(details as Record<string, unknown>) };
  delete rest[DRILL_DETAIL];
  return { ...candidate, details: rest };
}
