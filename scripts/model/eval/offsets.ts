// BERT pre-tokenization and WordPiece with character offsets (UTF-16), mirroring scripts/model/wordpiece.py
// (the tokenization the model was trained on); its test pins the shipped tokenizer.json to it.
export interface Piece {
  id: number;
  start: number;
  end: number;
}

const isControl = (ch: string): boolean => ch !== '\t' && ch !== '\n' && ch !== '\r' && /[\p{Cc}\p{Cf}]/u.test(ch);
const isSpace = (ch: string): boolean => /[ \t\n\r\p{Zs}]/u.test(ch);
const isPunct = (ch: string): boolean => /[!-/:-@[-`{-~]/.test(ch) || /\p{P}/u.test(ch);
const isCjk = (cp: number): boolean =>
  (cp >= 0x4e00 && cp <= 0x9fff) ||
  (cp >= 0x3400 && cp <= 0x4dbf) ||
  (cp >= 0x20000 && cp <= 0x2a6df) ||
  (cp >= 0x2a700 && cp <= 0x2ceaf) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0x2f800 && cp <= 0x2fa1f);

export function preTokenize(text: string): { word: string; start: number }[] {
  const words: { word: string; start: number }[] = [];
  let cur = '';
  let start = 0;
  const flush = () => {
    if (cur) words.push({ word: cur, start });
    cur = '';
  };
  for (let i = 0; i < text.length;) {
    const cp = text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    if (cp === 0 || cp === 0xfffd || isControl(ch)) {
      i += ch.length;
      continue;
    }
    if (isSpace(ch)) flush();
    else if (isPunct(ch) || isCjk(cp)) {
      flush();
      words.push({ word: ch, start: i });
    } else {
      if (!cur) start = i;
      cur += ch;
    }
    i += ch.length;
  }
  flush();
  return words;
}

export class WordPiece {
  private readonly unk: number;

  constructor(
    private readonly vocab: Map<string, number>,
    private readonly maxChars = 100,
  ) {
    this.unk = vocab.get('[UNK]') ?? 1;
  }

  encode(text: string): Piece[] {
    const out: Piece[] = [];
    for (const { word, start } of preTokenize(text)) out.push(...this.word(word, start));
    return out;
  }

  private word(word: string, start: number): Piece[] {
    const chars = Array.from(word);
    if (chars.length > this.maxChars) return [{ id: this.unk, start, end: start + word.length }];
    const pieces: Piece[] = [];
    let i = 0;
    let offset = start;
    while (i < chars.length) {
      let j = chars.length;
      let id: number | undefined;
      while (j > i) {
        const sub = chars.slice(i, j).join('');
        id = this.vocab.get(i === 0 ? sub : `##${sub}`);
        if (id !== undefined) break;
        j -= 1;
      }
      if (id === undefined) return [{ id: this.unk, start, end: start + word.length }];
      const len = chars.slice(i, j).join('').length;
      pieces.push({ id, start: offset, end: offset + len });
      offset += len;
      i = j;
    }
    return pieces;
  }
}
