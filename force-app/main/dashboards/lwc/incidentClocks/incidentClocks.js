const HOUR = 60 * 60 * 1000;

/** NIS2 Art. 23: early warning within 24 hours of becoming aware of a significant incident. */
export const NIS2_EARLY_WARNING_HOURS = 24;
/** GDPR Art. 33: notify the supervisory authority within 72 hours of becoming aware of a breach. */
export const GDPR_NOTIFICATION_HOURS = 72;

function formatDuration(milliseconds) {
    const minutes = Math.floor(Math.abs(milliseconds) / 60000);
    const hours = Math.floor(minutes / 60);
    return hours > 0 ? `${hours} h ${minutes % 60} min` : `${minutes} min`;
}

/**
 * The state of one regulatory clock.
 * @param {String} startedAt ISO date-time the clock started, or empty if it has not
 * @param {String} metAt ISO date-time the obligation was met, or empty
 * @param {Number} hours the clock's length
 * @param {Number} now epoch milliseconds
 * @return {{state: String, label: String, deadline: String}} state is one of
 *         notStarted, running, dueSoon, overdue, met, metLate
 */
export function clockState(startedAt, metAt, hours, now) {
    if (!startedAt) {
        return { state: 'notStarted', label: 'Not started', deadline: null };
    }
    const deadline = new Date(startedAt).getTime() + hours * HOUR;
    const deadlineIso = new Date(deadline).toISOString();
    if (metAt) {
        const late = new Date(metAt).getTime() > deadline;
        return late
            ? { state: 'metLate', label: `Done ${formatDuration(new Date(metAt).getTime() - deadline)} late`, deadline: deadlineIso }
            : { state: 'met', label: 'Done in time', deadline: deadlineIso };
    }
    const left = deadline - now;
    if (left < 0) {
        return { state: 'overdue', label: `Overdue by ${formatDuration(left)}`, deadline: deadlineIso };
    }
    return {
        state: left < hours * HOUR * 0.25 ? 'dueSoon' : 'running',
        label: `${formatDuration(left)} left`,
        deadline: deadlineIso
    };
}
