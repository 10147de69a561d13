import { definePatternRecognizer } from './pattern-recognizer.js';

const LETTERS = 'TRWAGMYFPDXBNJZSQVHLCKE';
/** DNI: 7-8 digits and a check letter; NIE: X/Y/Z, 7 digits and a check letter. */
const NIF = /(?<![\p{L}\p{N}])([XYZxyz]\d{7}|\d{7,8})[- ]?([A-Za-z])(?![\p{L}\p{N}])/gu;

export function nifLetterValid(body: string, letter: string): boolean {
  const numeric = body.toUpperCase().replace('X', '0').replace('Y', '1').replace('Z', '2');
  return LETTERS[Number(numeric) % 23] === letter.toUpperCase();
}

export const esNif = definePatternRecognizer({
  name: 'pattern:es_nif',
  type: 'ES_NIF',
  needsDigit: true,
  patterns: [{ regex: NIF, score: 0.85, validate: (m) => nifLetterValid(m[1]!, m[2]!) }],
});
