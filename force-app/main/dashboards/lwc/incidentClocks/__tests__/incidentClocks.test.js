import { clockState, deadlinesFrom, formatDuration, CLOCK_STATES } from 'c/incidentClocks';

// A 24-hour clock: awareness at 10:00, deadline at 10:00 the next day.
const AWARE = '2026-11-20T10:00:00.000Z';
const DUE = '2026-11-21T10:00:00.000Z';
const at = (iso) => new Date(iso).getTime();
const clock = (metAt = null) => ({ startedAt: AWARE, deadline: DUE, metAt });

describe('c/incidentClocks', () => {
    describe('clockState on a fixed clock', () => {
        it('has not started without a start or a deadline', () => {
            const expected = { state: 'notStarted', stateLabel: 'Not started', label: 'Not started', deadline: null, percent: 0 };
            expect(clockState({ startedAt: null, deadline: DUE, metAt: null }, at('2026-11-20T12:00:00Z'))).toEqual(expected);
            expect(clockState({ startedAt: AWARE, deadline: null, metAt: null }, at('2026-11-20T12:00:00Z'))).toEqual(expected);
        });

        it('is running below half of its span', () => {
            expect(clockState(clock(), at('2026-11-20T12:30:00Z'))).toEqual({
                state: 'running',
                stateLabel: 'Running',
                label: '21 h 30 min left',
                deadline: DUE,
                percent: 10
            });
            expect(clockState(clock(), at('2026-11-20T21:59:00Z')).state).toBe('running');
        });

        it('is past 50 % from exactly half of its span', () => {
            expect(clockState(clock(), at('2026-11-20T22:00:00Z'))).toMatchObject({ state: 'past50', stateLabel: 'Past 50 %', label: '12 h 0 min left', percent: 50 });
            expect(clockState(clock(), at('2026-11-21T07:35:00Z')).state).toBe('past50');
        });

        it('is past 90 % from nine tenths of its span up to the deadline itself', () => {
            expect(clockState(clock(), at('2026-11-21T07:36:00Z'))).toMatchObject({ state: 'past90', stateLabel: 'Past 90 %', label: '2 h 24 min left', percent: 90 });
            expect(clockState(clock(), at(DUE))).toMatchObject({ state: 'past90', label: '0 min left', percent: 100 });
        });

        it('is overdue once the deadline has passed', () => {
            expect(clockState(clock(), at('2026-11-21T12:05:00Z'))).toMatchObject({ state: 'overdue', stateLabel: 'Overdue', label: 'Overdue by 2 h 5 min', percent: 100 });
        });

        it('is met when done by the deadline, whatever the time now', () => {
            expect(clockState(clock('2026-11-21T09:00:00Z'), at('2026-12-25T00:00:00Z'))).toEqual({
                state: 'met',
                stateLabel: 'Met',
                label: 'Done in time',
                deadline: DUE,
                percent: 96
            });
            expect(clockState(clock(DUE), at('2026-12-25T00:00:00Z')).state).toBe('met');
        });

        it('is met late when done after the deadline', () => {
            expect(clockState(clock('2026-11-21T11:00:00Z'), at('2026-11-25T00:00:00Z'))).toMatchObject({
                state: 'metLate',
                stateLabel: 'Met late',
                label: 'Done 1 h 0 min late',
                percent: 100
            });
        });

        it('reaches every state it declares', () => {
            const reached = new Set([
                clockState({}, 0).state,
                ...['2026-11-20T11:00:00Z', '2026-11-21T00:00:00Z', '2026-11-21T09:00:00Z', '2026-11-21T11:00:00Z'].map((now) => clockState(clock(), at(now)).state),
                clockState(clock('2026-11-20T11:00:00Z'), 0).state,
                clockState(clock('2026-11-21T11:00:00Z'), 0).state
            ]);
            expect([...reached].sort()).toEqual([...CLOCK_STATES].sort());
        });
    });

    describe('deadlinesFrom, for incidents opened by hand', () => {
        it('counts 24 and 72 hours, and one calendar month after the notification deadline', () => {
            expect(deadlinesFrom('2026-11-20T10:00:00.000Z')).toEqual({
                gdprAuthorityBy: '2026-11-23T10:00:00.000Z',
                nis2EarlyWarningBy: '2026-11-21T10:00:00.000Z',
                nis2NotificationBy: '2026-11-23T10:00:00.000Z',
                nis2FinalReportBy: '2026-12-23T10:00:00.000Z'
            });
        });

        it('ends the month on its last day when the next month is shorter', () => {
            expect(deadlinesFrom('2027-01-28T12:00:00.000Z').nis2FinalReportBy).toBe('2027-02-28T12:00:00.000Z');
        });

        it('has none without a start', () => {
            expect(deadlinesFrom(null)).toBeNull();
        });
    });

    it('says durations in minutes, hours, and from three days on in days', () => {
        expect(formatDuration(45 * 60000)).toBe('45 min');
        expect(formatDuration(-(71 * 60 + 59) * 60000)).toBe('71 h 59 min');
        expect(formatDuration((32 * 24 + 4) * 3600000)).toBe('32 d 4 h');
    });
});
