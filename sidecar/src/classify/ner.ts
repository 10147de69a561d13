import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PreTrainedModel, PreTrainedTokenizer, Tensor } from '@huggingface/transformers';
import type { Span } from './span.js';
import { alignTokens, type TokenOffset } from './ner/align.js';
import { decodeEntities, type TokenPrediction } from './ner/decode.js';
import { readLabels, type LabelInfo } from './ner/labels.js';
import { isHighSurrogate, isLowSurrogate } from './recognizers/chars.js';
import { tokenWindows } from './ner/windows.js';

/** The model shipped with the sidecar (transformers.js layout: config.json, tokenizer.json, onnx/). */
export const SHIPPED_MODEL_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'models', 'leakwatch-ner');

/** `LEAKWATCH_MODEL_DIR` when set, else the shipped model. */
export const resolveModelDir = (environment: NodeJS.ProcessEnv = process.env): string =>
  environment.LEAKWATCH_MODEL_DIR ? resolve(environment.LEAKWATCH_MODEL_DIR) : SHIPPED_MODEL_DIR;

interface NerOptions {
  /** Windows per inference call (default 4: on two cores small int8 batches ran fastest). */
  batchSize?: number;
  /** Threads of one inference (default: `LEAKWATCH_NER_THREADS`, else onnxruntime's choice). */
  threads?: number;
  /** Tokens shared by consecutive windows of a long text. */
  overlap?: number;
}

/** A token-classification model with its tokenizer, ready to find PERSON, LOCATION and whatever else it knows. */
export interface NerModel {
  readonly modelDir: string;
  /** Entity spans per text, offsets in the original strings. */
  predict(texts: readonly string[]): Promise<Span[][]>;
  dispose(): Promise<void>;
}

interface Prepared {
  tokens: string[];
  ids: number[];
  offsets: TokenOffset[];
}

const argmaxSoftmax = (logits: Float32Array, from: number, width: number): TokenPrediction => {
  let best = 0;
  let max = -Infinity;
  for (let c = 0; c < width; c += 1) {
    const v = logits[from + c]!;
    if (v > max) {
      max = v;
      best = c;
    }
  }
  let sum = 0;
  for (let c = 0; c < width; c += 1) sum += Math.exp(logits[from + c]! - max);
  return { label: best, prob: 1 / sum };
};

/** The WordPiece model inside a transformers.js tokenizer (not part of its typed interface). */
interface WordPieceModel {
  config?: { type?: string; continuing_subword_prefix?: string };
  tokens_to_ids?: Map<string, number>;
  unk_token?: string;
  max_input_chars_per_word?: number;
  encode?: (words: string[]) => string[];
}

/** Vocabulary pieces by their UTF-16 units, for the longest piece at a place in one walk. */
interface PieceTrie {
  next: Map<number, PieceTrie>;
  /** A piece ends here. */
  piece: string | null;
}

/**
 * Gives the tokenizer's WordPiece model a faster `encode` with the same output: each word split greedily into the
 * longest known pieces (`##` before all but the first), a word with an unknown part or over the length limit one
 * unknown token. The library's own tries every length from the whole word down, joining an array of characters
 * for each; this one walks a trie of the pieces once per piece. The tokenizer was about a tenth of the time of a
 * text the model reads.
 */
