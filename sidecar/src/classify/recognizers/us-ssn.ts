import { definePatternRecognizer } from './pattern-recognizer.js';

const SSN = /(?<![\p{L}\p{N}.-])(\d{3})([- .]?)(\d{2})\2(\d{4})(?![\p{L}\p{N}]|[.-]\d)/gu;

/** Area 000, 666 and 900-999, group 00 and serial 0000 are never issued; some numbers were published as samples. */
const SAMPLES = new Set(['078051120', '219099999', '123456789']);

export function ssnValid(area: string, group: string, serial: string): boolean {
  if (area === '000' || area === '666' || area[0] === '9') return false;
  if (group === '00' || serial === '0000') return false;
  return !SAMPLES.has(area + group + serial) && !/^(\d)\1+$/.test(area + group + serial);
}

/** Written with separators it reads as an SSN; a bare run of nine digits may be any number. */
export const usSsn = definePatternRecognizer({
  name: 'pattern:us_ssn',
  type: 'US_SSN',
  needsDigit: true,
  patterns: [{ regex: SSN, score: (m) => (m[2] ? 0.6 : 0.3), validate: (m) => ssnValid(m[1]!, m[3]!, m[4]!) }],
});
