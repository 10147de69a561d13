// Events per second the detector scores on one core: the labelled e-commerce stream
// (already classified: classification is excluded), replayed for several orgs so that
// state keeps growing, with canaries registered. Best of three runs after a warm-up run.
import type { ClassifiedEvent } from '../src/contract/verdict.js';
import { createDetector } from '../src/detect/index.js';
import { generateScenario } from '../scenarios/ecommerce.js';

const TARGET = 20_000;
const ORGS = 8;
const RUNS = 3;

function orgId(i: number): string {
  return `00D5g000004Cx${String(i).padStart(2, '0')}EAC`;
}

function main(): void {
  const scenario = generateScenario();
  const inputs: ClassifiedEvent[] = [];
  for (const e of scenario.events) for (let o = 0; o < ORGS; o++) inputs.push({ ...e.input, orgId: orgId(o) });

  const runOnce = (): { seconds: number; verdicts: number } => {
    const detector = createDetector({
      config: {
        canaries: [
          { kind: 'record', recordId: scenario.canaries.recordId },
          { kind: 'marker', value: scenario.canaries.marker },
        ],
      },
    });
    let verdicts = 0;
    const started = performance.now();
    for (const input of inputs) if (detector.scoreOpen(input)) verdicts++;
    return { seconds: (performance.now() - started) / 1000, verdicts };
  };

  runOnce();
  const runs = Array.from({ length: RUNS }, runOnce);
  const best = runs.reduce((a, b) => (a.seconds <= b.seconds ? a : b));
  const rate = inputs.length / best.seconds;
  const perEventUs = (best.seconds * 1e6) / inputs.length;

  console.log(`${inputs.length} classified events (${scenario.events.length} × ${ORGS} orgs, ${scenario.days} days each), one core, best of ${RUNS}\n`);
  console.log('| metric | figure | target |');
  console.log('|---|---:|---:|');
  console.log(`| events scored per second | ${Math.round(rate).toLocaleString('en')} | ≥ ${TARGET.toLocaleString('en')} ${rate >= TARGET ? '✓' : '✗'} |`);
  console.log(`| mean time per event | ${perEventUs.toFixed(1)} µs | ≤ ${(1e6 / TARGET).toFixed(0)} µs |`);
  console.log(`| verdicts raised | ${best.verdicts} | — |`);
}

main();
