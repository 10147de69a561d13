import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { overlaps, type Span } from '../span.js';

/** Built by `scripts/lexicon/generate.ts` from faker's person locales and stopwords-iso. */
export const NAME_LEXICON_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'lexicons', 'names.json');

export interface NameLexicon {
  given: ReadonlySet<string>;
  surnames: ReadonlySet<string>;
  /** Lower-case function words of the six languages (pronouns, articles, conjunctions, adverbs...). */
  functionWords: ReadonlySet<string>;
}

let shared: NameLexicon | null = null;

/** The shipped lexicon, read once per process (~0.3 MB). */
export function nameLexicon(): NameLexicon {
  if (!shared) {
    const raw = JSON.parse(readFileSync(NAME_LEXICON_FILE, 'utf8')) as { given: string[]; surnames: string[]; functionWords: string[] };
    shared = { given: new Set(raw.given), surnames: new Set(raw.surnames), functionWords: new Set(raw.functionWords) };
  }
  return shared;
}

const PARTICLES = new Set(['van', 'von', 'der', 'den', 'de', 'del', 'della', 'di', 'da', 'das', 'dos', 'du', 'la', 'le', 'ter', 'ten', 'zu', 'y']);
const WORD = /[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*\.?/gu;

interface Word {
  text: string;
  start: number;
  end: number;
}

const wordsIn = (text: string, start: number, end: number): Word[] => {
  const out: Word[] = [];
  WORD.lastIndex = start;
  for (let m = WORD.exec(text); m !== null && m.index < end; m = WORD.exec(text)) {
    const w = m[0].endsWith('.') ? m[0].slice(0, -1) : m[0];
    out.push({ text: w, start: m.index, end: Math.min(end, m.index + w.length) });
  }
  return out;
};

const lowerInitial = (w: string): boolean => /^\p{Ll}/u.test(w);
/** The text has both cases: a lower-case word there is not part of a name (in all-lower-case chat it may be). */
const mixedCase = (text: string): boolean => /\p{Lu}/u.test(text) && /\p{Ll}/u.test(text);

/**
 * Trims a model PERSON span to its name: drops function words ("You", "Since", "There") and, in mixed-case text,
 * lower-case words ("says", "flew") at either edge; particles stay between name words ("Willemine ten Pas").
 * Returns null when nothing of a name is left.
 */
export function trimPersonSpan(text: string, span: Span, lexicon: NameLexicon, cased = mixedCase(text)): Span | null {
  const words = wordsIn(text, span.start, span.end);
  const functionWord = (w: Word): boolean => lexicon.functionWords.has(w.text.toLowerCase()) && !lexicon.given.has(w.text);
  const loose = (w: Word): boolean => functionWord(w) || (cased && lowerInitial(w.text));
  let first = 0;
  let last = words.length - 1;
  while (first <= last && (loose(words[first]!) && !(PARTICLES.has(words[first]!.text) && first < last))) first += 1;
  while (last >= first && (loose(words[last]!) || PARTICLES.has(words[last]!.text.toLowerCase()))) last -= 1;
  if (first > last) return null;
  if (words.slice(first, last + 1).every(functionWord)) return null;
  return { ...span, start: words[first]!.start, end: words[last]!.end };
}

const CAPITALISED = /^\p{Lu}[\p{Ll}\p{M}]/u;
const INITIAL = /^\p{Lu}$/u;

/**
 * Names the lexicon vouches for: a capitalised given name (three letters or more, not a function word), an optional
 * middle initial, then capitalised words. A given name and a known surname score `pair`; a given name with another
 * capitalised word or alone score below the threshold and count only beside a model find (`combinePersonEvidence`).
 */
export function lexiconPersonCandidates(text: string, lexicon: NameLexicon, scores = { pair: 0.7, partial: 0.45, standing: 0.5, alone: 0.4 }): Span[] {
  const words = wordsIn(text, 0, text.length);
  const out: Span[] = [];
  const capitalised = (w: Word | undefined): w is Word =>
    !!w && CAPITALISED.test(w.text) && !lexicon.functionWords.has(w.text.toLowerCase());
  const adjacent = (a: Word, b: Word): boolean => /^[.]?[ \t]{1,2}$/u.test(text.slice(a.end, b.start));
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i]!;
    if (w.text.length < 3 || !capitalised(w) || !lexicon.given.has(w.text)) continue;
    let j = i;
    if (words[j + 1] && INITIAL.test(words[j + 1]!.text) && adjacent(words[j]!, words[j + 1]!)) j += 1;
    let surname = false;
    let k = j;
    while (k - i < 3 && capitalised(words[k + 1]) && adjacent(words[k]!, words[k + 1]!)) {
      k += 1;
      surname ||= lexicon.surnames.has(words[k]!.text);
    }
    if (k === j) j = i; // an initial with nothing after it is not part of the name
    const end = words[Math.max(j, k)]!.end;
    const previous = words[i - 1];
    const standsAlone = k === j && !(previous && capitalised(previous) && adjacent(previous, w)) && /^(?:[ \t]+\p{Ll}|\s*[,:;!?)"']|\s*$)/u.test(text.slice(end));
    const score = surname ? scores.pair : k > j ? scores.partial : standsAlone ? scores.standing : scores.alone;
    out.push({ type: 'PERSON', start: w.start, end, score, detector: 'lexicon:person' });
    i = Math.max(j, k);
  }
  return out;
}

export interface PersonEvidenceOptions {
  /** Minimum model probability of a PERSON find the lexicon does not know. */
  unknownNameThreshold: number;
  /** Minimum model probability of a PERSON find with a known given name or surname in it. */
  knownNameThreshold: number;
}

/**
 * Weighs the model's PERSON finds with the lexicon: finds are trimmed to their name words; a find with a known
 * given name or surname passes a lower bar than one without; a lexicon candidate beside a model find joins it and
 * raises its score (noisy-or). Returns the PERSON spans to report (other model types pass through untouched).
 */
export function combinePersonEvidence(text: string, modelSpans: Span[], lexicon: NameLexicon, options: PersonEvidenceOptions): Span[] {
  const cased = mixedCase(text);
  const candidates = lexiconPersonCandidates(text, lexicon);
  const out: Span[] = [];
  for (const raw of modelSpans) {
    if (raw.type !== 'PERSON') {
      out.push(raw);
      continue;
    }
    const span = trimPersonSpan(text, raw, lexicon, cased);
    if (!span) continue;
    const known = wordsIn(text, span.start, span.end).some((w) => lexicon.given.has(w.text) || lexicon.surnames.has(w.text));
    const beside = candidates.filter((c) => overlaps(c, span));
    const lexiconScore = Math.max(0, ...beside.map((c) => c.score));
    const score = 1 - (1 - span.score) * (1 - lexiconScore);
    if (span.score < (known || beside.length > 0 ? options.knownNameThreshold : options.unknownNameThreshold)) continue;
    out.push({
      ...span,
      start: Math.min(span.start, ...beside.map((c) => c.start)),
      end: Math.max(span.end, ...beside.map((c) => c.end)),
      score,
    });
  }
  for (const c of candidates) {
    if (!out.some((s) => overlaps(s, c))) out.push(c);
  }
  return out;
}
