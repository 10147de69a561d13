/**
 * Letters and digits as the expressions' `\p{L}` and `\p{N}` see them, for scans that walk a text by hand instead of
 * running an expression per word (a regular-expression call costs more than the few characters it looks at).
 * Surrogate pairs are read as one code point, as `u` expressions read them.
 */
/** UTF-16 units of the first and the second half of a surrogate pair. */
export const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
export const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;
const isSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdfff;
/** The code point of a surrogate pair. */
const pairCodePoint = (high: number, low: number): number => ((high - 0xd800) << 10) + (low - 0xdc00) + 0x10000;

const LETTER = 1;
const NUMBER = 2;

let table: Uint8Array | null = null;

/** Classes of every UTF-16 unit outside the surrogates, read once from the expressions themselves. */
function classes(): Uint8Array {
  if (table) return table;
  const out = new Uint8Array(0x10000);
  const units: string[] = [];
  for (let c = 0; c < 0x10000; c += 1) units.push(isSurrogate(c) ? ' ' : String.fromCharCode(c));
  const all = units.join('');
  for (const m of all.matchAll(/\p{L}/gu)) out[m.index] = LETTER;
  for (const m of all.matchAll(/\p{N}/gu)) out[m.index] = out[m.index]! | NUMBER;
  table = out;
  return out;
}

/** The classes of a code point beyond the BMP (rare: the expressions decide). */
const astral = (cp: number): number => {
  const s = String.fromCodePoint(cp);
  return (/^\p{L}$/u.test(s) ? LETTER : 0) | (/^\p{N}$/u.test(s) ? NUMBER : 0);
};

/** The classes of the code point at `i` and its length in units (0 past the end). */
function at(text: string, i: number): { cls: number; width: number } {
  if (i >= text.length) return { cls: 0, width: 0 };
  const c = text.charCodeAt(i);
  if (!isSurrogate(c)) return { cls: classes()[c]!, width: 1 };
  if (isHighSurrogate(c) && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1);
    if (isLowSurrogate(d)) return { cls: astral(pairCodePoint(c, d)), width: 2 };
  }
  return { cls: 0, width: 1 };
}

/** The length in units of the letter at `i` (a surrogate pair is two), 0 when there is none. */
export function letterAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (!isSurrogate(c)) return (classes()[c]! & LETTER) !== 0 ? 1 : 0;
  const { cls, width } = at(text, i);
  return (cls & LETTER) !== 0 ? width : 0;
}

/** The length in units of the letter or digit at `i`, 0 when there is none. */
export function letterOrNumberAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (!isSurrogate(c)) return classes()[c]! !== 0 ? 1 : 0;
  const { cls, width } = at(text, i);
  return cls !== 0 ? width : 0;
}

/** Whether the code point that ends right before `i` (a surrogate pair read as one) is a letter or digit. */
export function letterOrNumberBefore(text: string, i: number): boolean {
  if (i <= 0) return false;
  const d = text.charCodeAt(i - 1);
  if (!isSurrogate(d)) return classes()[d]! !== 0;
  if (isLowSurrogate(d) && i >= 2) {
    const c = text.charCodeAt(i - 2);
    if (isHighSurrogate(c)) return astral(pairCodePoint(c, d)) !== 0;
  }
  return false;
}

/**
 * Where a `u` expression starts when its lastIndex is `i`: inside a surrogate pair it steps back to the pair (V8
 * does so), elsewhere at `i`.
 */
export function unicodeStart(text: string, i: number): number {
  if (i <= 0 || i >= text.length) return i;
  const d = text.charCodeAt(i);
  const c = text.charCodeAt(i - 1);
  return isLowSurrogate(d) && isHighSurrogate(c) ? i - 1 : i;
}
