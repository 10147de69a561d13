/** Hourly buckets of one series, kept by day so that old days drop off without rescanning. */
export class HourlySeries {
  readonly days = new Map<number, Float64Array>();
  firstDay: number | undefined;

  /** Index 24 of each day's array holds the day's total. */
  add(day: number, hour: number, n: number): void {
    let buckets = this.days.get(day);
    if (!buckets) {
      buckets = new Float64Array(25);
      this.days.set(day, buckets);
    }
    buckets[hour] = (buckets[hour] ?? 0) + n;
    buckets[24] = (buckets[24] ?? 0) + n;
    if (this.firstDay === undefined || day < this.firstDay) this.firstDay = day;
  }

  hour(day: number, hour: number): number {
    return this.days.get(day)?.[hour] ?? 0;
  }

  day(day: number): number {
    return this.days.get(day)?.[24] ?? 0;
  }

  /** Forgets days before `day`; firstDay is kept, it records when observation began. */
  dropBefore(day: number): void {
    for (const d of this.days.keys()) if (d < day) this.days.delete(d);
  }
}
