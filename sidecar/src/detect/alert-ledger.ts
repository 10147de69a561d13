import type { DetectionState } from './state.js';

const ONCE = -1;

/**
 * Remembers which windows already raised an alert, so a window that stays
 * anomalous alerts once and again only each time its total doubles. The marks
 * live in the org's detection state, so they outlast a restart and reach the
 * other replicas through storage.
 */
export class AlertLedger {
  private latestDay = -Infinity;

  constructor(private readonly state: Pick<DetectionState, 'alerted' | 'noteAlert' | 'forgetAlertsBefore'>) {}

  /** True when this window's total is worth a (new) alert; records it for `keepDays`. */
  shouldAlert(key: string, day: number, total: number, keepDays = 2): boolean {
    if (day > this.latestDay) {
      this.latestDay = day;
      this.state.forgetAlertsBefore(day);
    }
    const previous = this.state.alerted(key);
    if (previous && previous.total === ONCE) return false;
    if (previous && total < previous.total * 2) return false;
    this.state.noteAlert(key, day + keepDays, total);
    return true;
  }

  /** True the first time a window (an unusual hour, say) is seen; records it. */
  once(key: string, day: number): boolean {
    return this.shouldAlert(key, day, ONCE);
  }
}
