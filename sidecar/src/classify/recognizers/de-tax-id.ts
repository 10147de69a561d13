import { iso7064Mod11_10CheckDigit } from '../checksums.js';
import { definePatternRecognizer } from './pattern-recognizer.js';

const TAX_ID = /(?<![\p{L}\p{N}.,-])([1-9]\d)\s?(\d{3})\s?(\d{3})\s?(\d{3})(?![\p{L}\p{N}]|[.,-]\d)/gu;

/** In the first ten digits at most one digit repeats, at most three times and never three in a row. */
function digitPatternValid(first10: string): boolean {
  const counts = new Map<string, number>();
  for (const c of first10) counts.set(c, (counts.get(c) ?? 0) + 1);
  const repeated = [...counts.entries()].filter(([, n]) => n > 1);
  if (repeated.length === 0) return true;
  if (repeated.length > 1) return false;
  const [digit, n] = repeated[0]!;
  return n === 2 || (n === 3 && !first10.includes(digit.repeat(3)));
}

export function deTaxIdValid(digits: string): boolean {
  return digits.length === 11 && digitPatternValid(digits.slice(0, 10)) && iso7064Mod11_10CheckDigit(digits.slice(0, 10)) === Number(digits[10]);
}

export const deTaxId = definePatternRecognizer({
  name: 'pattern:de_tax_id',
  type: 'DE_TAX_ID',
  needsDigit: true,
  patterns: [{ regex: TAX_ID, score: 0.55, validate: (m) => deTaxIdValid(m.slice(1, 5).join('')) }],
});
