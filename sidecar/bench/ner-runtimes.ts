// The two transformers.js runtimes side by side on the shipped int8 NER model (sidecar/models/leakwatch-ner, local
// files only): @huggingface/transformers, which the sidecar uses, and @xenova/transformers 2.x (a devDependency kept
// for this comparison). Each runs in fresh child processes, so that memory figures do not mix, taking turns (three
// processes each) so that a busy machine or a cold file cache weighs on all alike, over the same 500 short free-text
// records of the Salesforce-like corpus: load time, records/s one record per call and in batches of 16, p50 latency
// per record, RSS growth, and whether both give the same argmax label for every token. Figures are medians of the
// processes.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SALESFORCE_CORPUS, readJsonl, type GoldRecord } from '../corpus/gold.js';
import { NO_SPINNING, SHIPPED_MODEL_DIR } from '../src/classify/ner.js';

const RECORDS = 500;
const BATCH = 16;
const PROCESSES = 3;
const MAX_TOKENS = 128;

/** Each runtime and the onnxruntime session options it is measured with. */
const RUNTIMES = {
  huggingface: 'default session',
  'huggingface-sidecar': "the sidecar's session: no spinning",
  xenova: 'default session',
} as const;
type RuntimeName = keyof typeof RUNTIMES;

/** What one child process measures. */
interface Measured {
  library: string;
  onnxruntime: string;
  loadMs: number;
  perRecordPerSecond: number;
  batchedPerSecond: number;
  p50Ms: number;
  rssLoadMb: number;
  rssRunMb: number;
  ids: number[][];
  labels: number[][];
}

/** One loaded runtime: the tokenizer (ids with the special tokens) and the model's logits for padded batches. */
interface Loaded {
  library: string;
  onnxruntime: string;
  encode(text: string): number[];
  logits(batch: number[][]): Promise<{ data: Float32Array; dims: number[] }>;
}

type TensorClass = new (type: 'int64', data: BigInt64Array, dims: number[]) => unknown;
type ModelCall = (inputs: Record<string, unknown>) => Promise<{ logits: { data: unknown; dims: number[] } }>;

/** Short free text: Case descriptions, e-mails, chats and delivery notes, not log lines nor single field values. */
const freeTextRecords = (): string[] =>
  readJsonl<GoldRecord>(SALESFORCE_CORPUS)
    .filter((r) => r.source !== 'log' && (!r.field || r.field.type === 'TEXTAREA') && r.text.length >= 15 && r.text.length <= 300)
    .slice(0, RECORDS)
    .map((r) => r.text);

const truncate = (ids: number[]): number[] => (ids.length <= MAX_TOKENS ? ids : [...ids.slice(0, MAX_TOKENS - 1), ids.at(-1)!]);

/** The same padded int64 inputs the sidecar builds (ner.ts), for either library's Tensor class. */
function modelInputs(Tensor: TensorClass, batch: number[][]): Record<string, unknown> {
  const width = Math.max(...batch.map((ids) => ids.length));
  const inputIds = new BigInt64Array(batch.length * width);
  const mask = new BigInt64Array(batch.length * width);
  batch.forEach((ids, row) =>
    ids.forEach((id, k) => {
      inputIds[row * width + k] = BigInt(id);
      mask[row * width + k] = 1n;
    }),
  );
  const dims = [batch.length, width];
  return {
    input_ids: new Tensor('int64', inputIds, dims),
    attention_mask: new Tensor('int64', mask, dims),
    token_type_ids: new Tensor('int64', new BigInt64Array(batch.length * width), dims),
  };
}

