/** Character offsets of one token in the original text (end exclusive), or null when it could not be placed. */
export type TokenOffset = [number, number] | null;

const fold = (s: string): string => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
/** Folds one character; ASCII (most of the text) takes the short path. */
const foldChar = (c: string, code: number): string => (code < 0x80 ? (code >= 65 && code <= 90 ? String.fromCharCode(code + 32) : c) : fold(c));

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
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const f = foldChar(text.slice(i, i + width), cp);
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
    const piece = fold(token.startsWith('##') ? token.slice(2) : token);
    const at = piece ? folded.indexOf(piece, cursor) : -1;
    const gapIsBlank = at >= 0 && /^[\s\p{C}]*$/u.test(folded.slice(cursor, at));
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
