import { describe, expect, it } from 'vitest';
import type { LeakEvent } from '../../src/contract/event.js';
import type { Verdict } from '../../src/contract/verdict.js';
import { createDetector, memoryStateSource, type DetectionState } from '../../src/detect/index.js';
import { resolveDetectionConfig } from '../../src/detect/config.js';
import { DRILL_CANARIES, drillActorId, drillEvents } from '../../src/drill/drill-events.js';
import { isDrillEvent, withoutDrillMark } from '../../src/drill/mark.js';
import { correlate, DEFAULT_INCIDENT_SETTINGS, type CorrelationInput } from '../../src/incidents/correlate.js';
import type { StoredEvent } from '../../src/ingest/stored-event.js';
import { notificationOf } from '../../src/notify/outbox.js';

const ORG = '00D5g000004Cx1aEAC';
const DRILL_ID = '6f1c2d3e-0000-4000-8000-00000000abcd';
const NOW = new Date('2026-11-30T10:00:00Z');

let keys = 0;
const newKey = () => `10000000-0000-4000-8000-${String((keys += 1)).padStart(12, '0')}`;

/** A correlation input for an event, with a canary verdict (drill) or a volume one (real). */
function inputOf(event: LeakEvent): CorrelationInput {
  const code = isDrillEvent(event) ? 'canary_touched' : 'volume_anomaly';
  const verdict: Verdict = {
    eventId: event.id,
    orgId: ORG,
    severity: 'Critical',
    riskScore: 90,
    reasons: [{ code, weight: 90, message: `${code}.` }],
    piiTypes: [],
    zScore: null,
  };
  return { orgId: ORG, stored: { orgId: ORG, event, findings: [], notes: [] } as StoredEvent, verdict, detectedAt: NOW };
}

/** A real event by the drill's own actor and session, a minute after the drill. */
const realByDrillActor = (): LeakEvent => ({
  id: crypto.randomUUID(),
  kind: 'export',
  operation: 'export',
  occurredAt: new Date(NOW.getTime() + 60_000).toISOString(),
  actor: { userId: drillActorId(DRILL_ID), sessionId: `drill-${DRILL_ID}` },
  object: 'Contact',
  recordCount: 5_000,
});

describe('drills in correlation', () => {
  it('opens a drill incident titled as one, and a real verdict of the same actor and session opens its own', () => {
    const drill = drillEvents(DRILL_ID, NOW).map(inputOf);
    const { changed } = correlate([], [...drill, inputOf(realByDrillActor())], DEFAULT_INCIDENT_SETTINGS, newKey);
    expect(changed).toHaveLength(2);
    const drillIncident = changed.find((s) => s.drill)!;
    expect(drillIncident.verdictCount).toBe(2);
    expect(drillIncident.title).toMatch(/^Drill: Canary records read \(Contact\)/);
    const real = changed.find((s) => !s.drill)!;
    expect(real.verdictCount).toBe(1);
    expect(real.title).not.toMatch(/^Drill/);
    expect(notificationOf(drillIncident).drill).toBe(true);
    expect(notificationOf(real)).not.toHaveProperty('drill');
  });

  it('never adds a drill verdict to an open real incident, nor a real verdict to an open drill incident', () => {
    const real = correlate([], [inputOf(realByDrillActor())], DEFAULT_INCIDENT_SETTINGS, newKey).changed[0]!;
    const withDrill = correlate([real], drillEvents(DRILL_ID, NOW).map(inputOf), DEFAULT_INCIDENT_SETTINGS, newKey).changed;
    expect(withDrill.map((s) => s.key)).not.toContain(real.key);
    const drill = withDrill[0]!;
    const again = correlate([drill], [inputOf(realByDrillActor())], DEFAULT_INCIDENT_SETTINGS, newKey).changed;
    expect(again.map((s) => s.key)).not.toContain(drill.key);
  });
});

describe('drills in the detector', () => {
  it('raises the canary verdict and teaches the baselines nothing', async () => {
    const config = resolveDetectionConfig();
    const source = memoryStateSource(config);
    const detector = createDetector({ states: source });
    for (const canary of DRILL_CANARIES) await detector.registerCanary(ORG, canary);
    const state = (await source.open(ORG)) as DetectionState;
    for (const event of drillEvents(DRILL_ID, NOW)) {
      const verdict = await detector.score({ orgId: ORG, event, findings: [] });
      // Unclassified here, the marker values are seen too; no other rule runs.
      expect(verdict?.reasons.map((r) => r.code).sort()).toEqual(['canary_touched', 'canary_value_seen']);
      expect(verdict?.severity).toBe('Critical');
    }
    expect(state.observedSince('volume')).toBeUndefined();
    expect(state.firstDay('activity', drillActorId(DRILL_ID))).toBeUndefined();
    // The same event without the mark is real activity: it is learnt from.
    const [first] = drillEvents(DRILL_ID, NOW);
    await detector.score({ orgId: ORG, event: withoutDrillMark(first) as LeakEvent, findings: [] });
    expect(state.observedSince('volume')).toBeDefined();
  });
});

describe('the drill mark', () => {
  it('is the boolean details.drill only, and is taken off events received from outside', () => {
    expect(isDrillEvent({ details: { drill: true } })).toBe(true);
    expect(isDrillEvent({ details: { drill: 'true' } })).toBe(false);
    expect(isDrillEvent({})).toBe(false);
    expect(withoutDrillMark({ id: 'x', details: { drill: true, query: 'q' } })).toEqual({ id: 'x', details: { query: 'q' } });
    const untouched = { id: 'y', details: { query: 'q' } };
    expect(withoutDrillMark(untouched)).toBe(untouched);
    expect(withoutDrillMark(null)).toBeNull();
  });
});