/** The version of onnxruntime-node that `library` resolves to. */
function onnxruntimeVersion(library: string): string {
  const entry = createRequire(import.meta.url).resolve(library);
  const ort = createRequire(entry).resolve('onnxruntime-node');
  const root = ort.slice(0, ort.lastIndexOf('onnxruntime-node') + 'onnxruntime-node'.length);
  return (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

/** Encoding and logits through one library's tokenizer, model and Tensor class. */
function runtime(library: string, onnxruntime: string, Tensor: TensorClass, tokenizer: { encode(text: string): number[] }, model: unknown): Loaded {
  return {
    library,
    onnxruntime,
    encode: (text) => truncate(tokenizer.encode(text)),
    logits: async (batch) => {
      const { logits } = await (model as ModelCall)(modelInputs(Tensor, batch));
      return { data: logits.data as Float32Array, dims: logits.dims };
    },
  };
}

async function load(name: RuntimeName): Promise<Loaded> {
  const modelName = basename(SHIPPED_MODEL_DIR);
  if (name === 'xenova') {
    const lib = await import('@xenova/transformers');
    lib.env.allowRemoteModels = false;
    lib.env.allowLocalModels = true;
    lib.env.localModelPath = dirname(SHIPPED_MODEL_DIR);
    const tokenizer = await lib.AutoTokenizer.from_pretrained(modelName);
    const model = await lib.AutoModelForTokenClassification.from_pretrained(modelName, { quantized: true, local_files_only: true });
    const version = `@xenova/transformers ${lib.env.version}`;
    return runtime(version, onnxruntimeVersion('@xenova/transformers'), lib.Tensor as unknown as TensorClass, tokenizer, model);
  }
  const lib = await import('@huggingface/transformers');
  lib.env.allowRemoteModels = false;
  lib.env.allowLocalModels = true;
  lib.env.logLevel = lib.LogLevel.NONE;
  lib.env.localModelPath = dirname(SHIPPED_MODEL_DIR);
  const tokenizer = await lib.AutoTokenizer.from_pretrained(modelName);
  const model = await lib.AutoModelForTokenClassification.from_pretrained(modelName, {
    dtype: 'q8',
    device: 'cpu',
    ...(name === 'huggingface-sidecar' ? { session_options: { extra: NO_SPINNING } } : {}),
  });
  const version = `@huggingface/transformers ${lib.env.version}`;
  return runtime(version, onnxruntimeVersion('@huggingface/transformers'), lib.Tensor as unknown as TensorClass, tokenizer, model);
}

/** Argmax label per token of each sequence, without the special tokens at either end. */
async function labelsOf(runtime: Loaded, batch: number[][]): Promise<number[][]> {
  const { data, dims } = await runtime.logits(batch);
  const [, width, classes] = dims as [number, number, number];
  return batch.map((ids, row) =>
    ids.slice(1, -1).map((_, t) => {
      const from = (row * width + t + 1) * classes;
      let best = 0;
      for (let c = 1; c < classes; c += 1) if (data[from + c]! > data[from + best]!) best = c;
      return best;
    }),
  );
}

const rssMb = (): number => process.memoryUsage().rss / 2 ** 20;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(name: RuntimeName): Promise<Measured> {
  const texts = freeTextRecords();
  const rss0 = rssMb();
  const started = performance.now();
  const runtime = await load(name);
  const loadMs = performance.now() - started;
  const rssLoaded = rssMb();

  const ids = texts.map((t) => runtime.encode(t));
  for (const sequence of ids.slice(0, BATCH)) await labelsOf(runtime, [sequence]);
  await labelsOf(runtime, ids.slice(0, BATCH));

  const labels: number[][] = [];
  const latencies: number[] = [];
  const passStart = performance.now();
  for (const text of texts) {
    const t0 = performance.now();
    const [found] = await labelsOf(runtime, [runtime.encode(text)]);
    latencies.push(performance.now() - t0);
    labels.push(found!);
  }
  const perRecordPerSecond = texts.length / ((performance.now() - passStart) / 1000);
  const batchStart = performance.now();
  for (let i = 0; i < texts.length; i += BATCH)
    await labelsOf(
      runtime,
      texts.slice(i, i + BATCH).map((t) => runtime.encode(t)),
    );
  return {
    library: runtime.library,
    onnxruntime: runtime.onnxruntime,
    loadMs,
    perRecordPerSecond,
    batchedPerSecond: texts.length / ((performance.now() - batchStart) / 1000),
    p50Ms: median(latencies),
    rssLoadMb: rssLoaded - rss0,
    rssRunMb: rssMb() - rss0,
    ids,
    labels,
  };
}

/** Runs `name` in a fresh process (this file, with the same loader flags) and reads its figures. */
function measureApart(name: RuntimeName): Measured {
  const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), '--runtime', name], {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
  });
  if (run.status !== 0) throw new Error(`${name} exited with ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1)!) as Measured;
}

/** The median of each figure over runs of one runtime; labels and ids from the first run. */
function medianRun(runs: Measured[]): Measured {
  const of = (figure: (m: Measured) => number): number => median(runs.map(figure));
  return {
    ...runs[0]!,
    loadMs: of((m) => m.loadMs),
    perRecordPerSecond: of((m) => m.perRecordPerSecond),
    batchedPerSecond: of((m) => m.batchedPerSecond),
    p50Ms: of((m) => m.p50Ms),
    rssLoadMb: of((m) => m.rssLoadMb),
    rssRunMb: of((m) => m.rssRunMb),
  };
}

/** Share of tokens, and of records, whose argmax labels are the same in `a` and `b` (a record with other ids differs). */
function agreement(a: Measured, b: Measured): { tokens: number; records: number; differing: number; total: number } {
  let same = 0;
  let total = 0;
  let sameRecords = 0;
  a.labels.forEach((labels, i) => {
    const other = b.labels[i]!;
    const sameIds = a.ids[i]!.join() === b.ids[i]!.join();
    const equal = labels.filter((l, t) => sameIds && l === other[t]).length;
    same += equal;
    total += labels.length;
    if (sameIds && equal === labels.length) sameRecords += 1;
  });
  return { tokens: same / total, records: sameRecords / a.labels.length, differing: total - same, total };
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--runtime');
  if (at >= 0) {
    console.log(JSON.stringify(await measure(process.argv[at + 1] as RuntimeName)));
    return;
  }
  const names = Object.keys(RUNTIMES) as RuntimeName[];
  const runs = new Map<RuntimeName, Measured[]>(names.map((n) => [n, []]));
  for (let turn = 0; turn < PROCESSES; turn += 1) for (const name of names) runs.get(name)!.push(measureApart(name));
  const results = new Map(names.map((n) => [n, medianRun(runs.get(n)!)] as const));
  const reference = results.get('huggingface')!;
  const pct = (x: number): string => `${(100 * x).toFixed(2)} %`;
  const mb = (x: number): string => `${Math.round(x)} MB`;
  console.log(`${RECORDS} free-text records of sidecar/corpus/salesforce.jsonl, int8 model, medians of ${PROCESSES} processes per runtime.\n`);
  console.log(
    `| runtime | session | onnxruntime-node | load | records/s, 1 per call | records/s, batch ${BATCH} | p50 per record | RSS growth: load / after runs | argmax labels equal to @huggingface/transformers: tokens / records |`,
  );
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const name of names) {
    const r = results.get(name)!;
    const same = agreement(r, reference);
    console.log(
      `| ${r.library} | ${RUNTIMES[name]} | ${r.onnxruntime} | ${Math.round(r.loadMs)} ms | ${Math.round(r.perRecordPerSecond)} | ` +
        `${Math.round(r.batchedPerSecond)} | ${r.p50Ms.toFixed(2)} ms | ${mb(r.rssLoadMb)} / ${mb(r.rssRunMb)} | ` +
        `${pct(same.tokens)} / ${pct(same.records)} (${same.differing} of ${same.total} tokens differ) |`,
    );
  }
}

await main();
