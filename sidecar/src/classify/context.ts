import type { EntityType } from '../contract/entities.js';
import { escapeRegExp, languageData } from './language-data.js';
import type { Span } from './span.js';

/**
 * Context words that make a nearby candidate more or less likely to be personal data, from the language files
 * (`language-data.ts`). Matching is on lower-cased text, on word starts; a trailing `$` asks for the whole word ("ip"
 * but not "iphone").
 */
const WORDS = languageData();
/** Types a business-id word right before makes less likely (numbers; a card only as part of a longer number). */
const NUMERIC_TYPES = new Set<EntityType>(['CREDIT_CARD', 'PHONE_NUMBER', 'US_SSN', 'DE_TAX_ID', 'NL_BSN', 'FR_NIR', 'PASSPORT', 'DATE_OF_BIRTH']);

/**
 * Words matched from a word start; prefixes by default, whole words when `whole` (a trailing `*` keeps a stem) or
 * when a word ends in `$`.
 */
const wordsPattern = (words: string[], whole = false): RegExp => {
  const alternatives = words.map((w) => {
    if (w.endsWith('*')) return escapeRegExp(w.slice(0, -1));
    if (w.endsWith('$')) return `${escapeRegExp(w.slice(0, -1))}(?![\\p{L}])`;
    return escapeRegExp(w) + (whole ? '(?![\\p{L}])' : '');
  });
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])(?:${alternatives.join('|')})`, 'u');
};

const POSITIVE_RE = new Map<EntityType, RegExp>(Object.entries(WORDS.context).map(([t, words]) => [t as EntityType, wordsPattern(words)]));
/** Words that say a number is a business identifier, not personal data (whole words; `*` marks a stem). */
const BUSINESS_RE = wordsPattern(WORDS.businessIds, true);

/** How far before a candidate (and after it) context words are looked for, in characters. */
const BEFORE = 48;
const AFTER = 32;
const POSITIVE_BOOST = 0.35;
const BUSINESS_PENALTY = 0.45;

/** How far before a number a business-id word counts, in characters. */
const BUSINESS_REACH = 24;
/** True when a business-id word (order, invoice, ...) comes right before `start`. */
export const followsBusinessWord = (lower: string, start: number): boolean => BUSINESS_RE.test(lower.slice(Math.max(0, start - BUSINESS_REACH), start));

export const hasContext = (type: EntityType, lower: string, start: number, end: number): boolean => {
  const re = POSITIVE_RE.get(type);
  if (!re) return false;
  return re.test(lower.slice(Math.max(0, start - BEFORE), start)) || re.test(lower.slice(end, end + AFTER));
};

/**
 * A dotted number right after a version name is a version ("version 10.2.3.4", "Firmware 1.0.0.2", "SDK 2.30.1.5",
 * "versión: 8.2.7.61"); one in the same clause as a word for updating software is probably the new version.
 */
const NUMBER_WORD = `(?:\\s+(?:${WORDS.numberWords.map(escapeRegExp).join('|')}))?`;
const VERSION_NAME_BEFORE = new RegExp(`${wordsPattern(WORDS.versionNames, true).source}\\.?${NUMBER_WORD}["'\\s:=#(]*$`, 'u');
const VERSION_WORD = wordsPattern([...WORDS.versionNames, ...WORDS.versionVerbs], true);
/** "Chrome/120.0.0.0", "apex-ls/4.12.0.1": a product name and a slash right before. */
const PRODUCT_SLASH_BEFORE = /(?:^|[\s([{"'])\p{L}[\p{L}\p{N}._-]*\/$/u;
/** "apex-ls 4.12.0.1", "node-sass 4.1.2.3": a lower-case hyphenated package name right before. */
const PACKAGE_BEFORE = /(?:^|\s)[a-z]+(?:[-_][a-z]+)+\s+$/;
/** "Kindle Paperwhite 9.5.2.30", "PlayStation 5 10.4.4.15", "iPhone 15 Pro 6.15.1.50": a product name right before. */
const PRODUCT_WORD = '(?:[\\p{Lu}\\p{N}][\\p{L}\\p{N}]*|\\p{Ll}+\\p{Lu}[\\p{L}\\p{N}]*)';
const PRODUCT_NAME_BEFORE = new RegExp(`(?:^|[\\s(,])(?=\\S*\\p{L})${PRODUCT_WORD}(?:\\s+${PRODUCT_WORD}){1,3}\\s+$`, 'u');
/** "10.2.3.4-beta", "1.0.0.0-SNAPSHOT", "7.0.0.1+build": a pre-release or build suffix right after. */
const VERSION_SUFFIX = /^[-+~_](?:alpha|beta|rc|pre|preview|prerelease|snapshot|dev|nightly|canary|final|ga|lts|stable|release|build|hotfix|patch)(?!\p{L})/iu;
/** Where a clause ends: sentence punctuation or a comma before a space, or a line break. */
const CLAUSE_BREAK = /[.,;!?](?:\s|$)|\n/g;

/**
 * How sure it is that a dotted number at `start..end` is a software version rather than an IP address: `named` when
 * a version name, a product with a slash or a version suffix sits right beside it; `nearby` when an update verb or a
 * version name is in the same clause ("App auf 3.2.1.0 aktualisiert"), or a package or product name right before it;
 * null otherwise.
 */
export function versionEvidence(text: string, start: number, end: number): 'named' | 'nearby' | null {
  const before = text.slice(Math.max(0, start - BEFORE), start);
  const lower = before.toLowerCase();
  if (VERSION_NAME_BEFORE.test(lower) || PRODUCT_SLASH_BEFORE.test(before) || VERSION_SUFFIX.test(text.slice(end, end + 16))) {
    return 'named';
  }
  const clauseBefore = lower.slice(Math.max(0, ...[...lower.matchAll(CLAUSE_BREAK)].map((m) => m.index + m[0].length)));
  const after = text.slice(end, end + AFTER).toLowerCase();
  const breakAfter = after.search(CLAUSE_BREAK);
  const clauseAfter = breakAfter < 0 ? after : after.slice(0, breakAfter);
  const productBefore = PACKAGE_BEFORE.test(before) || PRODUCT_NAME_BEFORE.test(before);
  return productBefore || VERSION_WORD.test(clauseBefore) || VERSION_WORD.test(clauseAfter) ? 'nearby' : null;
}

const BUSINESS_RE_ALL = new RegExp(BUSINESS_RE.source, 'gu');

/**
 * A number's own context word between a business word and the number names it: "for the invoice she gave her BSN
 * 417365317" is a BSN, not an invoice number.
 */
function namedAfterBusinessWord(s: Span, lower: string): boolean {
  const window = lower.slice(Math.max(0, s.start - BUSINESS_REACH), s.start);
  let after = -1;
  for (const m of window.matchAll(BUSINESS_RE_ALL)) after = m.index + m[0].length;
  const re = POSITIVE_RE.get(s.type);
  return after >= 0 && re !== undefined && re.test(window.slice(after));
}

/** National identifiers that are bare digit runs, of the lengths card numbers have too. */
const NATIONAL_ID_TYPES = new Set<EntityType>(['FR_NIR', 'NL_BSN', 'DE_TAX_ID', 'US_SSN']);
const CARD_RE = POSITIVE_RE.get('CREDIT_CARD');

/**
 * A number whose label before it names a card ("numéro de carte (refusé) 3419 0205 8251 272") is a card, also when
 * its check digit fails; that another identifier's check then passes by chance (1 in 97 for a NIR key) does not make
 * it that identifier. The label is the text since the previous digit or line; the number's own words keep it.
 */
function labelledAsCard(s: Span, lower: string): boolean {
  const before = lower.slice(Math.max(0, s.start - BEFORE), s.start);
  const label = before.slice(Math.max(0, ...[...before.matchAll(/[\d\n]/g)].map((m) => m.index + 1)));
  return !!CARD_RE?.test(label) && !hasContext(s.type, lower, s.start, s.end);
}

/**
 * A card number that is a whole number of its own is a card wherever it is written, as PCI DSS reads it ("ref 4283 2333
 * 1635 2050"): it passed the check digit with an issuer's prefix and length. One found inside a longer number (digits
 * beside it, past one separator) may be that number's tail ("invoice 1234 5678 9012 3456"), so business words count.
 */
const insideLongerNumber = (text: string, s: Span): boolean =>
  /\d[ -]?$/.test(text.slice(Math.max(0, s.start - 2), s.start)) || /^[ -]?\d/.test(text.slice(s.end, s.end + 2));

/**
 * Raises scores next to positive context words, lowers numeric candidates right after business-id words (unless their
 * own word follows it; a card only inside a longer number) and national identifiers labelled as a card.
 */
export function applyContext(spans: Span[], text: string): Span[] {
  if (spans.length === 0) return spans;
  const lower = text.toLowerCase();
  const dates = spans.filter((s) => s.type === 'DATE_OF_BIRTH');
  return spans.map((s) => {
    let score = s.score;
    if (s.type === 'DATE_OF_BIRTH' ? birthContext(dates, s, lower) : hasContext(s.type, lower, s.start, s.end)) score += POSITIVE_BOOST;
    if (
      NUMERIC_TYPES.has(s.type) &&
      (s.type !== 'CREDIT_CARD' || insideLongerNumber(text, s)) &&
      followsBusinessWord(lower, s.start) &&
      !namedAfterBusinessWord(s, lower)
    ) {
      score -= BUSINESS_PENALTY;
    }
    if (NATIONAL_ID_TYPES.has(s.type) && labelledAsCard(s, lower)) score -= BUSINESS_PENALTY;
    return score === s.score ? s : { ...s, score: Math.max(0, Math.min(1, score)) };
  });
}

/**
 * A birth word belongs to one date: "born 1984-01-05, delivered 2024-01-03" makes the first a date of birth, not the
 * second, and "delivered 2024-01-03, born 1984-01-05" the second. Between two dates, the first clause break
 * (comma, semicolon, parenthesis, line) divides the words: those before it go to the earlier date, those after it to
 * the later one.
 */
function birthContext(dates: readonly Span[], date: Span, lower: string): boolean {
  const re = POSITIVE_RE.get('DATE_OF_BIRTH');
  if (!re) return false;
  let from = Math.max(0, date.start - BEFORE);
  let to = date.end + AFTER;
  for (const other of dates) {
    if (other.end <= date.start) from = Math.max(from, gapCut(lower, other.end, date.start, 'later'));
    else if (other.start >= date.end && other.start < to) to = Math.min(to, gapCut(lower, date.end, other.start, 'earlier'));
  }
  return re.test(lower.slice(from, date.start)) || re.test(lower.slice(date.end, to));
}

/** Where the words of the gap between two dates that belong to the `side` date begin (later) or end (earlier). */
function gapCut(lower: string, gapStart: number, gapEnd: number, side: 'earlier' | 'later'): number {
  const cut = lower.slice(gapStart, gapEnd).search(/[,;(\n]/);
  if (cut < 0) return side === 'later' ? gapStart : gapEnd;
  return gapStart + cut;
}
