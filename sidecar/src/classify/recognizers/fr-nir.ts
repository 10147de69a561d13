import { matchAll, type Recognizer, type Span } from '../span.js';

/** Sex, year, month (01-12, 20-42 and 50-99 for unknown months), department (2A/2B for Corsica), commune, order, key. */
const NIR = /(?<![\p{L}\p{N}])([1-478])\s?(\d{2})\s?(0[1-9]|1[0-2]|[2-35-9]\d|4[0-2])\s?(\d{2}|2[ABab])\s?(\d{3})\s?(\d{3})\s?(\d{2})(?![\p{L}\p{N}])/gu;

/** The key is 97 minus the 13-digit number mod 97; Corsica's 2A and 2B count as 19 and 18. */
export function nirKeyValid(body: string, key: string): boolean {
  const upper = body.toUpperCase();
  const numeric = upper.replace('2A', '19').replace('2B', '18');
  const expected = 97 - Number(BigInt(numeric) % 97n);
  return expected === Number(key);
}

export const frNir: Recognizer = {
  name: 'pattern:fr_nir',
  needsDigit: true,
  find(text) {
    const out: Span[] = [];
    for (const m of matchAll(NIR, text)) {
      const body = m.slice(1, 7).join('');
      if (!nirKeyValid(body, m[7]!)) continue;
      out.push({ type: 'FR_NIR', start: m.index, end: m.index + m[0].length, score: 0.85, detector: this.name });
    }
    return out;
  },
};
