import { escapeRegExp, languageData } from '../language-data.js';
import { matchAll, type Recognizer, type Span } from '../span.js';

/**
 * Passport (ICAO 9303 travel document) numbers by issuing country's published format, upper case, at most nine
 * characters. Every shape is common outside passports too, so a find needs a passport word nearby (the "PASSPORT"
 * context words of the language files, applied by `context.ts`), a passport label right before it (a JSON key or
 * `key=value` name holding such a word: `passportNumber`, `customer_passport_no`) or a passport column header.
 *
 * - letters + digits: IT, PL, IE, FI `AA1234567`; ES `AAA123456`; BE, CA `AA123456`; AT, CH, IN `A1234567`;
 *   PT `A123456`; US next generation `A12345678`; KR `M12345678`
 * - FR `12AB34567`
 * - DE `C01X00T47`: nine of `CFGHJKLMNPRTVWXYZ0-9`, a letter first (`CFGHJK` for passports)
 * - NL `NW1K2L3M4`: two letters, six letters or digits, a digit; never the letter O
 * - digits only: UK, US, DK (9), SE (8)
 */
const SHAPES = [
  '[A-Z]{1,3}\\d{6,8}',
  '\\d{2}[A-Z]{2}\\d{5}',
  '[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{8}',
  '[A-NP-Z]{2}[A-NP-Z0-9]{6}\\d',
  '[A-Z]\\d{2}[A-Z0-9]{5,6}',
  '[A-Z]\\d{3}[A-Z]\\d{4}',
  '\\d{8,9}',
].join('|');
const CANDIDATE = new RegExp(`(?<![\\p{L}\\p{N}_\\-/.])(?:${SHAPES})(?![\\p{L}\\p{N}_]|[-/.]\\p{N})`, 'giu');
const WHOLE_VALUE = new RegExp(`^(?:${SHAPES})$`, 'i');

/** German passports: nine characters from a reduced alphabet, the last an ICAO 9303 check digit. */
const GERMAN = /^[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{7}\d$/;

/** ICAO 9303 character values: digits as themselves, A-Z as 10-35, the filler `<` as 0. */
const icaoValue = (c: string): number => (c === '<' ? 0 : c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55);

export function icaoCheckDigitValid(value: string): boolean {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < value.length - 1; i += 1) sum += icaoValue(value[i]!) * weights[i % 3]!;
  return sum % 10 === Number(value[value.length - 1]);
}

const germanPassport = (value: string): boolean => {
  const upper = value.toUpperCase();
  return GERMAN.test(upper) && /\d.*\d.*\d/.test(upper) && icaoCheckDigitValid(upper);
};

/** Passport words of every language (the "PASSPORT" context words), matched anywhere inside a label or header. */
const LABEL_WORDS = (languageData().context.PASSPORT ?? []).map((w) => w.replace(/[$*]$/, '')).filter((w) => w.length >= 4);
const LABEL_WORD = new RegExp(LABEL_WORDS.map(escapeRegExp).join('|'), 'i');
/** Separators inside label words as written in keys (`passport_no`, `Reise-Pass`) are dropped before testing. */
const squeeze = (s: string): string => s.toLowerCase().replace(/[\s_.-]+/g, ' ');
const isPassportLabel = (label: string): boolean => LABEL_WORD.test(squeeze(label)) || LABEL_WORD.test(label.toLowerCase().replace(/[\s_.-]+/g, ''));

/**
 * A label right before the value: a key holding a passport word (`"passportNumber": "`, `passport_no=`,
 * `Reisepass-Nr.: `), or the word and a word for "number" ("passport number 123456789", "n° de passeport 12AB34567").
 */
