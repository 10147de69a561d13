import type { Span } from './span.js';

/**
 * What may stand between two parts of one postal address on a line: spaces and a comma, and an Italian or
 * Spanish province code after the city ("Firenze (FI), Italia"), a postcode before the city ("Calle de Alcalá, 91, 28009
 * Madrid" when the postcode was not found on its own). A tab, or a comma with no space after it, separates
 * the cells of an export ("Milano,Via Cavour 126", "Via Manzoni 13<tab>90133"): parts there stay apart.
 */
const SAME_LINE_GAP = /^ *(?:\([A-Z]{2}\))? *(?:, +)?(?:\d{4,5} +)?$/u;
/** Between the street and the postcode line of an address written on two lines. */
const LINE_BREAK_GAP = /^[ \t]*,?[ \t]*\r?\n[ \t]*$/u;
/** A province code right after the city ("Genova (GE)"): part of the address. */
const PROVINCE_AFTER = /^ \([A-Z]{2}\)/u;

const hasDigit = (text: string, s: Span): boolean => /\d/.test(text.slice(s.start, s.end));

/**
 * Joins the parts of a postal address found one by one ("Via Manzoni 49" + "40121" + "Bologna" + "Italia") into
 * one LOCATION span from the street through the city and the country on the same line, as an address is one
 * piece of personal data. Parts join only where one of them holds a number (a house number or a postcode): a
 * list of cities ("Paris, Lyon") stays a list. Spans must be sorted by start and not overlap, as `mergeSpans`
 * leaves them.
 */
export function joinAddressParts(text: string, found: Span[]): Span[] {
  const spans = found.flatMap((s) => (s.type === 'LOCATION' ? provinceFree(text, s) : [s]));
  if (spans.filter((s) => s.type === 'LOCATION').length < 2) return extendProvinces(text, spans);
  const out: Span[] = [];
  for (const span of spans) {
    const last = out.at(-1);
    if (last && last.type === 'LOCATION' && span.type === 'LOCATION') {
      const gap = text.slice(last.end, span.start);
      const numbered = hasDigit(text, last) || hasDigit(text, span);
      const joins = numbered && (SAME_LINE_GAP.test(gap) || (LINE_BREAK_GAP.test(gap) && hasDigit(text, last) && hasDigit(text, span)));
      if (joins) {
        out[out.length - 1] = { ...last, end: span.end, score: Math.max(last.score, span.score) };
        continue;
      }
    }
    out.push(span);
  }
  return extendProvinces(text, out);
}

/** A province code in parentheses ("(VE)"), found as a place of its own, with or without its parentheses. */
const PROVINCE_CODE = /^\(?[A-Z]{2}\)?$/u;

/**
 * A place found as a province code in parentheses ("Venezia (VE)") is left to the city before it, which takes it in
 * (`SAME_LINE_GAP`, `extendProvinces`); a place that ends in a closing parenthesis it did not open loses it ("VE)").
 */
function provinceFree(text: string, s: Span): Span[] {
  const value = text.slice(s.start, s.end);
  if (PROVINCE_CODE.test(value) && text.slice(0, s.start).trimEnd().endsWith('(') !== value.startsWith('(')) {
    const close = text.slice(s.end).trimStart().startsWith(')') || value.endsWith(')');
    if (close) return [];
  }
  if (value.endsWith(')') && !value.includes('(')) return s.end - 1 > s.start ? [{ ...s, end: s.end - 1 }] : [];
  return [s];
}

/** Takes the province code after a city into the address ("16121 Genova (GE)"). */
function extendProvinces(text: string, spans: Span[]): Span[] {
  return spans.map((s, i) => {
    if (s.type !== 'LOCATION' || !hasDigit(text, s)) return s;
    const m = PROVINCE_AFTER.exec(text.slice(s.end, s.end + 5));
    const next = spans[i + 1];
    return m && (!next || next.start >= s.end + m[0].length) ? { ...s, end: s.end + m[0].length } : s;
  });
}
