import { escapeRegExp } from '../language-data.js';
import type { Span } from '../span.js';
import { NAME_PARTICLES, nameForm, type NameLexicon } from './names.js';

/** Initials right before a name: "C. H. " of "C. H. Kautzer", after a space, a line start or an opening bracket. */
const INITIALS_BEFORE = /(?<![\p{L}\p{N}.])(?:\p{Lu}\.[ \u00a0]?){1,3}$/u;
/** A hyphenated word right before a name ("Anna-Lena ", "KARL-HEINZ "). */
const HYPHENATED_BEFORE = /(?<![\p{L}\p{N}])(\p{Lu}[\p{Ll}\p{Lu}]+)-(\p{Lu}[\p{Ll}\p{Lu}]+)[ \u00a0]$/u;
const PARTICLE = NAME_PARTICLES.map(escapeRegExp).join('|');
/** Particles and a capitalised surname right after a name (" von Wirth", " de la Serrato"), on the same line. */
const PARTICLES_AFTER = new RegExp(`^(?:[ \\u00a0](?:${PARTICLE})){1,3}[ \\u00a0]\\p{Lu}[\\p{L}'’-]+`, 'u');

/** A middle initial and a surname right after a name, on the same line (" S. Bouts", " G Yefimov"). */
const INITIAL_AND_SURNAME_AFTER = /^[ \u00a0]\p{Lu}\.?[ \u00a0](\p{Lu}\p{Ll}+)(?![\p{L}\p{N}])/u;
/** Only particles between two names. */
const PARTICLES_ONLY = new RegExp(`^(?:[ \\u00a0](?:${PARTICLE})){1,3}[ \\u00a0]$`, 'u');
/** "FUCHS, " before a given name: a surname in capitals and a comma (an export's "LAST, FIRST"). */
const UPPER_SURNAME_BEFORE = /(?<![\p{L}\p{N}])(\p{Lu}[\p{Lu}'’-]+(?: \p{Lu}[\p{Lu}'’-]+){0,2}), $/u;
/** ", RODRIGO" after a surname in capitals. */
const UPPER_GIVEN_AFTER = /^, (\p{Lu}[\p{Lu}'’-]+)(?![\p{L}\p{N}])/u;

/** Whether the lexicon knows the word, in any writing ("ANNA", "anna"), as a given name or a surname. */
const knownAs = (names: ReadonlySet<string>, word: string): boolean => {
  const form = nameForm(word);
  return form !== null && names.has(form);
};

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
    for (const piece of pieces(text, span, lexicon)) {
      const last = out.at(-1);
      // "Medina" + "du" + "Cailler", "María" + "de los" + "Ángeles": one name.
      if (last?.type === 'PERSON' && PARTICLES_ONLY.test(text.slice(last.end, piece.start))) {
        out[out.length - 1] = { ...last, end: piece.end, score: Math.max(last.score, piece.score) };
        continue;
      }
      out.push(widen(text, piece, lexicon, last?.end ?? 0, ceiling));
    }
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
    if (afterLineBreak && !(part.match(/\p{L}+/gu) ?? []).some((w) => knownAs(lexicon.given, w) || knownAs(lexicon.surnames, w))) continue;
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
  if (hyphenated && knownAs(lexicon.given, hyphenated[1]!) && knownAs(lexicon.given, hyphenated[2]!)) start -= hyphenated[0].length;
  else {
    const initials = INITIALS_BEFORE.exec(text.slice(Math.max(floor, start - 12), start));
    if (initials) start -= initials[0].length;
  }
  const tail = PARTICLES_AFTER.exec(text.slice(end, Math.min(ceiling, end + 40)));
  if (tail) end += tail[0].length;
  else {
    // "Jildau" + " S Bouts": a middle initial and a surname after a one-word name.
    const initial = INITIAL_AND_SURNAME_AFTER.exec(text.slice(end, Math.min(ceiling, end + 40)));
    if (initial && !/\s/.test(text.slice(start, end)) && !lexicon.functionWords.has(initial[1]!.toLowerCase())) end += initial[0].length;
  }
  // "FUCHS, NICOLE" and "ORTA GÁMEZ, RODRIGO": a name in capitals with its surname first is one name.
  const value = text.slice(start, end);
  if (!/\p{Ll}/u.test(value)) {
    const surname = UPPER_SURNAME_BEFORE.exec(text.slice(Math.max(floor, start - 48), start));
    const given = UPPER_GIVEN_AFTER.exec(text.slice(end, Math.min(ceiling, end + 32)));
    if (surname && knownAs(lexicon.given, value) && surname[1]!.split(' ').some((w) => knownAs(lexicon.surnames, w))) start -= surname[0].length;
    else if (given && knownAs(lexicon.given, given[1]!) && value.split(' ').some((w) => knownAs(lexicon.surnames, w))) end += given[0].length;
  }
  return start === span.start && end === span.end ? span : { ...span, start, end };
}

/** Initials and a surname ("I. Erhardt", "J. L. Marty", "A. K. Ayala-Carrera"). */
const INITIALS_AND_SURNAME = /(?<![\p{L}\p{N}.])(?:\p{Lu}\.[ \u00a0]?){1,3}(\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)(?![\p{L}\p{N}])/gu;
/** A hyphenated given name, and the surname after it if any ("Hans-Peter", "Anna-Maria Cossu"). */
const HYPHENATED_GIVEN = /(?<![\p{L}\p{N}-])(\p{Lu}\p{Ll}+)-(\p{Lu}\p{Ll}+)(?:[ \u00a0](\p{Lu}\p{Ll}+))?(?![\p{L}\p{N}-])/gu;
/** A given name, a middle initial and a surname ("Margaret S. Stouffer", "Ravil G Yefimov"). */
const MIDDLE_INITIAL = /(?<![\p{L}\p{N}])(\p{Lu}\p{Ll}+) \p{Lu}\.? (\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)?)(?![\p{L}\p{N}])/gu;
const SHAPE_SCORE = 0.6;