const KEY_BEFORE = /([\p{L}\p{N}_.\-°º# ]{3,40}?)["']?\s*(?:[:=]|=>|>)\s*["']?\s*$/u;
const NUMBER_AFTER_WORD = /^[\p{L}]*(?:[\s._-]*(?:no|nr|n°|nº|num|number|nummer|numéro|numero|número|nummer|id|#|nb|n)\.?)*\s*(?:[:=#]|=>)?\s*["']?\s*$/iu;

const passportLabelBefore = (text: string, start: number): boolean => {
  const line = text.slice(Math.max(0, text.lastIndexOf('\n', start - 1) + 1, start - 48), start);
  const m = KEY_BEFORE.exec(line);
  if (m !== null && isPassportLabel(m[1]!)) return true;
  const lower = line.toLowerCase();
  for (const w of LABEL_WORDS) {
    const at = lower.lastIndexOf(w);
    if (at >= 0 && NUMBER_AFTER_WORD.test(lower.slice(at + w.length))) return true;
  }
  return false;
};

interface Cell {
  start: number;
  end: number;
  value: string;
}

const SEPARATORS = [';', '\t', ',', '|'] as const;
/** A column header: a short label (`Passport_No__c`, `N° passeport`, `Reisepass-Nr.`), not a data value. */
const HEADER_CELL = /^(?=.*\p{L})[\p{L}\p{N} _.\-°º#()/']{1,48}$/u;

/** A line split at `sep`, each cell trimmed of blanks and of the quotes around it, with its offsets in the text. */
function cells(text: string, lineStart: number, line: string, sep: string): Cell[] {
  const out: Cell[] = [];
  let from = 0;
  for (const part of line.split(sep)) {
    let s = from;
    let e = from + part.length;
    while (s < e && /\s/.test(line[s]!)) s += 1;
    while (e > s && /\s/.test(line[e - 1]!)) e -= 1;
    if (e - s >= 2 && (line[s] === '"' || line[s] === "'") && line[e - 1] === line[s]) {
      s += 1;
      e -= 1;
    }
    out.push({ start: lineStart + s, end: lineStart + e, value: line.slice(s, e) });
    from += part.length + sep.length;
  }
  return out;
}

/**
 * The cells under a column whose header `isHeader` accepts, in a delimited table (CSV export: a header line, then rows
 * with as many cells, separated by `;`, tab, `,` or `|`). Empty when the text is not such a table.
 */
export function columnCells(text: string, isHeader: (header: string) => boolean): Cell[] {
  const lines: Array<{ start: number; line: string }> = [];
  let pos = 0;
  for (const line of text.split('\n')) {
    const clean = line.replace(/\r$/, '');
    if (clean.trim()) lines.push({ start: pos, line: clean });
    pos += line.length + 1;
  }
  if (lines.length < 2) return [];
  const out: Cell[] = [];
  for (let h = 0; h < lines.length - 1; h += 1) {
    const header = lines[h]!;
    for (const sep of SEPARATORS) {
      if (!header.line.includes(sep)) continue;
      const heads = cells(text, header.start, header.line, sep);
      if (heads.length < 2 || !heads.every((c) => HEADER_CELL.test(c.value))) continue;
      const columns = heads.map((c, i) => (isHeader(c.value) ? i : -1)).filter((i) => i >= 0);
      if (columns.length === 0) continue;
      for (const row of lines.slice(h + 1)) {
        const rowCells = cells(text, row.start, row.line, sep);
        if (rowCells.length !== heads.length) break;
        for (const i of columns) if (rowCells[i]!.value) out.push(rowCells[i]!);
      }
      break;
    }
  }
  return out;
}

/**
 * The second line of a passport's machine-readable zone (ICAO 9303 TD3, 44 characters): document number (nine
 * characters, `<`-padded) and its check digit, nationality, birth date, sex, expiry date, optional data, check digits.
 */
const MRZ_LINE_2 = /(?<![A-Z0-9<])([A-Z0-9<]{9})(\d)[A-Z<]{3}\d{7}[MFX<]\d{7}[A-Z0-9<]{14}[\d<]\d(?![A-Z0-9<])/g;
const MRZ = 0.9;

/** Scores: a shape alone (needs a context word), one after a passport label, one in a passport column. */
const SHAPE_ONLY = 0.2;
const CHECKED_GERMAN = 0.55;
const LABELLED = 0.6;
const IN_COLUMN = 0.75;

export const passport: Recognizer = {
  name: 'pattern:passport',
  needsDigit: true,
  find(text) {
    const out: Span[] = [];
    for (const m of matchAll(CANDIDATE, text)) {
      const value = m[0];
      if (!/\d/.test(value)) continue;
      let score = germanPassport(value) ? CHECKED_GERMAN : SHAPE_ONLY;
      if (passportLabelBefore(text, m.index)) score = Math.max(score, LABELLED);
      out.push({ type: 'PASSPORT', start: m.index, end: m.index + value.length, score, detector: this.name });
    }
    if (text.includes('<')) {
      for (const m of matchAll(MRZ_LINE_2, text)) {
        const number = m[1]!.replace(/<+$/, '');
        if (!/\d/.test(number) || number.includes('<') || !icaoCheckDigitValid(m[1]! + m[2]!)) continue;
        const i = out.findIndex((s) => s.start === m.index);
        if (i >= 0) out.splice(i, 1);
        out.push({ type: 'PASSPORT', start: m.index, end: m.index + number.length, score: MRZ, detector: this.name });
      }
    }
    if (text.includes('\n')) {
      for (const c of columnCells(text, isPassportLabel)) {
        if (!WHOLE_VALUE.test(c.value) || !/\d/.test(c.value)) continue;
        const i = out.findIndex((s) => s.start === c.start && s.end === c.end);
        if (i >= 0) out[i] = { ...out[i]!, score: Math.max(out[i]!.score, IN_COLUMN) };
        else out.push({ type: 'PASSPORT', start: c.start, end: c.end, score: IN_COLUMN, detector: this.name });
      }
    }
    return out;
  },
};
