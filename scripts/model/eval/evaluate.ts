// Scores the shipped int8 model through the sidecar's NER path (transformers.js, windows, offsets,
// decoding) on the generated dev split and on the PERSON/LOCATION-bearing records of the shared
// Presidio peer set, and both through `leakwatch classify`; writes eval-metrics.json.
//   tsx scripts/model/eval/evaluate.ts [--work scripts/model/.work]
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { disposeNerModel, getNerModel, type NerModel } from '../../../sidecar/src/classify/ner.js';

interface Span {
  type: string;
  start: number;
  end: number;
}

interface Gold {
  id: string;
  text: string;
  entities: { type: string; start: number; end: number }[];
  lang?: string;
}
interface Prf {
  p: number;
  r: number;
  f: number;
}
interface TypeScore {
  gold: number;
  pred: number;
  exact: Prf;
  overlap: Prf;
}
type Score = (gold: Gold[], preds: { id: string; entities: Span[] }[], opts: { types: string[] }) => { per_type: Record<string, TypeScore> };

const root = resolve(import.meta.dirname, '..', '..', '..');
const TYPES = ['PERSON', 'LOCATION'];

const readJsonl = (file: string): Gold[] =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Gold);

async function predict(model: NerModel, rows: Gold[]): Promise<{ id: string; entities: Span[] }[]> {
  const out: { id: string; entities: Span[] }[] = [];
  const order = [...rows].sort((a, b) => a.text.length - b.text.length);
  for (let i = 0; i < order.length; i += 16) {
    const batch = order.slice(i, i + 16);
    const spans = await model.predict(batch.map((r) => r.text));
    batch.forEach((r, k) => out.push({ id: r.id, entities: spans[k]! }));
  }
  return out;
}

const round = (s: TypeScore) => ({
  gold: s.gold,
  pred: s.pred,
  exact: { p: +s.exact.p.toFixed(3), r: +s.exact.r.toFixed(3), f1: +s.exact.f.toFixed(3) },
  overlap: { p: +s.overlap.p.toFixed(3), r: +s.overlap.r.toFixed(3), f1: +s.overlap.f.toFixed(3) },
});

/** The same records through `leakwatch classify` (recognizers + this model), as the sidecar runs them. */
function classifyCommand(score: Score, peers: Gold[], work: string, model: string, name = 'presidio'): Record<string, unknown> {
  const input = join(work, `${name}-input.jsonl`);
  const output = join(work, `${name}-classify.jsonl`);
  writeFileSync(input, peers.map((r) => JSON.stringify({ id: r.id, text: r.text })).join('\n') + '\n');
  const run = spawnSync('node', [join(root, 'sidecar/bin/leakwatch.mjs'), 'classify', '--model', model, '--input', input, '--output', output], {
    stdio: 'inherit',
  });
  if (run.status !== 0) throw new Error(`leakwatch classify exited with ${run.status}`);
  const s = score(peers, readJsonl(output) as never, { types: TYPES });
  return Object.fromEntries(TYPES.map((t) => [t, round(s.per_type[t]!)]));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      work: { type: 'string', default: join(root, 'scripts/model/.work') },
      model: { type: 'string', default: join(root, 'sidecar/models/leakwatch-ner') },
      peers: { type: 'string', default: join(root, '..', 'shared', 'eval') },
    },
  });
  const { score } = (await import(pathToFileURL(join(values.peers, 'score.mjs')).href)) as { score: Score };
  const tagger = await getNerModel(values.model);
  const report: Record<string, unknown> = {};

  const dev = readJsonl(join(values.work, 'dev.jsonl'));
  const devScore = score(dev, await predict(tagger, dev), { types: TYPES });
  report.dev = Object.fromEntries(TYPES.map((t) => [t, round(devScore.per_type[t]!)]));
  // the dev split as the sidecar reads it: recognizers, this model and the name lexicon (whose names come from the
  // same faker lists as the dev split's, so this flatters names outside them)
  report.devClassifyCommand = classifyCommand(score, dev, values.work, values.model, 'dev');
  const langs = [...new Set(dev.map((r) => r.lang!))];
  report.devByLang = Object.fromEntries(
    await Promise.all(
      langs.map(async (lang) => {
        const rows = dev.filter((r) => r.lang === lang);
        const s = score(rows, await predict(tagger, rows), { types: TYPES });
        return [lang, Object.fromEntries(TYPES.map((t) => [t, +s.per_type[t]!.exact.f.toFixed(3)]))];
      }),
    ),
  );

  const peerFile = join(values.peers, 'presidio_cases.jsonl');
  if (existsSync(peerFile)) {
    const peers = readJsonl(peerFile).filter((r) => r.entities.some((e) => TYPES.includes(e.type)));
    const started = performance.now();
    const preds = await predict(tagger, peers);
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(join(values.work, 'presidio-preds.jsonl'), preds.map((p) => JSON.stringify(p)).join('\n') + '\n');
    const s = score(peers, preds, { types: TYPES });
    report.presidio = {
      records: peers.length,
      recordsPerSecond: Math.round(peers.length / seconds),
      ...Object.fromEntries(TYPES.map((t) => [t, round(s.per_type[t]!)])),
    };
    report.presidioClassifyCommand = classifyCommand(score, peers, values.work, values.model);
  }
  await disposeNerModel();
  writeFileSync(join(values.work, 'eval-metrics.json'), JSON.stringify(report, null, 2));
  console.log(JSON.stringify(report, null, 2));
}

await main();
