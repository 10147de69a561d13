import type { Span } from '../span.js';
import { NAME_PARTICLES, type NameLexicon } from './names.js';

/** Initials right before a name: "C. H. " of "C. H. Kautzer", after a space, a line start or an opening bracket. */
const INITIALS_BEFORE = /(?<![\p{L}\p{N}.])(?:\p{Lu}\.[ \u00a0]?){1,3}$/u;
/** A hyphenated word right before a name ("Anna-Lena ", "KARL-HEINZ "). */
const HYPHENATED_BEFORE = /(?<![\p{L}\p{N}])(\p{Lu}[\p{Ll}\p{Lu}]+)-(\p{Lu}[\p{Ll}\p{Lu}]+)[ \u00a0]$/u;
const PARTICLE = NAME_PARTICLES.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
/** Particles and a capitalised surname right after a name (" von Wirth", " de la Serrato"), on the same line. */
const PARTICLES_AFTER = new RegExp(`^(?:[ \\u00a0](?:${PARTICLE})){1,3}[ \\u00a0]\\p{Lu}[\\p{L}'’-]+`, 'u');

/** The lexicon's form of a word ("ANNA" → "Anna"). */
const asName = (w: string): string => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();

/**
 * Puts the edges of the PERSON spans where a name's are: a span across a tab is two cells of an export and becomes
 * two names; across a line break it ends at the line, unless the next line holds a name the lexicon knows; initials
 * before it are taken in ("C. H. Kautzer"), and so are a hyphenated given name whose parts the lexicon knows
 * ("Anna-Lena Koch") and particles with the surname after it ("John von Wirth", "Alberto de la Serrato"). Spans
 * must be sorted by start; other types pass unchanged.
 */
export function fixNameEdges(text: string, spans: Span[], lexicon: NameLexicon): Span[] {
  const out: Span[] = [];
  spans.forEach((span, i) => {
    if (span.type !== 'PERSON') {
      out.push(span);
      return;
    }
    const ceiling = spans[i + 1]?.start ?? text.length;
    for (const piece of pieces(text, span, lexicon)) out.push(widen(text, piece, lexicon, out.at(-1)?.end ?? 0, ceiling));
  });
  return out;
}

/**
 * The parts of a span on either side of its tabs and line breaks. A part that opens a line is kept only when the
 * lexicon knows one of its words as a name: the next line of a signature is a label ("Tél.", "Correo:").
 */
function pieces(text: string, span: Span, lexicon: NameLexicon): Span[] {
  const value = text.slice(span.start, span.end);
  if (!/[\t\n]/.test(value)) return [span];
  const out: Span[] = [];
  let at = span.start;
  for (const part of value.split(/([\t\r\n]+)/)) {
    const start = at;
    at += part.length;
    if (/^[\t\r\n]+$/.test(part) || !/\p{L}/u.test(part)) continue;
    const afterLineBreak = start > span.start && text[start - 1] === '\n';
    if (afterLineBreak && !(part.match(/\p{L}+/gu) ?? []).some((w) => lexicon.given.has(asName(w)) || lexicon.surnames.has(asName(w)))) continue;
    const trimmed = part.trimEnd();
    const lead = part.length - part.trimStart().length;
    out.push({ ...span, start: start + lead, end: start + trimmed.length });
  }
  return out;
}

/** The span widened over initials or a hyphenated given name before it and particles after it, within floor..ceiling. */
function widen(text: string, span: Span, lexicon: NameLexicon, floor: number, ceiling: number): Span {
  let { start, end } = span;
  const head = text.slice(Math.max(floor, start - 40), start);
  const hyphenated = HYPHENATED_BEFORE.exec(head);
  if (hyphenated && lexicon.given.has(asName(hyphenated[1]!)) && lexicon.given.has(asName(hyphenated[2]!))) start -= hyphenated[0].length;
  else {
    const initials = INITIALS_BEFORE.exec(text.slice(Math.max(floor, start - 12), start));
    if (initials) start -= initials[0].length;
  }
  const tail = PARTICLES_AFTER.exec(text.slice(end, Math.min(ceiling, end + 40)));
  if (tail) end += tail[0].length;
  return start === span.start && end === span.end ? span : { ...span, start, end };
}
