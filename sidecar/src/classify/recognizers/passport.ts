import { matchAll, type Recognizer, type Span } from '../span.js';

/** Common passport number shapes (EU, UK, US, KR, IN): reported only next to a passport context word. */
const PASSPORT = /(?<![\p{L}\p{N}])(?:[A-Za-z]{1,3}\d{6,8}|[A-Za-z]\d{2}[A-Za-z0-9]{5,6}|[A-Za-z]\d{3}[A-Za-z]\d{4}|[CFGHJKLMNPRTVWXYZcfghjklmnprtvwxyz][CFGHJKLMNPRTVWXYZcfghjklmnprtvwxyz0-9]{8}|\d{9})(?![\p{L}\p{N}])/gu;
/** German passports: nine characters from a reduced alphabet, the last an ICAO 9303 check digit. */
const GERMAN = /^[CFGHJKLMNPRTVWXYZ][CFGHJKLMNPRTVWXYZ0-9]{7}\d$/;

const icaoValue = (c: string): number => (c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 55);

export function icaoCheckDigitValid(value: string): boolean {
  const weights = [7, 3, 1];
  let sum = 0;
  for (let i = 0; i < value.length - 1; i += 1) sum += icaoValue(value[i]!) * weights[i % 3]!;
  return sum % 10 === Number(value[value.length - 1]);
}

export const passport: Recognizer = {
  name: 'pattern:passport',
  needsDigit: true,
  find(text) {
    const out: Span[] = [];
    for (const m of matchAll(PASSPORT, text)) {
      if (!/\d/.test(m[0])) continue;
      const upper = m[0].toUpperCase();
      const score = GERMAN.test(upper) && /\d.*\d.*\d/.test(upper) && icaoCheckDigitValid(upper) ? 0.55 : 0.2;
      out.push({ type: 'PASSPORT', start: m.index, end: m.index + m[0].length, score, detector: this.name });
    }
    return out;
  },
};
