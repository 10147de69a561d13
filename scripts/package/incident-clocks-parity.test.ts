/**
 * The incident console (force-app/main/dashboards/lwc/incidentClocks) shows the sidecar's regulatory clocks. Lightning
 * components cannot import the sidecar, so the component keeps its own copy of the thresholds, and of the deadlines
 * for incidents opened by hand; these tests pin both to the sidecar's (`notify/clocks.ts`, `incidents/clocks-status.ts`).
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLOCK_DEADLINES, CLOCK_NAMES, CLOCK_STATES, clockStatus, REMINDER_THRESHOLDS } from '../../sidecar/src/incidents/clocks-status.js';
import { deadlinesFrom } from '../../sidecar/src/notify/clocks.js';
import { packageDir } from './project.js';

interface ComponentClocks {
  THRESHOLDS: { state: string; share: number }[];
  CLOCK_STATES: string[];
  deadlinesFrom(awareness: string): Record<string, string>;
  clockState(clock: { startedAt: string; deadline: string; metAt: string | null }, now: number): { state: string };
}

const loadComponent = async (): Promise<ComponentClocks> =>
  (await import(pathToFileURL(join(packageDir, 'main/dashboards/lwc/incidentClocks/incidentClocks.js')).href)) as ComponentClocks;

const HOUR = 3_600_000;
// Awareness at month ends and around a leap day, where "one month later" is easiest to get wrong.
const AWARENESS = ['2026-11-20T10:00:00.000Z', '2027-01-28T23:30:00.000Z', '2028-01-29T12:00:00.000Z', '2026-03-31T00:00:00.000Z'];
// From awareness to well past the final report's deadline.
const OFFSETS_HOURS = [0, 1, 11.9, 12, 21.6, 23.99, 24, 24.01, 35.9, 36, 64.8, 70, 72, 72.5, 100, 400, 700, 744, 800, 900];

describe('the incident console counts as the sidecar does', () => {
  it('uses the sidecar reminder thresholds and reports its states', async () => {
    const component = await loadComponent();
    expect(component.THRESHOLDS).toEqual(REMINDER_THRESHOLDS.map(({ state, share }) => ({ state, share })));
    expect(component.CLOCK_STATES).toEqual(expect.arrayContaining([...CLOCK_STATES]));
  });

  it('computes the same deadlines for an incident opened by hand', async () => {
    const component = await loadComponent();
    for (const awareness of AWARENESS) expect(component.deadlinesFrom(awareness)).toEqual(deadlinesFrom(awareness));
  });

  it('puts every clock in the same state at every moment', async () => {
    const component = await loadComponent();
    for (const awareness of AWARENESS) {
      const deadlines = deadlinesFrom(awareness);
      for (const hours of OFFSETS_HOURS) {
        const now = new Date(Date.parse(awareness) + hours * HOUR);
        const status = clockStatus({ openedAt: awareness }, now);
        for (const name of CLOCK_NAMES) {
          const shown = component.clockState({ startedAt: awareness, deadline: deadlines[CLOCK_DEADLINES[name]], metAt: null }, now.getTime());
          expect({ name, awareness, hours, state: shown.state }).toEqual({ name, awareness, hours, state: status?.[name]?.state });
        }
      }
    }
  });
});
