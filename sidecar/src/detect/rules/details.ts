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
