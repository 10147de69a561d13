// Runs the shipped int8 model through transformers.js and turns token labels into character spans.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoModelForTokenClassification, Tensor, env } from '@huggingface/transformers';
import { WordPiece, type Piece } from './offsets.js';

export interface Span { type: string; start: number; end: number; score: number }

export interface Tagger {
  tag(texts: string[]): Promise<Span[][]>;
}

function decode(pieces: Piece[], labels: string[], scores: number[]): Span[] {
  const spans: Span[] = [];
  let cur: (Span & { n: number }) | undefined;
  pieces.forEach((p, i) => {
    const label = labels[i] ?? 'O';
    if (label === 'O') {
      cur = undefined;
      return;
    }
    const kind = label.slice(2);
    if (label.startsWith('I-') && cur && cur.type === kind) {
      cur.end = p.end;
      cur.score += scores[i] ?? 0;
      cur.n += 1;
      return;
    }
    cur = { type: kind, start: p.start, end: p.end, score: scores[i] ?? 0, n: 1 };
    spans.push(cur);
  });
  return spans.map((s) => {
    const { n, ...span } = s as Span & { n: number };
    return { ...span, score: span.score / n };
  });
}

export async function loadTagger(modelsDir: string, name: string): Promise<Tagger> {
  env.allowRemoteModels = false;
  env.localModelPath = modelsDir;
  const folder = join(modelsDir, name);
  const tokenizer = JSON.parse(readFileSync(join(folder, 'tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
  const config = JSON.parse(readFileSync(join(folder, 'config.json'), 'utf8')) as { id2label: Record<string, string>; max_position_embeddings: number };
  const wp = new WordPiece(new Map(Object.entries(tokenizer.model.vocab)));
  const window = config.max_position_embeddings - 2;
  const model = await AutoModelForTokenClassification.from_pretrained(name, { dtype: 'q8' });
  const cls = tokenizer.model.vocab['[CLS]']!;
  const sep = tokenizer.model.vocab['[SEP]']!;

  return {
    async tag(texts) {
      const owner: number[] = [];
      const rows: Piece[][] = [];
      texts.forEach((t, i) => {
        const pieces = wp.encode(t);
        for (let k = 0; k === 0 || k < pieces.length; k += window) {
          rows.push(pieces.slice(k, k + window));
          owner.push(i);
        }
      });
      const width = Math.max(...rows.map((r) => r.length)) + 2;
      const ids = new BigInt64Array(rows.length * width);
      const mask = new BigInt64Array(rows.length * width);
      rows.forEach((r, b) => {
        const seq = [cls, ...r.map((p) => p.id), sep];
        seq.forEach((id, t) => {
          ids[b * width + t] = BigInt(id);
          mask[b * width + t] = 1n;
        });
      });
      const dims = [rows.length, width];
      const { logits } = (await model({
        input_ids: new Tensor('int64', ids, dims),
        attention_mask: new Tensor('int64', mask, dims),
        token_type_ids: new Tensor('int64', new BigInt64Array(rows.length * width), dims),
      })) as { logits: Tensor };
      const data = logits.data as Float32Array;
      const nLabels = logits.dims[2]!;
      const out: Span[][] = texts.map(() => []);
      rows.forEach((r, b) => {
        const labels: string[] = [];
        const scores: number[] = [];
        r.forEach((_, t) => {
          const base = (b * width + t + 1) * nLabels;
          let best = 0;
          let sum = 0;
          const max = Math.max(...Array.from(data.subarray(base, base + nLabels)));
          for (let k = 0; k < nLabels; k++) {
            sum += Math.exp(data[base + k]! - max);
            if (data[base + k]! > data[base + best]!) best = k;
          }
          labels.push(config.id2label[String(best)] ?? 'O');
          scores.push(1 / sum);
        });
        out[owner[b]!]!.push(...decode(r, labels, scores));
      });
      return out;
    },
  };
}
