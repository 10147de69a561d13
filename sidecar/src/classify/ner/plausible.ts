import type { Span } from '../span.js';

const LETTER = /\p{L}/u;
const POSTCODE = /^[A-Z]{0,2}-?\d{4,5}(?: ?[A-Z]{2})?$/;

/**
 * Keeps model finds that can be what they claim: a name or place has letters; the only digit-only place kept is a
 * postcode right beside a place with letters ("80331 München", "Paris 75002").
 */
export function plausibleModelSpans(text: string, spans: Span[]): Span[] {
  const worded = spans.filter((s) => LETTER.test(text.slice(s.start, s.end)));
  const postcodes = spans.filter((s) => {
    if (s.type !== 'LOCATION' || !POSTCODE.test(text.slice(s.start, s.end))) return false;
    return worded.some((w) => w.type === 'LOCATION' && (Math.abs(w.start - s.end) <= 2 || Math.abs(s.start - w.end) <= 2));
  });
  return [...worded, ...postcodes];
}
