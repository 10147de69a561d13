import { clockState } from 'c/incidentClocks';

const DETECTED = '2026-11-20T10:00:00.000Z';
const at = (iso) => new Date(iso).getTime();

describe('c/incidentClocks', () => {
    it('has not started without a start time', () => {
        expect(clockState(null, null, 72, at('2026-11-20T12:00:00Z'))).toEqual({ state: 'notStarted', label: 'Not started', deadline: null });
    });

    it('counts down to the deadline', () => {
        expect(clockState(DETECTED, null, 24, at('2026-11-20T12:30:00Z'))).toEqual({
            state: 'running',
            label: '21 h 30 min left',
            deadline: '2026-11-21T10:00:00.000Z'
        });
    });

    it('warns in the last quarter of the clock', () => {
        expect(clockState(DETECTED, null, 24, at('2026-11-21T09:15:00Z'))).toMatchObject({ state: 'dueSoon', label: '45 min left' });
    });

    it('is overdue past the deadline', () => {
        expect(clockState(DETECTED, null, 24, at('2026-11-21T12:05:00Z'))).toMatchObject({ state: 'overdue', label: 'Overdue by 2 h 5 min' });
    });

    it('is met when done before the deadline, late when after', () => {
        expect(clockState(DETECTED, '2026-11-21T09:00:00Z', 24, at('2026-11-25T00:00:00Z')).state).toBe('met');
        expect(clockState(DETECTED, '2026-11-21T11:00:00Z', 24, at('2026-11-25T00:00:00Z'))).toMatchObject({
            state: 'metLate',
            label: 'Done 1 h 0 min late'
        });
    });
});
