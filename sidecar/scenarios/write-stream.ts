/**
 * Writes the labelled e-commerce stream as NDJSON (one `{incident, input}` per
 * line) and refreshes its manifest (seed, size, digest, injected incidents).
 *   npx tsx sidecar/scenarios/write-stream.ts [out.ndjson] [seed] [days]
 */
import { writeFileSync } from 'node:fs';
import { DEFAULT_DAYS, DEFAULT_SEED, generateScenario } from './ecommerce.js';
import { manifestOf, MANIFEST_PATH, streamLines } from './manifest.js';

const [out, seedArg, daysArg] = process.argv.slice(2);
const scenario = generateScenario(seedArg ? Number(seedArg) : DEFAULT_SEED, daysArg ? Number(daysArg) : DEFAULT_DAYS);
if (out) writeFileSync(out, streamLines(scenario).join('\n') + '\n');
const manifest = manifestOf(scenario);
if (scenario.seed === DEFAULT_SEED && scenario.days === DEFAULT_DAYS) writeFileSync(MANIFEST_PATH, JSON.stringify(manifest, null, 2) + '\n');
console.log(`${manifest.events} events, ${manifest.incidents.length} incidents, sha256 ${manifest.sha256}`);
