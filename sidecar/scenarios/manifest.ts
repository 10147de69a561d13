import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Incident } from './incidents.js';
import type { Scenario } from './ecommerce.js';

/** The committed description of the default stream: regenerating it must give the same digest. */
export interface StreamManifest {
  seed: number;
  days: number;
  start: string;
  events: number;
  incidentEvents: number;
  sha256: string;
  incidents: Incident[];
}

export const MANIFEST_PATH = fileURLToPath(new URL('./ecommerce.manifest.json', import.meta.url));

export function streamLines(scenario: Scenario): string[] {
  return scenario.events.map((e) => JSON.stringify({ incident: e.incident, input: e.input }));
}

export function manifestOf(scenario: Scenario): StreamManifest {
  const hash = createHash('sha256');
  for (const line of streamLines(scenario)) hash.update(line + '\n');
  return {
    seed: scenario.seed,
    days: scenario.days,
    start: scenario.start,
    events: scenario.events.length,
    incidentEvents: scenario.events.filter((e) => e.incident !== null).length,
    sha256: hash.digest('hex'),
    incidents: scenario.incidents,
  };
}
