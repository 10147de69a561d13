import { injectIncidents, type Incident } from './incidents.js';
import { normalDay } from './normal-traffic.js';
import { CANARIES } from './org.js';
import { Random } from '../src/synthetic/random.js';
import { StreamBuilder, type LabelledEvent } from './stream-builder.js';

export const DEFAULT_SEED = 20261102;
export const DEFAULT_DAYS = 42;
/** A Monday, so day 0 of the stream is a Monday. */
export const STREAM_START = '2026-09-07T00:00:00.000Z';

export interface Scenario {
  seed: number;
  days: number;
  start: string;
  events: LabelledEvent[];
  incidents: Incident[];
  canaries: { recordId: string; marker: string };
}

/**
 * Weeks of ordinary traffic in an e-commerce org (nightly commerce sync, ERP
 * bridge, weekly marketing exports, service agents in two shifts with some
 * overtime and a new hire, sales reps, an admin) with every incident kind
 * injected after the warm-up week. The same seed always gives the same stream.
 */
export function generateScenario(seed = DEFAULT_SEED, days = DEFAULT_DAYS): Scenario {
  const builder = new StreamBuilder(new Random(seed), Date.parse(STREAM_START));
  for (let day = 0; day < days; day++) normalDay(builder, day);
  const incidents = injectIncidents(builder).filter((i) => i.day < days);
  const kept = new Set(incidents.map((i) => i.id));
  const events = builder.sorted().filter((e) => e.incident === null || kept.has(e.incident));
  return {
    seed,
    days,
    start: STREAM_START,
    events,
    incidents,
    canaries: { recordId: CANARIES.contactId, marker: CANARIES.marker },
  };
}
