const ONCE = -1;

/**
 * Remembers which windows already raised an alert, so a window that stays
 * anomalous alerts once and again only each time its total doubles.
 */
export class AlertLedger {
  private readonly alerted = new Map<string, { until: number; total: number }>();
  private latestDay = -Infinity;

  /** True when this window's total is worth a (new) alert; records it for `keepDays`. */
  shouldAlert(key: string, day: number, total: number, keepDays = 2): boolean {
    if (day > this.latestDay) {
      this.latestDay = day;
      for (const [k, v] of this.alerted) if (v.until < day) this.alerted.delete(k);
    }
    const previous = this.alerted.get(key);
    if (previous && previous.total === ONCE) return false;
    if (previous && total < previous.total * 2) return false;
    this.alerted.set(key, { until: day + keepDays, total });
    return true;
  }

  /** True the first time a window (an unusual hour, say) is seen; records it. */
  once(key: string, day: number): boolean {
    return this.shouldAlert(key, day, ONCE);
  }
}
