import type { EntityType } from '../../contract/entities.js';
import { matchAll, type Recognizer, type Span } from '../span.js';

/** One expression of a pattern recognizer and the rules its matches must pass (Presidio's `Pattern`). */
interface Pattern {
  /** A global expression: each match is a candidate. */
  regex: RegExp;
  /** The score of a valid match: fixed, or read from the match. */
  score: number | ((match: RegExpExecArray) => number);
  /** A cheap expression every text with a match satisfies: the scan runs only when the text does. */
  hint?: RegExp;
  /** A checksum or another rule a match must pass to be reported. */
  validate?: (match: RegExpExecArray) => boolean;
}

interface PatternRecognizerSpec {
  /** The detector named on each find ("pattern:email"). */
  name: string;
  type: EntityType;
  patterns: readonly Pattern[];
  /** True when every match holds a digit: texts without one are skipped. */
  needsDigit?: boolean;
}

/**
 * A recognizer declared as data (Presidio's `PatternRecognizer`): each valid match of its patterns, in order, is a
 * find of `type`. Context words are per type in the language files (`context.ts` applies them to every find).
 */
export function definePatternRecognizer({ name, type, patterns, needsDigit }: PatternRecognizerSpec): Recognizer {
  return {
    name,
    needsDigit,
    find(text) {
      const out: Span[] = [];
      for (const { regex, score, hint, validate } of patterns) {
        if (hint && !hint.test(text)) continue;
        for (const m of matchAll(regex, text)) {
          if (validate && !validate(m)) continue;
          out.push({ type, start: m.index, end: m.index + m[0].length, score: typeof score === 'number' ? score : score(m), detector: name });
        }
      }
      return out;
    },
  };
}
