import type { Span } from '../span.js';

const POSTCODE = /^[A-Z]{0,2}-?\d{4,5}(?: ?[A-Z]{2})?$/;

/**
 * A name or place from a cased model is written with a capital somewhere and has more letters than digits
 * ("Hauptstraße 12", not "AB-12345-X" or "2024-03-05T10:22:11Z"). Lower-case words and codes are dropped.
 */
function worded(value: string): boolean {
  const letters = value.match(/\p{L}/gu)?.length ?? 0;
  const digits = value.match(/\d/g)?.length ?? 0;
  return /\p{Lu}/u.test(value) && letters > digits;
}

/**
 * Keeps model finds that can be what they claim; the only digit-only place kept is a postcode right beside a place
 * with letters ("80331 München", "Paris 75002").
 */
export function plausibleModelSpans(text: string, spans: Span[]): Span[] {
  const words = spans.filter((s) => worded(text.slice(s.start, s.end)));
  const postcodes = spans.filter((s) => {
    if (s.type !== 'LOCATION' || !POSTCODE.test(text.slice(s.start, s.end))) return false;
    return words.some((w) => w.type === 'LOCATION' && (Math.abs(w.start - s.end) <= 2 || Math.abs(s.start - w.end) <= 2));
  });
  return [...words, ...postcodes];
}
