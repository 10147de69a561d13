import type { Span } from '../span.js';

const POSTCODE = /^[A-Z]{0,2}-?\d{4,5}(?: ?[A-Z]{2})?$/;

/**
 * A name or place from a cased model has more letters than digits ("Hauptstraße 12", not "AB-12345-X" or
 * "2024-03-05T10:22:11Z") and a place is written with a capital somewhere. A lower-case name ("anna schmidt") is
 * kept for the name lexicon to confirm (`combinePersonEvidence`).
 */
function worded(value: string, type: Span['type']): boolean {
  const letters = value.match(/\p{L}/gu)?.length ?? 0;
  const digits = value.match(/\d/g)?.length ?? 0;
  return (type === 'PERSON' || /\p{Lu}/u.test(value)) && letters > digits;
}

/** A version or decimal number ("Version 3.27.2", "9.5.2.30"): never part of a name or a place. */
const VERSION = /\d\.\d/;
/**
 * One token of ten or more letters and digits mixed, such as a record id ("0014racKqWJrGDQ"), or of five or more
 * capitals and digits ("5HBEYHN", an invoicing code).
 */
const CODE = /^(?:(?=[\p{L}\d]*\d)(?=[\p{L}\d]*\p{L})[\p{L}\d]{10,}|(?=[A-Z\d]*\d)(?=[A-Z\d]*[A-Z])[A-Z\d]{5,})$/u;
/** The country code and check digits of an IBAN and its next group ("NL80 BUNQ"). */
const IBAN_START = /^[A-Z]{2}\d{2}[ ]?[A-Z\d]{4}/;
/** A code's prefix right before a number ("TKT-" of "TKT-36812"): the number is the code's, not a postcode. */
const CODE_PREFIX_BEFORE = /[\p{L}\d]{3,}-$/u;

/**
 * A piece of a longer code ("-BLK" or "TR-" in "TR-12045-BLK"): the find starts or ends inside a token that holds
 * a digit outside the find.
 */
function insideCode(text: string, s: Span): boolean {
  let from = s.start;
  while (from > 0 && !/\s/.test(text[from - 1]!)) from -= 1;
  let to = s.end;
  while (to < text.length && !/\s/.test(text[to]!)) to += 1;
  const around = text.slice(from, s.start) + text.slice(s.end, to).replace(/[.,;:!?)"'»]+$/u, '');
  return /\d/.test(around) && /[-/_]/.test(around);
}

/**
 * Cuts off a partial word at either end of a find ("Mail" of "E-Mail", "Zombie" of "ex-Zombie Kastner");
 * null when no whole word is left.
 */
function wholeWords(text: string, s: Span): Span | null {
  let { start, end } = s;
  const before = text.slice(Math.max(0, start - 2), start);
  if (/[\p{L}\p{M}]$|[\p{L}\p{M}]-$/u.test(before)) {
    const gap = text.slice(start, end).search(/\s/);
    if (gap < 0) return null;
    start += gap;
    while (start < end && /\s/.test(text[start]!)) start += 1;
  }
  if (/^[\p{L}\p{M}]/u.test(text.slice(end, end + 1))) {
    const gap = text.slice(start, end).search(/\s\S*$/);
    if (gap < 0) return null;
    end = start + gap;
  }
  return end > start ? { ...s, start, end } : null;
}

/**
 * Keeps model finds that can be what they claim; the only digit-only place kept is a postcode right beside a place
 * with letters ("80331 München", "Paris 75002"). Version numbers, record ids and pieces of product codes go.
 */
export function plausibleModelSpans(text: string, spans: Span[]): Span[] {
  const words = spans.flatMap((found) => {
    const s = wholeWords(text, found);
    if (!s) return [];
    const value = text.slice(s.start, s.end);
    return worded(value, s.type) && !VERSION.test(value) && !CODE.test(value) && !IBAN_START.test(value) && !insideCode(text, s) ? [s] : [];
  });
  const postcodes = spans.filter((s) => {
    if (s.type !== 'LOCATION' || !POSTCODE.test(text.slice(s.start, s.end))) return false;
    if (CODE_PREFIX_BEFORE.test(text.slice(Math.max(0, s.start - 12), s.start))) return false;
    return words.some((w) => w.type === 'LOCATION' && (Math.abs(w.start - s.end) <= 2 || Math.abs(s.start - w.end) <= 2));
  });
  return [...words, ...postcodes];
}
