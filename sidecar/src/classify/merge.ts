import { overlaps, type Span } from './span.js';

const length = (s: Span): number => s.end - s.start;

/**
 * Resolves overlapping and nested spans found by different detectors: the highest score wins, then the longer span;
 * overlapping spans of one type are joined into one.
 */
export function mergeSpans(spans: Span[]): Span[] {
  if (spans.length <= 1) return spans;
  const ranked = [...spans].sort((a, b) => b.score - a.score || length(b) - length(a) || a.start - b.start);
  const kept: Span[] = [];
  for (const span of ranked) {
    const clash = kept.findIndex((k) => overlaps(k, span));
    if (clash < 0) {
      kept.push(span);
      continue;
    }
    const winner = kept[clash]!;
    const others = kept.filter((k, i) => i !== clash && overlaps(k, span));
    if (winner.type === span.type && others.length === 0) {
      kept[clash] = { ...winner, start: Math.min(winner.start, span.start), end: Math.max(winner.end, span.end) };
    }
  }
  return kept.sort((a, b) => a.start - b.start);
}
