/** Character offsets of one token in the original text (end exclusive), or null when it could not be placed. */
export type TokenOffset = [number, number] | null;

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/**
 * Folded forms remembered: of the characters beyond ASCII (accented letters recur in every text of a language) and
 * of the tokens (pieces of the model's vocabulary), each normalised once instead of once per occurrence. Bounded,
 * so that a text of rare characters cannot grow them without end.
 */
const MEMO_LIMIT = 20_000;
const foldedChars = new Map<string, string>();
const foldedTokens = new Map<string, string>();
const memoFold = (memo: Map<string, string>, s: string): string => {
  let f = memo.get(s);
  if (f === undefined) {
    f = fold(s);
    if (memo.size < MEMO_LIMIT) memo.set(s, f);
  }
  return f;
};

/** Folds one character beyond ASCII. */
const foldChar = (c: string): string => memoFold(foldedChars, c);
const BLANK = /^[\s\p{C}]*$/u;

/**
 * Maps WordPiece tokens back to character offsets in the original string. The tokenizer returns token strings
 * only; they are matched in order against a folded copy of the text (accents removed, lower case) that keeps
 * the index of every original character, so normalisation never shifts an offset. `[UNK]` tokens take the
 * characters between their neighbours.
 */
export function alignTokens(text: string, tokens: readonly string[], unkToken: string): TokenOffset[] {
  let folded = '';
  const origin: number[] = [];
  for (let i = 0; i < text.length;) {
    if (text.charCodeAt(i) < 0x80) {
      // A run of ASCII folds by lower-casing it whole, one character for one.
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) < 0x80) end += 1;
      folded += text.slice(i, end).toLowerCase();
      for (; i < end; i += 1) origin.push(i);
      continue;
    }
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const f = foldChar(text.slice(i, i + width));
    for (let k = 0; k < f.length; k += 1) origin.push(i);
    folded += f;
    i += width;
  }
  origin.push(text.length);
  const originEnd = (k: number): number => {
    const start = origin[k]!;
    const cp = text.codePointAt(start)!;
    return start + (cp > 0xffff ? 2 : 1);
  };

  const out: TokenOffset[] = new Array(tokens.length).fill(null);
  let cursor = 0;
  let pendingUnk: number[] = [];
  for (let t = 0; t < tokens.length; t += 1) {
    const token = tokens[t]!;
    if (token === unkToken) {
      pendingUnk.push(t);
      continue;
    }
    const piece = memoFold(foldedTokens, token.startsWith('##') ? token.slice(2) : token);
    const at = piece ? folded.indexOf(piece, cursor) : -1;
    const gapIsBlank = at >= 0 && (at === cursor || BLANK.test(folded.slice(cursor, at)));
    if (at < 0 || (!gapIsBlank && pendingUnk.length === 0)) continue;
    if (pendingUnk.length > 0) {
      const gapStart = origin[cursor + (folded.slice(cursor, at).length - folded.slice(cursor, at).trimStart().length)]!;
      const gapEnd = gapStart + text.slice(gapStart, origin[at]!).trimEnd().length;
      for (const u of pendingUnk) out[u] = gapStart < gapEnd ? [gapStart, gapEnd] : null;
      pendingUnk = [];
    }
    out[t] = [origin[at]!, originEnd(at + piece.length - 1)];
    cursor = at + piece.length;
  }
  if (pendingUnk.length > 0) {
    const rest = folded.slice(cursor);
    const start = origin[cursor + (rest.length - rest.trimStart().length)]!;
    const end = text.trimEnd().length;
    for (const u of pendingUnk) out[u] = start < end ? [start, end] : null;
  }
  return out;
}
