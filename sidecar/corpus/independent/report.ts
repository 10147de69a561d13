/**
 * Scores the classifier on one split of the independent corpus.
 *   npx tsx sidecar/corpus/independent/report.ts [dev|test] [--ner]
 * Recognizers only by default; --ner adds the shipped NER model (when its files are present).
 * The test split is frozen and meant to be measured once, at the end of the classifier work.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createClassifier } from '../../src/classify/index.js';
import { resolveModelDir } from '../../src/classify/ner.js';
import { loadScorer, readJsonl, type GoldRecord } from '../gold.js';
import { predictAll } from '../predict.js';
import { HERE } from './generate.js';

const args = process.argv.slice(2);
const split = args.find((a) => !a.startsWith('--')) ?? 'dev';
if (!['dev', 'test'].includes(split)) {
  console.error('usage: report.ts [dev|test] [--ner]');
  process.exit(2);
}
const ner = args.includes('--ner');

const f3 = (x: number): string => x.toFixed(3);
function table(rows: string[][]): string {
  const w = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows
    .map((r, k) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]!) : c.padStart(w[i]!))).join('  ') + (k === 0 ? '\n' + w.map((n) => '-'.repeat(n)).join('  ') : ''))
    .join('\n');
}
type S = { gold: number; pred: number; exact: { p: number; r: number; f: number }; overlap: { p: number; r: number; f: number } };
const line = (name: string, s: S): string[] => [
  name,
  String(s.gold),
  String(s.pred),
  f3(s.overlap.p),
  f3(s.overlap.r),
  f3(s.overlap.f),
  f3(s.exact.p),
  f3(s.exact.r),
  f3(s.exact.f),
];
const HEAD = ['', 'gold', 'pred', 'ov.P', 'ov.R', 'ov.F1', 'ex.P', 'ex.R', 'ex.F1'];

async function main(): Promise<void> {
  const gold = readJsonl<GoldRecord>(join(HERE, `${split}.jsonl`));
  let classifier;
  if (ner) {
    // The shipped model, or the one LEAKWATCH_MODEL_DIR names.
    const modelDir = resolveModelDir();
    if (!existsSync(join(modelDir, 'config.json'))) {
      console.error(`no NER model at ${modelDir}`);
      process.exit(2);
    }
    classifier = createClassifier({ salt: 'eval', modelDir });
  } else classifier = createClassifier({ salt: 'eval' });
  const preds = await predictAll(classifier, gold);
  await classifier.close();
  const score = await loadScorer();
  const res = score(gold, preds) as unknown as {
    per_type: Record<string, S>;
    micro: S;
    hard_negatives: Record<string, { n: number; hit: number; by: Record<string, number> }>;
  };

  console.log(`independent corpus, split=${split}, records=${gold.length}, ${ner ? 'recognizers + NER' : 'recognizers only'}\n`);
  console.log('Per type');
  console.log(table([['type', ...HEAD.slice(1)], ...Object.entries(res.per_type).map(([t, s]) => line(t, s)), line('MICRO', res.micro)]));

  console.log('\nPer language (micro over types)');
  const langs = [...new Set(gold.map((g) => g.lang!))];
  console.log(
    table([
      ['lang', ...HEAD.slice(1)],
      ...langs.map((l) =>
        line(
          l,
          (
            score(
              gold.filter((g) => g.lang === l),
              preds,
            ) as unknown as { micro: S }
          ).micro,
        ),
      ),
    ]),
  );

  console.log('\nPer source (micro over types)');
  const sources = [...new Set(gold.map((g) => g.source!))];
  console.log(
    table([
      ['source', ...HEAD.slice(1)],
      ...sources.map((s) =>
        line(
          s,
          (
            score(
              gold.filter((g) => g.source === s),
              preds,
            ) as unknown as { micro: S }
          ).micro,
        ),
      ),
    ]),
  );

  console.log('\nHard negatives hit (a look-alike overlapped by any prediction that is not a gold entity)');
  console.log(
    table([
      ['kind', 'n', 'hit', 'rate', 'hit by'],
      ...Object.entries(res.hard_negatives)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [
          k,
          String(v.n),
          String(v.hit),
          f3(v.n ? v.hit / v.n : 0),
          Object.entries(v.by)
            .map(([t, n]) => `${t}:${n}`)
            .join(' '),
        ]),
    ]),
  );
  console.log(`\nmicro-F1(overlap)=${f3(res.micro.overlap.f)} micro-F1(exact)=${f3(res.micro.exact.f)}`);
}
void main();
