import { CLOCK_NAMES, clockStatus, REMINDER_STATES, type ClockName } from '../incidents/clocks-status.js';
import type { IncidentState } from '../incidents/correlate.js';
import type { Sql } from '../store/store.js';
import type { IncidentNotification } from './notification.js';
import { insertNotifications, notificationOf } from './outbox.js';
import { targetsFor, type ConfiguredTarget } from './targets.js';

/** Incidents older than this have no clock left to remind of: the final report's runs a month past the 72 hours. */
const REMINDER_HORIZON_DAYS = 45;
/** Statuses (Incident__c.Status__c, read back) after which nobody is reminded any more. */
const SETTLED = new Set(['Closed', 'Merged']);

type ReminderState = (typeof REMINDER_STATES)[number];

/** The key of one reminder to one target: each clock's 50 %, 90 % and overdue reminders go out once. */
const reminderKeyOf = (incidentKey: string, clock: ClockName, state: ReminderState, target: string): string =>
  `${incidentKey}:reminder:${clock}:${state}:${target}`;

/** The reminders an incident is due at `now`: for each clock not met, the threshold it has passed last. */
export function dueReminders(state: IncidentState, now: Date): Array<{ clock: ClockName; state: ReminderState; dueAt: string }> {
  if (state.drill || state.mergedInto || SETTLED.has(state.org?.status ?? '')) return [];
  const clocks = clockStatus(state, now);
  if (!clocks) return [];
  return CLOCK_NAMES.flatMap((clock) => {
    const c = clocks[clock];
    return (REMINDER_STATES as readonly string[]).includes(c.state) ? [{ clock, state: c.state as ReminderState, dueAt: c.dueAt }] : [];
  });
}

/** A reminder as targets receive it: the incident as it stands, with the clock that prompted it. */
function reminderOf(state: IncidentState, reminder: { clock: ClockName; state: ReminderState; dueAt: string }): IncidentNotification {
  return { ...notificationOf(state), kind: 'reminder', reminder };
}

/**
 * Queues the reminders due at `now`: for every recent incident still open, each clock without its
 * milestone that has passed 50 % or 90 % of its span, or its deadline, is reminded of once per
 * threshold and target that wants the incident. Only the highest threshold passed is queued: a
 * sidecar that was down through the 50 % mark sends the 90 % reminder, not both. The unique
 * idempotency key makes the sweep safe to run on every replica, as often as wanted. Returns how
 * many it queued.
 */
export async function queueReminders(sql: Sql, targets: readonly ConfiguredTarget[], now: Date): Promise<number> {
  if (targets.length === 0) return 0;
  const incidents = await sql.query<{ state: IncidentState }>(
    `SELECT state FROM incident WHERE opened_at >= $1 AND NOT (state ? 'mergedInto') AND NOT (state ? 'drill')`,
    [new Date(now.getTime() - REMINDER_HORIZON_DAYS * 86_400_000).toISOString()],
  );
  return insertNotifications(
    sql,
    incidents.flatMap(({ state }) => {
      const due = dueReminders(state, now);
      const wanting = due.length > 0 ? targetsFor(targets, state.orgId, state.severity) : [];
      return due.flatMap((reminder) => {
        const payload = reminderOf(state, reminder);
        return wanting.map(({ target }) => ({
          state,
          target: target.name,
          idempotencyKey: reminderKeyOf(state.key, reminder.clock, reminder.state, target.name),
          payload,
        }));
      });
    }),
  );
}

/**
 * Runs `queueReminders` at most once per `intervalMs` (default a minute), for the notification
 * stage to call before each step. A failed sweep is reported and tried again next interval.
 */
export function reminderSweep(options: {
  sql: Sql;
  targets: readonly ConfiguredTarget[];
  intervalMs?: number;
  now?: () => Date;
  onError?: (err: unknown) => void;
}): () => Promise<number> {
  const { intervalMs = 60_000 } = options;
  const now = options.now ?? (() => new Date());
  let last = -Infinity;
  return async () => {
    const at = now();
    if (at.getTime() - last < intervalMs) return 0;
    last = at.getTime();
    try {
      return await queueReminders(options.sql, options.targets, at);
    } catch (err) {
      options.onError?.(err);
      return 0;
    }
  };
}
