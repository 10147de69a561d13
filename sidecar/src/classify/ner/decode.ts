import type { Span } from '../span.js';
import type { TokenOffset } from './align.js';
import type { LabelInfo } from './labels.js';

/** The label a window chose for one token and its probability. */
export interface TokenPrediction {
  label: number;
  prob: number;
}

/**
 * Turns per-token labels into entity spans: a word (a token and its `##` continuations) takes its first token's
 * label; consecutive words of one type join unless a B tag starts a new entity. Spans run from the first
 * token's start to the last token's end in the original string; the score is the mean first-token probability.
 */
export function decodeEntities(
  tokens: readonly string[],
  offsets: readonly TokenOffset[],
  predictions: readonly TokenPrediction[],
  labels: readonly LabelInfo[],
): Span[] {
  const spans: Span[] = [];
  let current: { span: Span; probs: number[] } | null = null;
  const close = (): void => {
    if (!current) return;
    const mean = current.probs.reduce((a, b) => a + b, 0) / current.probs.length;
    spans.push({ ...current.span, score: mean });
    current = null;
  };
  for (let t = 0; t < tokens.length; t += 1) {
    const offset = offsets[t];
    if (!offset) continue;
    if (tokens[t]!.startsWith('##')) {
      if (current) current.span.end = Math.max(current.span.end, offset[1]);
      continue;
    }
    const { label, prob } = predictions[t]!;
    const info = labels[label] ?? { tag: 'O', type: null };
    if (info.type === null) {
      close();
      continue;
    }
    const spanSoFar = current as { span: Span; probs: number[] } | null;
    if (spanSoFar && info.tag === 'I' && spanSoFar.span.type === info.type) {
      spanSoFar.span.end = offset[1];
      spanSoFar.probs.push(prob);
      continue;
    }
    close();
    current = { span: { type: info.type, start: offset[0], end: offset[1], score: 0, detector: 'ner' }, probs: [prob] };
  }
  close();
  return spans;
}