function speedUpWordPiece(tokenizer: PreTrainedTokenizer): void {
  const model = (tokenizer as unknown as { _tokenizer?: { model?: WordPieceModel } })._tokenizer?.model;
  const vocab = model?.tokens_to_ids;
  const prefix = model?.config?.continuing_subword_prefix;
  const unk = model?.unk_token;
  if (!model || model.config?.type !== 'WordPiece' || typeof model.encode !== 'function' || !vocab || prefix === undefined || unk === undefined) return;
  const maxChars = model.max_input_chars_per_word ?? 100;
  // Pieces that open a word, and those that continue one (without their prefix).
  const opening: PieceTrie = { next: new Map(), piece: null };
  const continuing: PieceTrie = { next: new Map(), piece: null };
  const add = (root: PieceTrie, units: string, piece: string): void => {
    let node = root;
    for (let i = 0; i < units.length; i += 1) {
      const c = units.charCodeAt(i);
      let child = node.next.get(c);
      if (!child) node.next.set(c, (child = { next: new Map(), piece: null }));
      node = child;
    }
    node.piece = piece;
  };
  for (const piece of vocab.keys()) {
    add(opening, piece, piece);
    if (prefix && piece.startsWith(prefix)) add(continuing, piece.slice(prefix.length), piece);
  }
  // With an empty prefix, a continuing piece is any piece.
  const rest = prefix ? continuing : opening;
  model.encode = (words: string[]): string[] => {
    const out: string[] = [];
    for (const word of words) {
      // The library counts a word's length in code points.
      let chars = 0;
      for (let i = 0; i < word.length; i += 1) if (!(isLowSurrogate(word.charCodeAt(i)) && i > 0 && isHighSurrogate(word.charCodeAt(i - 1)))) chars += 1;
      if (chars > maxChars) {
        out.push(unk);
        continue;
      }
      const first = out.length;
      let unknown = false;
      for (let start = 0; start < word.length;) {
        // The longest piece from `start` that ends between two code points (a piece never splits a surrogate pair).
        let node: PieceTrie | undefined = start > 0 ? rest : opening;
        let best: string | null = null;
        let bestEnd = start;
        for (let i = start; i < word.length && node; i += 1) {
          node = node.next.get(word.charCodeAt(i));
          if (node?.piece != null && !(i + 1 < word.length && isLowSurrogate(word.charCodeAt(i + 1)) && isHighSurrogate(word.charCodeAt(i)))) {
            best = node.piece;
            bestEnd = i + 1;
          }
        }
        if (best === null) {
          unknown = true;
          break;
        }
        out.push(best);
        start = bestEnd;
      }
      if (unknown) {
        out.length = first;
        out.push(unk);
      }
    }
    return out;
  };
}

/** The special tokens the tokenizer puts around a sequence ([CLS] ... [SEP] for BERT, <s> ... </s> for RoBERTa). */
function specialTokens(tokenizer: PreTrainedTokenizer): { prefix: number[]; suffix: number[] } {
  const plain = tokenizer.encode('a', { add_special_tokens: false });
  const full = tokenizer.encode('a');
  const at = full.indexOf(plain[0]!);
  return { prefix: full.slice(0, at), suffix: full.slice(at + plain.length) };
}

/**
 * onnxruntime session settings: idle worker threads sleep instead of spinning, since the sidecar
 * shares its cores with the rest of the process.
 */
export const NO_SPINNING = { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } };

function modelDtype(modelDir: string): 'q8' | 'fp32' {
  const wanted = process.env.LEAKWATCH_MODEL_DTYPE;
  if (wanted === 'fp32' || wanted === 'q8') return wanted;
  return existsSync(join(modelDir, 'onnx', 'model_quantized.onnx')) ? 'q8' : 'fp32';
}

