import { describe, expect, it } from 'vitest';
import type { LeakEvent } from '../../src/contract/event.js';
import { createDetector, type DetectionEngine } from '../../src/detect/index.js';
import { at, classified } from './helpers.js';

const EXPORTER = { userId: '0055g00000MkTgUAAV', username: 'campaigns@acme-shop.example' };

function exportOf(recordCount: number, occurredAt: string, sessionId?: string): Partial<LeakEvent> {
  return {
    kind: 'export',
    object: 'Contact',
    operation: 'export',
    recordCount,
    occurredAt,
    actor: { ...EXPORTER, sessionId },
  };
}

/** Three weeks of one 1,000-record export a day at 10:00 (±5%). */
function withHistory(detector: DetectionEngine, days = 21): void {
  for (let d = 0; d < days; d++) expect(detector.scoreOpen(classified(exportOf(950 + (d % 3) * 50, at(d, 10))))).toBeNull();
}

describe('volume baselines', () => {
  it('adds Bulk API slices up per session and alerts on the slice that crosses mean + k·σ', () => {
    const detector = createDetector();
    withHistory(detector);
    const verdicts = Array.from({ length: 6 }, (_, i) => detector.scoreOpen(classified(exportOf(400, at(21, 10, i), 'bulk-750X'))));
    expect(verdicts.map((v) => v !== null)).toEqual([false, false, false, false, true, false]);
    const reason = verdicts[4]!.reasons[0]!;
    expect(reason.code).toBe('volume_anomaly');
    expect(reason.message).toContain('2000 Contact records');
    expect(verdicts[4]!.zScore).toBeGreaterThan(2);
  });

  it('alerts again on the same window only when its total doubles', () => {
    const detector = createDetector();
    withHistory(detector);
    const alerts = Array.from({ length: 20 }, (_, i) => detector.scoreOpen(classified(exportOf(10_000, at(21, 3, i), 'bulk-big'))))
      .map((v, i) => (v ? i : -1))
      .filter((i) => i >= 0);
    expect(alerts).toEqual([0, 1, 3, 7, 15]);
  });

  it('stays quiet while the org warms up, and honours a configured k', () => {
    const cold = createDetector();
    const backfilledSetup = classified({
      kind: 'setup',
      operation: 'change',
      occurredAt: at(-150, 9),
      details: { section: 'Customize' },
    });
    expect(cold.scoreOpen(backfilledSetup)).toBeNull();
    for (let d = 0; d < 6; d++) cold.scoreOpen(classified(exportOf(1000, at(d, 10))));
    expect(cold.scoreOpen(classified(exportOf(50_000, at(6, 11))))).toBeNull();

    const lenient = createDetector({ config: { k: 40 } });
    withHistory(lenient);
    expect(lenient.scoreOpen(classified(exportOf(2_500, at(21, 10))))).toBeNull();
    const strict = createDetector();
    withHistory(strict);
    expect(strict.scoreOpen(classified(exportOf(2_500, at(21, 10))))?.reasons[0]?.code).toBe('volume_anomaly');
  });

  it('catches a leak too slow for any one day to stand out, once, over seven days', () => {
    const detector = createDetector();
    withHistory(detector);
    const zap = { ...EXPORTER, connectedAppId: '0H45g000000ZaPiCAK' };
    const alerts: Array<[number, string]> = [];
    for (let d = 21; d < 29; d++)
      for (const h of [10, 12, 14, 16]) {
        const verdict = detector.scoreOpen(classified({ ...exportOf(95, at(d, h)), actor: zap }));
        if (verdict) alerts.push([d, verdict.reasons[0]!.message]);
      }
    expect(alerts).toHaveLength(1);
    expect(alerts[0]![0]).toBe(26);
    expect(alerts[0]![1]).toContain('2090 Contact records (export) in seven days');
  });

  it('counts an export event that names no operation as an export', () => {
    const detector = createDetector();
    withHistory(detector);
    const verdict = detector.scoreOpen(classified({ ...exportOf(2_500, at(21, 10)), operation: undefined }));
    expect(verdict?.reasons[0]?.message).toContain('2500 Contact records (export)');
  });

  it('treats a weekly job on its usual weekday as normal, and the same volume on another day as anomalous', () => {
    const detector = createDetector();
    for (let week = 0; week < 4; week++) expect(detector.scoreOpen(classified(exportOf(15_000, at(week * 7, 9))))).toBeNull();
    expect(detector.scoreOpen(classified(exportOf(15_500, at(28, 9))))).toBeNull();
    expect(detector.scoreOpen(classified(exportOf(15_000, at(30, 9))))?.reasons[0]?.code).toBe('volume_anomaly');
  });

  it('scores a batch in order, counting record ids when no record count is given', async () => {
    const detector = createDetector();
    withHistory(detector);
    const ids = Array.from({ length: 200 }, (_, i) => `0035g00000Qw${String(i).padStart(3, '0')}AAJ`);
    const batch = Array.from({ length: 10 }, (_, i) => classified({ ...exportOf(0, at(21, 10, i), 'rest-1'), recordCount: undefined, recordIds: ids }));
    const verdicts = await detector.scoreBatch(batch);
    expect(verdicts.findIndex((v) => v !== null)).toBe(8);
  });

  it('flags a mass delete of PII-bearing records added up across slices of one job', () => {
    const detector = createDetector();
    const del = (n: number, minute: number): Partial<LeakEvent> => ({
      object: 'Contact',
      operation: 'delete',
      recordCount: n,
      occurredAt: at(0, 14, minute),
      actor: { userId: '0055g00000Ag003AAV', sessionId: 'api-1' },
    });
    const verdicts = [0, 1, 2, 3, 4].map((m) => detector.scoreOpen(classified(del(200, m))));
    expect(verdicts.slice(0, 4)).toEqual([null, null, null, null]);
    expect(verdicts[4]?.reasons.map((r) => r.code)).toEqual(['mass_delete_pii']);
    expect(verdicts[4]?.severity).toBe('High');
  });
});
