import type { IncidentNotification } from './notification.js';
import { ticketDescription } from './servicenow.js';

/** What a person reads first about each clock a reminder can be about. */
const CLOCKS: Record<NonNullable<IncidentNotification['reminder']>['clock'], string> = {
  gdpr72h: 'GDPR Art. 33 notification to the supervisory authority (72 hours)',
  nis2EarlyWarning24h: 'NIS2 early warning (24 hours)',
  nis2Notification72h: 'NIS2 incident notification (72 hours)',
  nis2FinalReport1Month: 'NIS2 final report (one month)',
};

const STATES: Record<NonNullable<IncidentNotification['reminder']>['state'], string> = {
  past50: 'more than half of its time has passed',
  past90: 'more than 90 % of its time has passed',
  overdue: 'its deadline has passed',
};

/** `Drill`, `Reminder`, both or neither: what a subject or title says before the incident's own title. */
export function labelsOf(notification: IncidentNotification): string[] {
  return [...(notification.drill ? ['Drill'] : []), ...(notification.kind === 'reminder' ? ['Reminder'] : [])];
}

/** One line on a reminder: which clock, how far it has run, and its deadline; undefined for a revision. */
function reminderLine(notification: IncidentNotification): string | undefined {
  const reminder = notification.kind === 'reminder' ? notification.reminder : undefined;
  if (!reminder) return undefined;
  return `Reminder: ${CLOCKS[reminder.clock]}: ${STATES[reminder.state]}; deadline ${reminder.dueAt}.`;
}

/**
 * The notification as plain text, for a mail body or a Case description: the drill and reminder
 * lines first, then the incident as every ticket shows it (`ticketDescription`). Masked content
 * only, as the notification carries it; no links.
 */
export function plainTextOf(notification: IncidentNotification): string {
  const lines: string[] = [];
  if (notification.drill) lines.push('DRILL: synthetic canary data only. Nothing needs to be notified.');
  const reminder = reminderLine(notification);
  if (reminder) lines.push(reminder);
  if (lines.length > 0) lines.push('');
  return [...lines, ticketDescription(notification)].join('\n');
}
