import { ibanMod97Valid } from '../checksums.js';
import { matchAll, type Recognizer, type Span } from '../span.js';

/** The start of an IBAN written in groups, right before `index`: what follows is its account part, not a card or phone number. */
const IBAN_START_BEFORE = /(?<![\p{L}\p{N}])[A-Z]{2}\d{2}(?: [A-Z0-9]{4})* $/u;
export const followsIbanStart = (text: string, index: number): boolean => IBAN_START_BEFORE.test(text.slice(Math.max(0, index - 40), index));

/** IBAN length per country (SWIFT IBAN registry). */
const LENGTHS: Record<string, number> = {
  AD: 24,
  AE: 23,
  AL: 28,
  AT: 20,
  AZ: 28,
  BA: 20,
  BE: 16,
  BG: 22,
  BH: 22,
  BI: 27,
  BR: 29,
  BY: 28,
  CH: 21,
  CR: 22,
  CY: 28,
  CZ: 24,
  DE: 22,
  DJ: 27,
  DK: 18,
  DO: 28,
  EE: 20,
  EG: 29,
  ES: 24,
  FI: 18,
  FK: 18,
  FO: 18,
  FR: 27,
  GB: 22,
  GE: 22,
  GI: 23,
  GL: 18,
  GR: 27,
  GT: 28,
  HN: 28,
  HR: 21,
  HU: 28,
  IE: 22,
  IL: 23,
  IQ: 23,
  IS: 26,
  IT: 27,
  JO: 30,
  KW: 30,
  KZ: 20,
  LB: 28,
  LC: 32,
  LI: 21,
  LT: 20,
  LU: 20,
  LV: 21,
  LY: 25,
  MC: 27,
  MD: 24,
  ME: 22,
  MK: 19,
  MN: 20,
  MR: 27,
  MT: 31,
  MU: 30,
  NI: 28,
  NL: 18,
  NO: 15,
  OM: 23,
  PK: 24,
  PL: 28,
  PS: 29,
  PT: 25,
  QA: 29,
  RO: 24,
  RS: 22,
  RU: 33,
  SA: 24,
  SC: 31,
  SD: 18,
  SE: 24,
  SI: 19,
  SK: 24,
  SM: 27,
  SO: 23,
  ST: 25,
  SV: 28,
  TL: 23,
  TN: 24,
  TR: 26,
  UA: 29,
  VA: 22,
  VG: 24,
  XK: 20,
  YE: 30,
};

const START = /(?<![\p{L}\p{N}])([A-Za-z]{2})(\d{2})/gu;
const isAlnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c);

/** Reads exactly `length` alphanumerics from `from`, allowing single spaces or hyphens between them. */
function readIban(text: string, from: number, length: number): { end: number; value: string } | null {
  let value = '';
  let i = from;
  while (i < text.length && value.length < length) {
    const c = text[i];
    if (isAlnum(c)) {
      value += c;
      i += 1;
    } else if ((c === ' ' || c === '-') && isAlnum(text[i + 1]) && value.length > 0) {
      i += 1;
    } else break;
  }
  if (value.length !== length || isAlnum(text[i])) return null;
  return { end: i, value: value.toUpperCase() };
}

export const iban: Recognizer = {
  name: 'pattern:iban',
  needsDigit: true,
  find(text) {
    const out: Span[] = [];
    for (const m of matchAll(START, text)) {
      const length = LENGTHS[m[1]!.toUpperCase()];
      if (!length) continue;
      const read = readIban(text, m.index, length);
      if (!read || !ibanMod97Valid(read.value)) continue;
      out.push({ type: 'IBAN_CODE', start: m.index, end: read.end, score: 1, detector: this.name });
    }
    return out;
  },
};
