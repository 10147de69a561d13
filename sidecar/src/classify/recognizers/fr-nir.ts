import { definePatternRecognizer } from './pattern-recognizer.js';

/** Sex, year, month (01-12, 20-42 and 50-99 for unknown months), department (2A/2B for Corsica), commune, order, key. */
const NIR = /(?<![\p{L}\p{N}])([1-478])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-35-9]\d|4[0-2])\s?(\d{2}|2[ABab])\s?(\d{3})\s?(\d{3})\s?(\d{2})(?![\p{L}\p{N}])/gu;

/** The key is 97 minus the 13-digit number mod 97; Corsica's 2A and 2B count as 19 and 18. */
export function nirKeyValid(body: string, key: string): boolean {
  const upper = body.toUpperCase();
  const numeric = upper.replace('2A', '19').replace('2B', '18');
  const expected = 97 - Number(BigInt(numeric) % 97n);
  return expected === Number(key);
}

export const frNir = definePatternRecognizer({
  name: 'pattern:fr_nir',
  type: 'FR_NIR',
  needsDigit: true,
  patterns: [{ regex: NIR, score: 0.85, validate: (m) => nirKeyValid(m.slice(1, 7).join(''), m[7]!) }],
});
