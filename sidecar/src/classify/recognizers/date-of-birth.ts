import { definePatternRecognizer } from './pattern-recognizer.js';

/** Month names and abbreviations of the six languages, lower case, as alternatives of an expression. */
export const MONTHS = [
  'january|february|march|april|may|june|july|august|september|october|november|december',
  'jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec',
  'januar|februar|märz|maerz|mai|juni|juli|oktober|dezember',
  'janvier|février|fevrier|mars|avril|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre',
  'enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre',
  'gennaio|febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre',
  'januari|februari|maart|mei|augustus',
].join('|');

const NUMERIC = /(?<![\p{L}\p{N}./-])(\d{1,2})([./-])(\d{1,2})\2(\d{4}|\d{2})(?![\p{L}\p{N}]|[./-]\d)/gu;
const ISO = /(?<![\p{L}\p{N}-])(\d{4})-(\d{2})-(\d{2})(?![\p{L}\p{N}:]|-\d)/gu;
const TEXTUAL = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:\\d{1,2}(?:\\.|er|º|st|nd|rd|th)?\\s+(?:de\\s+)?(?:${MONTHS})\\.?(?:\\s+de)?,?\\s+\\d{4}|(?:${MONTHS})\\.?\\s+\\d{1,2}(?:st|nd|rd|th)?,?\\s+\\d{4})(?![\\p{L}\\p{N}])`,
  'giu',
);
/** Cheap necessary conditions for a match of each expression: its digits and separators, or a year after a space. */
const MAYBE_NUMERIC = /\d[./-]\d{1,2}[./-]\d\d/;
const MAYBE_ISO = /\d{4}-\d\d-\d\d/;
const MAYBE_TEXTUAL = /\s\d{4}(?![\p{L}\p{N}])/u;

const MAX_YEAR = new Date().getUTCFullYear();
const plausibleYear = (y: number): boolean => y >= 1900 && y <= MAX_YEAR;

/** Day and month in either order, a two-digit year read as 19xx. */
function numericDateValid(m: RegExpExecArray): boolean {
  const a = Number(m[1]);
  const b = Number(m[3]);
  const y = m[4]!.length === 2 ? 1900 + Number(m[4]) : Number(m[4]);
  return !(a < 1 || b < 1 || (a > 12 && b > 12) || a > 31 || b > 31 || !plausibleYear(y));
}

const isoDateValid = (m: RegExpExecArray): boolean =>
  !(!plausibleYear(Number(m[1])) || Number(m[2]) < 1 || Number(m[2]) > 12 || Number(m[3]) < 1 || Number(m[3]) > 31);

/** Any calendar date: reported as a date of birth only where a birth context word lifts its score. */
export const dateOfBirth = definePatternRecognizer({
  name: 'pattern:date_of_birth',
  type: 'DATE_OF_BIRTH',
  needsDigit: true,
  patterns: [
    { regex: NUMERIC, score: 0.2, hint: MAYBE_NUMERIC, validate: numericDateValid },
    { regex: ISO, score: 0.2, hint: MAYBE_ISO, validate: isoDateValid },
    { regex: TEXTUAL, score: 0.2, hint: MAYBE_TEXTUAL, validate: (m) => plausibleYear(Number(/\d{4}/.exec(m[0].slice(-5))?.[0] ?? 0)) },
  ],
});
