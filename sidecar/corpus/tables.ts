// The accuracy tables of the README: per type and per language, micro-F1 with overlapping spans (and exact spans
// where the corpus marks whole spans), the recognizers with the NER model and the name lexicon, on Presidio's test
// cases, the Salesforce-like corpus and the independent corpus's dev split. `--with-test` adds the independent
// corpus's frozen test split: run it once, when the classifier work is done (see independent/README.md).
//   npx tsx sidecar/corpus/tables.ts [--with-test]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createClassifier } from '../src/classify/index.js';
import { resolveModelDir } from '../src/classify/ner.js';
import { loadScorer, PRESIDIO_CASES, readJsonl, SALESFORCE_CORPUS, type GoldRecord } from './gold.js';
import { HERE as INDEPENDENT } from './independent/generate.js';
import { predictAll } from './predict.js';

interface Prf {
  p: number;
  r: number;
  f: number;
}
interface Score {
  micro: { overlap: Prf; exact: Prf };
  per_type: Record<string, { gold: number; overlap: Prf; exact: Prf }>;
}

const { values } = parseArgs({ options: { 'with-test': { type: 'boolean', default: false } } });
const corpora: Array<{ name: string; file: string; exact: boolean }> = [
  { name: "Presidio's test cases", file: PRESIDIO_CASES, exact: false },
  { name: 'Salesforce-like', file: SALESFORCE_CORPUS, exact: false },
  { name: 'independent, dev', file: join(INDEPENDENT, 'dev.jsonl'), exact: true },
  ...(values['with-test'] ? [{ name: 'independent, test (frozen)', file: join(INDEPENDENT, 'test.jsonl'), exact: true }] : []),
];

const classifier = createClassifier({ salt: 'tables', modelDir: resolveModelDir() });
const score = (await loadScorer()) as unknown as (gold: GoldRecord[], preds: unknown[]) => Score;
const results: Array<{ name: string; exact: boolean; gold: GoldRecord[]; preds: unknown[]; all: Score }> = [];
for (const c of corpora) {
  const gold = readJsonl<GoldRecord>(c.file);
  const preds = await predictAll(classifier, gold);
  results.push({ ...c, gold, preds, all: score(gold, preds) });
}
await classifier.close();

const f = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '–' : x.toFixed(3));
const cell = (s: { gold: number; overlap: Prf; exact: Prf } | undefined, exact: boolean) =>
  !s || s.gold === 0 ? '–' : exact ? `${f(s.overlap.f)} / ${f(s.exact.f)}` : f(s.overlap.f);
const head = (first: string) =>
  [
    `| ${first} | ${results.map((r) => `${r.name} (${r.gold.length})${r.exact ? ', overlap / exact' : ''}`).join(' | ')} |`,
    `|---|${results.map(() => '---|').join('')}`,
  ].join('\n');

const types = [...new Set(results.flatMap((r) => Object.keys(r.all.per_type)))];
console.log(head('type'));
for (const t of types) console.log(`| ${t} | ${results.map((r) => cell(r.all.per_type[t], r.exact)).join(' | ')} |`);
console.log(
  `| **micro** | ${results.map((r) => `**${r.exact ? `${f(r.all.micro.overlap.f)} / ${f(r.all.micro.exact.f)}` : f(r.all.micro.overlap.f)}**`).join(' | ')} |`,
);

const withLanguages = results.filter((r) => r.gold.some((g) => g.lang));
const langs = [...new Set(withLanguages.flatMap((r) => r.gold.map((g) => g.lang).filter((l): l is string => !!l)))];
console.log(`\n| language | ${withLanguages.map((r) => `${r.name}${r.exact ? ', overlap / exact' : ''}`).join(' | ')} |`);
console.log(`|---|${withLanguages.map(() => '---|').join('')}`);
for (const lang of langs) {
  const cells = withLanguages.map((r) => {
    const gold = r.gold.filter((g) => g.lang === lang);
    if (gold.length === 0) return '–';
    const m = score(gold, r.preds).micro;
    return r.exact ? `${f(m.overlap.f)} / ${f(m.exact.f)}` : f(m.overlap.f);
  });
  console.log(`| ${lang} | ${cells.join(' | ')} |`);
}
