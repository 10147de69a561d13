const MINUTE = 60 * 1000;
const HOUR = 60 * MINUTE;

/** GDPR Art. 33(1): notify the supervisory authority within 72 hours of awareness. */
export const GDPR_NOTIFICATION_HOURS = 72;
/** NIS2 Art. 23(4)(a): early warning within 24 hours of awareness. */
export const NIS2_EARLY_WARNING_HOURS = 24;
/** NIS2 Art. 23(4)(b): incident notification within 72 hours of awareness. */
export const NIS2_NOTIFICATION_HOURS = 72;

/**
 * Shares of a clock's span (awareness to deadline) from which it is past 50 % or 90 %, highest first: the
 * sidecar's reminder thresholds (sidecar/src/incidents/clocks-status.ts, pinned by
 * scripts/package/incident-clocks-parity.test.ts).
 */
export const THRESHOLDS = [
    { state: 'past90', share: 0.9 },
    { state: 'past50', share: 0.5 }
];

/** Every state a clock can be in: the sidecar's (running, past50, past90, overdue) and the console's own. */
export const CLOCK_STATES = ['notStarted', 'running', 'past50', 'past90', 'overdue', 'met', 'metLate'];

/** What each state is called on its badge: the state is always said in words, never by colour alone. */
export const STATE_LABELS = {
    notStarted: 'Not started',
    running: 'Running',
    past50: 'Past 50 %',
    past90: 'Past 90 %',
    overdue: 'Overdue',
    met: 'Met',
    metLate: 'Met late'
};

/** One calendar month after `ms` (the same day of the next month, or its last day), in UTC, as the sidecar counts it. */
function plusOneMonth(ms) {
    const d = new Date(ms);
    const target = new Date(
        Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds())
    );
    const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
    target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
    return target.getTime();
}

/**
 * The four regulatory deadlines from a moment of awareness, as the sidecar writes them (sidecar/src/notify/clocks.ts).
 * Only for incidents opened by hand: the sidecar's own incidents carry their deadlines.
 * @param {String} awareness ISO date-time, or empty
 * @return {{gdprAuthorityBy: String, nis2EarlyWarningBy: String, nis2NotificationBy: String, nis2FinalReportBy: String}|null}
 */
export function deadlinesFrom(awareness) {
    if (!awareness) {
        return null;
    }
    const at = new Date(awareness).getTime();
    const notification = at + NIS2_NOTIFICATION_HOURS * HOUR;
    return {
        gdprAuthorityBy: new Date(at + GDPR_NOTIFICATION_HOURS * HOUR).toISOString(),
        nis2EarlyWarningBy: new Date(at + NIS2_EARLY_WARNING_HOURS * HOUR).toISOString(),
        nis2NotificationBy: new Date(notification).toISOString(),
        nis2FinalReportBy: new Date(plusOneMonth(notification)).toISOString()
    };
}

/** "45 min", "21 h 30 min", or from three days on "32 d 4 h". */
export function formatDuration(milliseconds) {
    const minutes = Math.floor(Math.abs(milliseconds) / MINUTE);
    const hours = Math.floor(minutes / 60);
    if (hours >= 72) {
        return `${Math.floor(hours / 24)} d ${hours % 24} h`;
    }
    return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/**
 * The state of one regulatory clock at `now`.
 * @param {{startedAt: String, deadline: String, metAt: String}} clock when the clock started (awareness), when it
 *        runs out, and when the obligation was met; empty values where there is none
 * @param {Number} now epoch milliseconds
 * @return {{state: String, stateLabel: String, label: String, deadline: String, percent: Number}} state is one of
 *         CLOCK_STATES; label says the time left (or late); percent is the share of the span gone, 0 to 100
 */
export function clockState({ startedAt, deadline, metAt }, now) {
    if (!startedAt || !deadline) {
        return { state: 'notStarted', stateLabel: STATE_LABELS.notStarted, label: STATE_LABELS.notStarted, deadline: null, percent: 0 };
    }
    const start = new Date(startedAt).getTime();
    const due = new Date(deadline).getTime();
    const deadlineIso = new Date(due).toISOString();
    const end = metAt ? new Date(metAt).getTime() : now;
    const share = due > start ? Math.max(0, (end - start) / (due - start)) : 1;
    const percent = Math.min(100, Math.round(share * 100));
    const result = (state, label) => ({ state, stateLabel: STATE_LABELS[state], label, deadline: deadlineIso, percent });
    if (metAt) {
        return end > due ? result('metLate', `Done ${formatDuration(end - due)} late`) : result('met', 'Done in time');
    }
    if (now > due) {
        return result('overdue', `Overdue by ${formatDuration(now - due)}`);
    }
    const reminder = THRESHOLDS.find((threshold) => share >= threshold.share);
    return result(reminder ? reminder.state : 'running', `${formatDuration(due - now)} left`);
}