/**
 * Names the model and the lexicon's pairs miss for their shape: initials before a surname the lexicon knows ("C.
 * Allgeyer"), and a hyphenated given name whose parts it knows ("Karl-Heinz"), with the known surname after it. Added
 * where no other find is; spans sorted by start.
 */
export function addNameShapes(text: string, spans: Span[], lexicon: NameLexicon): Span[] {
  if (!/\p{Lu}\.|\p{Ll}-\p{Lu}|\p{Ll} \p{Lu} \p{Lu}/u.test(text)) return spans;
  const added: Span[] = [];
  const overlapping = (start: number, end: number) => (s: Span) => s.start < end && start < s.end;
  const free = (start: number, end: number) => !spans.some(overlapping(start, end)) && !added.some(overlapping(start, end));
  for (const m of text.matchAll(INITIALS_AND_SURNAME)) {
    const surname = m[1]!.split('-');
    if (surname.some((w) => lexicon.surnames.has(w)) && free(m.index, m.index + m[0].length)) {
      added.push({ type: 'PERSON', start: m.index, end: m.index + m[0].length, score: SHAPE_SCORE, detector: 'lexicon:name_shape' });
    }
  }
  for (const m of text.matchAll(MIDDLE_INITIAL)) {
    const known = lexicon.given.has(m[1]!) && !lexicon.functionWords.has(m[1]!.toLowerCase()) && !lexicon.functionWords.has(m[2]!.toLowerCase());
    if (known && free(m.index, m.index + m[0].length)) {
      added.push({ type: 'PERSON', start: m.index, end: m.index + m[0].length, score: SHAPE_SCORE, detector: 'lexicon:name_shape' });
    }
  }
  for (const m of text.matchAll(HYPHENATED_GIVEN)) {
    if (!lexicon.given.has(m[1]!) || !lexicon.given.has(m[2]!)) continue;
    const withSurname = m[3] !== undefined && lexicon.surnames.has(m[3]);
    const end = m.index + (withSurname ? m[0].length : m[1]!.length + m[2]!.length + 1);
    if (free(m.index, end)) added.push({ type: 'PERSON', start: m.index, end, score: SHAPE_SCORE, detector: 'lexicon:name_shape' });
  }
  return added.length === 0 ? spans : [...spans, ...added].sort((a, b) => a.start - b.start);
}
