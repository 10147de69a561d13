import type { EntityType } from '../contract/entities.js';

/** A candidate entity before masking and hashing. Offsets are JavaScript string indices, end exclusive. */
export interface Span {
  type: EntityType;
  start: number;
  end: number;
  /** 0..1 */
  score: number;
  detector: string;
}

/** One pattern-based detector: finds candidate spans of one entity family in a text. */
export interface Recognizer {
  readonly name: string;
  /** True when every find contains a digit: texts without one are skipped. */
  readonly needsDigit?: boolean;
  find(text: string): Span[];
}

export const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

/** Every match of a global regular expression (its lastIndex is reset first). */
export function matchAll(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m[0].length === 0) re.lastIndex += 1;
    out.push(m);
  }
  return out;
}
