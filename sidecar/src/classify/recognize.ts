import type { EntityType } from '../contract/entities.js';
import { applyContext } from './context.js';
import type { FieldPlan } from './field-hints.js';
import { RECOGNIZERS } from './recognizers/index.js';
import type { Span } from './span.js';

const FIELD_BOOST = 0.4;

/** Runs every pattern recognizer over one text and scores its finds with context words and field hints. */
export function recognize(text: string, plan: FieldPlan): Span[] {
  const found: Span[] = [];
  const hasDigit = /\d/.test(text);
  for (const r of RECOGNIZERS) {
    if (r.needsDigit && !hasDigit) continue;
    for (const s of r.find(text)) found.push(s);
  }
  const scored = applyContext(found, text);
  if (plan.boost.length === 0) return scored;
  const boosted = new Set<EntityType>(plan.boost);
  return scored.map((s) => (boosted.has(s.type) ? { ...s, score: Math.min(1, s.score + FIELD_BOOST) } : s));
}
