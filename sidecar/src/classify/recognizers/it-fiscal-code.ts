import { definePatternRecognizer } from './pattern-recognizer.js';

/** Surname, name, year, month, day (+40 for women), municipality, check; digits may be replaced (omocodia). */
const CF =
  /(?<![\p{L}\p{N}])[A-Za-z]{6}[\dLMNPQRSTUVlmnpqrstuv]{2}[ABCDEHLMPRSTabcdehlmprst][\dLMNPQRSTUVlmnpqrstuv]{2}[A-Za-z][\dLMNPQRSTUVlmnpqrstuv]{3}[A-Za-z](?![\p{L}\p{N}])/gu;

const ODD = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23];

const position = (c: string): number => (c >= '0' && c <= '9' ? c.charCodeAt(0) - 48 : c.charCodeAt(0) - 65);

export function fiscalCodeCheckValid(code: string): boolean {
  const upper = code.toUpperCase();
  let sum = 0;
  for (let i = 0; i < 15; i += 1) {
    const p = position(upper[i]!);
    sum += i % 2 === 0 ? ODD[p]! : p;
  }
  return String.fromCharCode(65 + (sum % 26)) === upper[15];
}

export const itFiscalCode = definePatternRecognizer({
  name: 'pattern:it_fiscal_code',
  type: 'IT_FISCAL_CODE',
  needsDigit: true,
  patterns: [{ regex: CF, score: 0.95, validate: (m) => fiscalCodeCheckValid(m[0]) }],
});
