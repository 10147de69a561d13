import { deadlinesFrom, type Deadlines } from '../notify/clocks.js';
import { awarenessOf, CLOCK_MILESTONES } from './awareness.js';
import type { IncidentState } from './correlate.js';

/** The regulatory clocks of an incident, each with the deadline (`notify/clocks.ts`) it counts down to. */
export const CLOCK_DEADLINES = {
  gdpr72h: 'gdprAuthorityBy',
  nis2EarlyWarning24h: 'nis2EarlyWarningBy',
  nis2Notification72h: 'nis2NotificationBy',
  nis2FinalReport1Month: 'nis2FinalReportBy',
} as const satisfies Record<string, keyof Deadlines>;

export type ClockName = keyof typeof CLOCK_DEADLINES;

export const CLOCK_NAMES = Object.keys(CLOCK_DEADLINES) as ClockName[];

/** Shares of a clock's span at which a reminder is due, highest first. */
export const REMINDER_THRESHOLDS = [
  { state: 'past90', share: 0.9 },
  { state: 'past50', share: 0.5 },
] as const;

/** running, past50 and past90 (a reminder is due), overdue; met and metLate once its milestone is recorded. */
export const CLOCK_STATES = ['running', 'past50', 'past90', 'overdue', 'met', 'metLate'] as const;

export type ClockState = (typeof CLOCK_STATES)[number];

/** The states in which a clock's reminder goes out: each once per incident, clock and target. */
export const REMINDER_STATES = ['past50', 'past90', 'overdue'] as const satisfies readonly ClockState[];

interface ClockStatus {
  /** When the clock runs out (ISO 8601). */
  dueAt: string;
  /** Time gone since awareness over the clock's whole span: 0 at awareness, 1 at the deadline, above 1 after it. */
  elapsedShare: number;
  state: ClockState;
  /** When its milestone was recorded in the org, if it was. */
  metAt?: string;
}

/** How far one clock has run at `now` (or had run when its milestone was recorded). */
function statusOf(awareness: number, dueAt: string, now: number, metAt: string | undefined): ClockStatus {
  const due = Date.parse(dueAt);
  const until = metAt ? Date.parse(metAt) : now;
  const share = Math.max(0, (until - awareness) / (due - awareness));
  const elapsedShare = Math.round(share * 10_000) / 10_000;
  if (metAt) return { dueAt, elapsedShare, state: until > due ? 'metLate' : 'met', metAt };
  if (now > due) return { dueAt, elapsedShare, state: 'overdue' };
  const reminder = REMINDER_THRESHOLDS.find((t) => share >= t.share);
  return { dueAt, elapsedShare, state: reminder?.state ?? 'running' };
}

/**
 * Every regulatory clock of an incident at `now`, counted from awareness (`awarenessOf`: detection,
 * or a DPO's confirmation read back from the org); each met by its milestone recorded in the org.
 * Undefined while the incident waits for a DPO's confirmation to start them. The NIS2 final
 * report's clock spans awareness to one month after the notification deadline.
 */
export function clockStatus(
  state: Pick<IncidentState, 'openedAt' | 'awarenessAt' | 'awarenessBasis' | 'org'>,
  now: Date,
): Record<ClockName, ClockStatus> | undefined {
  const awareness = awarenessOf(state);
  if (!awareness) return undefined;
  const deadlines = deadlinesFrom(awareness.at);
  const from = Date.parse(awareness.at);
  const at = now.getTime();
  const milestones = state.org?.milestones ?? {};
  return Object.fromEntries(
    CLOCK_NAMES.map((name) => [name, statusOf(from, deadlines[CLOCK_DEADLINES[name]], at, milestones[CLOCK_MILESTONES[name]]?.at)]),
  ) as Record<ClockName, ClockStatus>;
}
