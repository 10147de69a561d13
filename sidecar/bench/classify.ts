// Classifier throughput and accuracy on Presidio's test cases (../shared/eval) and the Salesforce-like corpus,
// side by side with @openredaction/openredaction and redact-pii measured in the same run: records/s, MB/s
// (UTF-8 bytes of the texts) and micro-F1 (overlap) by the shared scorer. The recognizer layer runs after three
// warm-up passes, best of five; the full pipeline (recognizers + the shipped NER model, batches of 64) and the
// peers run best of three after three warm-up passes. The full pipeline runs twice: on one thread, and as the sidecar
// runs it, in its pool of classification threads (one per core, one model each) with as many batches in flight.
// Bounded: a few passes over ~2,900 records.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';
import { createClassifier, SHIPPED_MODEL_DIR } from '../src/classify/index.js';
import { createClassifyPool } from '../src/ingest/classify-pool.js';
import { loadScorer, PRESIDIO_CASES, readJsonl, SALESFORCE_CORPUS, type GoldRecord, type Prediction } from '../corpus/gold.js';
import { openRedaction, redactPii } from '../corpus/peers.js';
import { predictAll } from '../corpus/predict.js';

const RECOGNIZER_TARGET = 20_000;
const RUNS = 5;
const WARM_UP_PASSES = 3;

interface Row {
  corpus: string;
  system: string;
  perSecond: number;
  mbPerSecond: number;
  f1: number;
}

type Predict = (gold: GoldRecord[]) => Promise<Prediction[]>;

async function measure(gold: GoldRecord[], predict: Predict, runs: number): Promise<{ seconds: number; preds: Prediction[] }> {
  for (let i = 0; i < (runs > 1 ? WARM_UP_PASSES : 1); i += 1) await predict(runs > 1 ? gold : gold.slice(0, 200));
  let best = Infinity;
  let preds: Prediction[] = [];
  for (let i = 0; i < runs; i += 1) {
    const started = performance.now();
    preds = await predict(gold);
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return { seconds: best, preds };
}

async function main(): Promise<void> {
  const score = await loadScorer();
  const corpora = { presidio: readJsonl<GoldRecord>(PRESIDIO_CASES), salesforce: readJsonl<GoldRecord>(SALESFORCE_CORPUS) };
  const hasModel = existsSync(join(SHIPPED_MODEL_DIR, 'config.json'));
  const recognizers = createClassifier({ salt: 'bench' });
  const full = hasModel ? createClassifier({ salt: 'bench', modelDir: SHIPPED_MODEL_DIR }) : null;
  await full?.ready();
  const cores = availableParallelism();
  const pool = hasModel ? createClassifyPool({ threads: cores, classifier: { salt: 'bench', modelDir: SHIPPED_MODEL_DIR } }) : null;
  await pool?.ready();
  const peers = [openRedaction(), redactPii()];
  const systems: Array<{ name: string; runs: number; predict: Predict }> = [
    { name: 'leakwatch recognizers', runs: RUNS, predict: (g) => predictAll(recognizers, g, 256) },
    ...(full ? [{ name: 'leakwatch full (recognizers + NER), 1 thread', runs: 3, predict: (g: GoldRecord[]) => predictAll(full, g, 64) }] : []),
    ...(pool ? [{ name: `leakwatch full (recognizers + NER), ${cores} threads`, runs: 3, predict: (g: GoldRecord[]) => predictAll(pool, g, 64, cores) }] : []),
    ...peers.map((p) => ({
      name: p.name,
      runs: 3,
      predict: async (g: GoldRecord[]) => g.map((r) => ({ id: r.id, entities: p.detect(r.text) })),
    })),
  ];

  const rows: Row[] = [];
  for (const [corpus, gold] of Object.entries(corpora)) {
    const megabytes = gold.reduce((n, r) => n + Buffer.byteLength(r.text), 0) / 1e6;
    for (const system of systems) {
      const { seconds, preds } = await measure(gold, system.predict, system.runs);
      rows.push({ corpus, system: system.name, perSecond: gold.length / seconds, mbPerSecond: megabytes / seconds, f1: score(gold, preds).micro.overlap.f });
    }
  }
  await full?.close();
  await pool?.close();

  const openredactionRate = (corpus: string): number => rows.find((r) => r.corpus === corpus && r.system.includes('openredaction'))!.perSecond;
  const target = (r: Row): string => {
    if (r.system === 'leakwatch recognizers') return `≥ ${RECOGNIZER_TARGET.toLocaleString('en')} records/s ${r.perSecond >= RECOGNIZER_TARGET ? '✓' : '✗'}`;
    if (r.system.startsWith('leakwatch full')) {
      const peer = openredactionRate(r.corpus);
      return `≥ openredaction (${Math.round(peer).toLocaleString('en')}/s) ${r.perSecond >= peer ? '✓' : '✗'}`;
    }
    return '';
  };
  console.log('| corpus | system | records/s | MB/s | micro-F1 (overlap) | target |');
  console.log('|---|---|---:|---:|---:|---|');
  for (const r of rows) {
    console.log(
      `| ${r.corpus} | ${r.system} | ${Math.round(r.perSecond).toLocaleString('en')} | ${r.mbPerSecond.toFixed(2)} | ${r.f1.toFixed(3)} | ${target(r)} |`,
    );
  }
  if (!full) console.log(`\nNo NER model at ${SHIPPED_MODEL_DIR}: the full pipeline was not measured.`);
}

await main();
