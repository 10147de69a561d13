import { deadlinesFrom, type Deadlines } from '../notify/clocks.js';
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

export const CLOCK_STATES = ['running', 'past50', 'past90', 'overdue'] as const;

export type ClockState = (typeof CLOCK_STATES)[number];

export interface ClockStatus {
  /** When the clock runs out (ISO 8601). */
  dueAt: string;
  /** Time gone since awareness over the clock's whole span: 0 at awareness, 1 at the deadline, above 1 after it. */
  elapsedShare: number;
  state: ClockState;
}

/** How far one clock has run at `now`: its reminder thresholds, and overdue once its deadline has passed. */
function statusOf(awareness: number, dueAt: string, now: number): ClockStatus {
  const due = Date.parse(dueAt);
  const share = Math.max(0, (now - awareness) / (due - awareness));
  const elapsedShare = Math.round(share * 10_000) / 10_000;
  if (now > due) return { dueAt, elapsedShare, state: 'overdue' };
  const reminder = REMINDER_THRESHOLDS.find((t) => share >= t.share);
  return { dueAt, elapsedShare, state: reminder?.state ?? 'running' };
}

/**
 * Every regulatory clock of an incident at `now`, counted from awareness: by default the incident's
 * detection (`openedAt`), as the notifications take it; a DPO's confirmation can be passed instead.
 * The NIS2 final report's clock spans awareness to one month after the notification deadline.
 */
export function clockStatus(state: Pick<IncidentState, 'openedAt'>, now: Date, awareness: string = state.openedAt): Record<ClockName, ClockStatus> {
  const deadlines = deadlinesFrom(awareness);
  const from = Date.parse(awareness);
  const at = now.getTime();
  return Object.fromEntries(CLOCK_NAMES.map((name) => [name, statusOf(from, deadlines[CLOCK_DEADLINES[name]], at)])) as Record<ClockName, ClockStatus>;
}
