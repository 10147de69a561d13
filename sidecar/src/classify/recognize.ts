import type { EntityType } from '../contract/entities.js';
import { applyContext } from './context.js';
import type { FieldPlan } from './field-hints.js';
import { RECOGNIZERS } from './recognizers/index.js';
import type { Span } from './span.js';

const FIELD_BOOST = 0.4;

/** Runs every pattern recognizer over one text and scores its finds with context words and field hints. */
export const recognize = (text: string, plan: FieldPlan): Span[] => recognizeMany([text], [plan])[0]!;

/**
 * `recognize` for many texts: each recognizer runs over all of them before the next one starts, so that its
 * expressions stay in the processor's caches (run text by text, the expressions of all the recognizers take turns
 * and each text costs about half as much again). A text's finds come in the same order either way.
 */
export function recognizeMany(texts: readonly string[], plans: readonly FieldPlan[]): Span[][] {
  const found = texts.map((): Span[] => []);
  const hasDigit = texts.map((text) => /\d/.test(text));
  for (const r of RECOGNIZERS) {
    texts.forEach((text, i) => {
      if (r.needsDigit && !hasDigit[i]) return;
      const into = found[i]!;
      for (const s of r.find(text)) into.push(s);
    });
  }
  return texts.map((text, i) => score(found[i]!, text, plans[i]!));
}

/** Finds scored with context words and field hints. */
function score(found: Span[], text: string, plan: FieldPlan): Span[] {
  const scored = applyContext(found, text);
  if (plan.boost.length === 0) return scored;
  const boosted = new Set<EntityType>(plan.boost);
  return scored.map((s) => (boosted.has(s.type) ? { ...s, score: Math.min(1, s.score + FIELD_BOOST) } : s));
}