async function load(modelDir: string, options: NerOptions): Promise<NerModel> {
  if (!existsSync(join(modelDir, 'config.json'))) throw new Error(`no NER model at ${modelDir}`);
  // Loaded only when a model is: a sidecar run with LEAKWATCH_MODEL_DIR=none, and every command
  // that classifies nothing, start without the runtime (about two seconds of CPU).
  const { AutoModelForTokenClassification, AutoTokenizer, LogLevel, Tensor, env } = await import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  // On a failed run the library logs the input token ids, which decode back to the text:
  // keep it silent; the error still reaches the caller, which logs it without values.
  env.logLevel = LogLevel.NONE;
  env.localModelPath = dirname(modelDir);
  const name = basename(modelDir);
  const tokenizer: PreTrainedTokenizer = await AutoTokenizer.from_pretrained(name);
  speedUpWordPiece(tokenizer);
  const threads = options.threads ?? (Number(process.env.LEAKWATCH_NER_THREADS) || undefined);
  const model: PreTrainedModel = await AutoModelForTokenClassification.from_pretrained(name, {
    dtype: modelDtype(modelDir),
    device: 'cpu',
    session_options: {
      ...(threads ? { intraOpNumThreads: threads, interOpNumThreads: 1 } : {}),
      extra: NO_SPINNING,
    },
  });
  const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8')) as {
    id2label: Record<string, string>;
    max_position_embeddings?: number;
  };
  const labels: LabelInfo[] = readLabels(config.id2label);
  const maxTokens = Math.min(config.max_position_embeddings ?? 512, tokenizer.model_max_length ?? 512, 512) - 2;
  const overlap = Math.min(options.overlap ?? Math.floor(maxTokens / 4), maxTokens - 1);
  const batchSize = options.batchSize ?? 4;
  const { prefix: cls, suffix: sep } = specialTokens(tokenizer);
  const unk = tokenizer.unk_token ?? '[UNK]';

  const prepare = (text: string): Prepared => {
    const tokens = tokenizer.tokenize(text);
    const ids = tokenizer.convert_tokens_to_ids(tokens) as number[];
    return { tokens, ids, offsets: alignTokens(text, tokens, unk) };
  };

  const predict = async (texts: readonly string[]): Promise<Span[][]> => {
    const prepared = texts.map(prepare);
    const predictions: TokenPrediction[][] = prepared.map((p) => new Array<TokenPrediction>(p.tokens.length));
    const jobs = prepared.flatMap((p, text) => tokenWindows(p.tokens.length, maxTokens, overlap).map((w) => ({ text, w })));
    jobs.sort((a, b) => b.w.end - b.w.start - (a.w.end - a.w.start));
    for (let i = 0; i < jobs.length; i += batchSize) {
      const batch = jobs.slice(i, i + batchSize);
      const width = Math.max(...batch.map((j) => j.w.end - j.w.start)) + cls.length + sep.length;
      if (width <= cls.length + sep.length) continue;
      const inputIds = new BigInt64Array(batch.length * width);
      const mask = new BigInt64Array(batch.length * width);
      batch.forEach(({ text, w }, row) => {
        const seq = [...cls, ...prepared[text]!.ids.slice(w.start, w.end), ...sep];
        seq.forEach((id, k) => {
          inputIds[row * width + k] = BigInt(id);
          mask[row * width + k] = 1n;
        });
      });
      const dims = [batch.length, width];
      const { logits } = (await model({
        input_ids: new Tensor('int64', inputIds, dims),
        attention_mask: new Tensor('int64', mask, dims),
        token_type_ids: new Tensor('int64', new BigInt64Array(batch.length * width), dims),
      })) as { logits: Tensor };
      const data = logits.data as Float32Array;
      const classes = logits.dims[2]!;
      batch.forEach(({ text, w }, row) => {
        for (let t = w.keepStart; t < w.keepEnd; t += 1) {
          const position = row * width + cls.length + (t - w.start);
          predictions[text]![t] = argmaxSoftmax(data, position * classes, classes);
        }
      });
    }
    return prepared.map((p, i) => decodeEntities(p.tokens, p.offsets, predictions[i]!, labels));
  };

  let released: Promise<unknown> | null = null;
  return {
    modelDir,
    predict,
    // Idempotent: the session refuses a second release.
    dispose: async () => {
      released ??= model.dispose();
      await released;
    },
  };
}

let shared: { modelDir: string; promise: Promise<NerModel> } | null = null;

/** The process-wide model for `modelDir` (default: `resolveModelDir()`), loaded once; the promise is shared. */
export function getNerModel(modelDir: string = resolveModelDir(), options: NerOptions = {}): Promise<NerModel> {
  const dir = resolve(modelDir);
  if (shared && shared.modelDir === dir) return shared.promise;
  if (shared) throw new Error(`a NER model is already loaded from ${shared.modelDir}; dispose it first`);
  const promise = load(dir, options);
  shared = { modelDir: dir, promise };
  promise.catch(() => {
    if (shared?.promise === promise) shared = null;
  });
  return promise;
}

/** Releases the process-wide model, if any. */
export async function disposeNerModel(): Promise<void> {
  if (!shared) return;
  const { promise } = shared;
  shared = null;
  const model = await promise.catch(() => null);
  await model?.dispose();
}
