import type { Classifier, ClassifyInput, Entity, EntityType } from '../contract/entities.js';
import { planField, wholeValueSpan } from './field-hints.js';
import { hashValue } from './hash.js';
import { compileAllowList, compileDenyList, type AllowEntry, type DenyEntry } from './lists.js';
import { maskValue } from './mask.js';
import { mergeSpans } from './merge.js';
import { recognize } from './recognize.js';
import type { Span } from './span.js';
import { resolveThresholds, type Thresholds } from './thresholds.js';

export { hashValue } from './hash.js';
export { maskValue } from './mask.js';
export type { AllowEntry, DenyEntry } from './lists.js';
export type { Thresholds } from './thresholds.js';

export interface ClassifierOptions {
  /** Salt (per org) for the value hashes. */
  salt: string;
  /** Values never reported, e.g. the company's own support address. */
  allow?: readonly AllowEntry[];
  /** Terms always reported with their type. */
  deny?: readonly DenyEntry[];
  /** Minimum score per type (defaults: 0.5). */
  thresholds?: Thresholds;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/** The pattern layer of the classifier: recognizers, context, field hints, lists, thresholds and merging. */
export function createClassifier(options: ClassifierOptions): Classifier {
  const allowed = compileAllowList(options.allow ?? []);
  const denied = compileDenyList(options.deny ?? []);
  const thresholds = resolveThresholds(options.thresholds);

  const toEntity = (text: string, s: Span): Entity => {
    const value = text.slice(s.start, s.end);
    return {
      type: s.type,
      start: s.start,
      end: s.end,
      score: round3(s.score),
      detector: s.detector,
      masked: maskValue(s.type, value),
      hash: hashValue(s.type as EntityType, value, options.salt),
    };
  };

  const classifyOne = (input: ClassifyInput): Entity[] => {
    const { text } = input;
    if (!text) return [];
    const plan = planField(input.field);
    const spans = recognize(text, plan);
    const whole = wholeValueSpan(plan, text, input.field?.type);
    if (whole) spans.push(whole);
    spans.push(...denied(text));
    const kept = spans.filter((s) => s.score >= thresholds[s.type] && !allowed(text.slice(s.start, s.end)));
    return mergeSpans(kept).map((s) => toEntity(text, s));
  };

  return {
    modelLoaded: false,
    classify: async (input) => classifyOne(input),
    classifyMany: async (inputs) => inputs.map(classifyOne),
    close: async () => undefined,
  };
}
