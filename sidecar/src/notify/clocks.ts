/**
 * The regulatory clocks of a personal-data breach, from the moment the controller became aware:
 * GDPR Art. 33(1) — the supervisory authority within 72 hours; NIS2 Art. 23(4) — an early warning
 * within 24 hours, an incident notification within 72 hours and a final report within one month
 * of the notification.
 */
export interface Deadlines {
  gdprAuthorityBy: string;
  nis2EarlyWarningBy: string;
  nis2NotificationBy: string;
  nis2FinalReportBy: string;
}

const HOUR = 3_600_000;

/** One calendar month after `ms` (the same day of the next month, or its last day), in UTC. */
function plusOneMonth(ms: number): number {
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return target.getTime();
}

export function deadlinesFrom(awareness: string): Deadlines {
  const at = Date.parse(awareness);
  const notification = at + 72 * HOUR;
  return {
    gdprAuthorityBy: new Date(at + 72 * HOUR).toISOString(),
    nis2EarlyWarningBy: new Date(at + 24 * HOUR).toISOString(),
    nis2NotificationBy: new Date(notification).toISOString(),
    nis2FinalReportBy: new Date(plusOneMonth(notification)).toISOString(),
  };
}
