import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeRegExp, languageData } from '../language-data.js';
import { MONTHS } from '../recognizers/date-of-birth.js';
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

const LANGUAGE = languageData();
/** Particles inside names (`van der`, `de la`, `di`): never a name on their own, nor function words to the lexicon. */
export const NAME_PARTICLES: readonly string[] = LANGUAGE.particles;
const PARTICLES: ReadonlySet<string> = new Set(NAME_PARTICLES);
/**
 * Forms of address before a name, lower case without the full stop. They are not part of the name (as in Presidio's
 * gold spans: "Mr. |Mayers|"). "Don" and "M." are left alone: a given name and an initial too.
 */
const HONORIFICS: ReadonlySet<string> = new Set(LANGUAGE.honorifics);
/** Articles before a single capitalised word make it a noun ("Der Kurier hat", "The Courier"), not a name. */
const ARTICLE_BEFORE = new RegExp(`(?:^|[^\\p{L}\\p{M}])(?:([\\p{L}\\p{M}]+)\\s+)?(?:${LANGUAGE.articles.map(escapeRegExp).join('|')})\\s+$`, 'iu');
const WORD = /[\p{L}\p{M}]+(?:['’-][\p{L}\p{M}]+)*\.?/gu;
/** An English clitic or possessive is not part of the word it hangs on ("There's", "Matej's"). */
const CLITIC = /['’](?:s|t|re|ll|d|ve|m)$/iu;

interface Word {
  text: string;
  start: number;
  end: number;
}

const wordsIn = (text: string, start: number, end: number): Word[] => {
  const out: Word[] = [];
  WORD.lastIndex = start;
  for (let m = WORD.exec(text); m !== null && m.index < end; m = WORD.exec(text)) {
    const w = (m[0].endsWith('.') ? m[0].slice(0, -1) : m[0]).replace(CLITIC, '');
    out.push({ text: w, start: m.index, end: Math.min(end, m.index + w.length) });
  }
  return out;
};

const lowerInitial = (w: string): boolean => /^\p{Ll}/u.test(w);
/** The text has both cases: a lower-case word there is not part of a name (in all-lower-case chat it may be). */
const mixedCase = (text: string): boolean => /\p{Lu}/u.test(text) && /\p{Ll}/u.test(text);

const LETTER = /[\p{L}\p{M}]/u;
/**
 * Widens a span that starts or ends inside a word to the whole word: the model may tag the pieces of a name only up
 * to a hyphen or an apostrophe ("Mills-" of "Mills-Parisian").
 */
function wholeWords(text: string, span: Span): Span {
  let { start, end } = span;
  const joiner = (c: string | undefined): boolean => c === '-' || c === "'" || c === '’';
  while (start > 0 && (LETTER.test(text[start - 1]!) || (joiner(text[start - 1]) && start > 1 && LETTER.test(text[start - 2]!)))) start -= 1;
  while (end < text.length && (LETTER.test(text[end]!) || (joiner(text[end]) && LETTER.test(text[end + 1] ?? '')))) end += 1;
  // a trailing joiner is not part of the name ("Mills-" on its own)
  while (end > start && joiner(text[end - 1])) end -= 1;
  return start === span.start && end === span.end ? span : { ...span, start, end };
}

/**
 * Trims a model PERSON span to its name: drops leading function words ("You", "Since", "There") and, in mixed-case
 * text, lower-case words ("says", "flew") at either edge; particles stay between name words ("Willemine ten Pas").
 * Returns null when nothing of a name is left.
 */
export function trimPersonSpan(text: string, found: Span, lexicon: NameLexicon, cased = mixedCase(text)): Span | null {
  const span = wholeWords(text, found);
  const words = wordsIn(text, span.start, span.end);
  const functionWord = (w: Word): boolean => lexicon.functionWords.has(w.text.toLowerCase());
  const lower = (w: Word): boolean => cased && lowerInitial(w.text);
  const particleBeforeName = (i: number): boolean => PARTICLES.has(words[i]!.text) && i < words.length - 1;
  // "Sara Schwarz", "Will Smith": a name that is also a word, before a known surname
  const nameBeforeSurname = (i: number): boolean => lexicon.given.has(words[i]!.text) && i < words.length - 1 && lexicon.surnames.has(words[i + 1]!.text);
  let first = 0;
  let last = words.length - 1;
  while (
    first <= last &&
    (functionWord(words[first]!) || lower(words[first]!) || (HONORIFICS.has(words[first]!.text.toLowerCase()) && first < last)) &&
    !particleBeforeName(first) &&
    !nameBeforeSurname(first)
  )
    first += 1;
  while (last >= first && (lower(words[last]!) || PARTICLES.has(words[last]!.text.toLowerCase()))) last -= 1;
  if (first > last) return null;
  if (words.slice(first, last + 1).every(functionWord) && !nameBeforeSurname(first)) return null;
  return { ...span, start: words[first]!.start, end: words[last]!.end };
}

const CAPITALISED = /^\p{Lu}[\p{Ll}\p{M}]/u;
const UPPER = /^\p{Lu}[\p{Lu}\p{M}'’-]+$/u;
const LOWER = /^\p{Ll}[\p{Ll}\p{M}'’-]+$/u;
const INITIAL = /^\p{Lu}$/u;

type Shape = 'capitalised' | 'upper' | 'lower';

/** How a word is written; the lexicon holds names as "Anna", so "ANNA" and "anna" are looked up as "Anna". */
const shapeOf = (w: string): Shape | null => (CAPITALISED.test(w) ? 'capitalised' : UPPER.test(w) ? 'upper' : LOWER.test(w) ? 'lower' : null);
const asName = (w: string, shape: Shape): string => (shape === 'capitalised' ? w : w.charAt(0).toUpperCase() + w.slice(1).toLowerCase());
/** The word as the lexicon would hold it, or null when it is not written like a name. */
export const nameForm = (w: string): string | null => {
  const shape = shapeOf(w);
  return shape && asName(w, shape);
};

/** Scores of lexicon names, by how much the lexicon and the writing vouch for them. */
export const LEXICON_SCORES = {
  /** A capitalised given name and a known surname ("Anna Schmidt"). */
  pair: 0.7,
  /** The same in capitals ("ANNA SCHMIDT"). */
  upperPair: 0.65,
  /** The same in lower case ("anna schmidt"): lower-case words are often ordinary words. */
  lowerPair: 0.55,
  /** A capitalised given name on its own between lower-case words or punctuation ("Nora is reliable", "Anna, Tom"). */
  standing: 0.5,
  /** A given name with an unknown capitalised word ("Victoria Desk"): only beside a model find. */
  partial: 0.45,
  /** Any other given name: only beside a model find. */
  alone: 0.4,
} as const;

/**
 * Names the lexicon vouches for: a given name (three letters or more, not a function word), an optional middle
 * initial, then words written the same way: capitalised words after a capitalised name, known surnames after a name
 * in capitals or lower case. Scores per `LEXICON_SCORES`; the ones below the PERSON threshold count only beside a
 * model find (`combinePersonEvidence`).
 */
export function lexiconPersonCandidates(text: string, lexicon: NameLexicon): Span[] {
  const words = wordsIn(text, 0, text.length);
  const shapes = words.map((w) => shapeOf(w.text));
  const functionWord = words.map((w) => lexicon.functionWords.has(w.text.toLowerCase()));
  const forms = words.map((w) => nameForm(w.text));
  const known = (i: number, set: ReadonlySet<string>): boolean => forms[i] != null && set.has(forms[i]!);
  const adjacent = (a: Word, b: Word): boolean => /^[.]?[ \t]{1,2}$/u.test(text.slice(a.end, b.start));
  const out: Span[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const w = words[i]!;
    const shape = shapes[i];
    if (w.text.length < 3 || !shape || !known(i, lexicon.given)) continue;
    let j = i;
    if (shape !== 'lower' && words[j + 1] && INITIAL.test(words[j + 1]!.text) && adjacent(w, words[j + 1]!)) j += 1;
    const continues = (n: number): boolean =>
      n < words.length &&
      shapes[n] === shape &&
      !functionWord[n] &&
      adjacent(words[n - 1]!, words[n]!) &&
      (shape === 'capitalised' || known(n, lexicon.surnames) || known(n, lexicon.given));
    let surname = false;
    let k = j;
    while (k - i < 3 && continues(k + 1)) {
      k += 1;
      surname ||= known(k, lexicon.surnames);
    }
    if (k === j) j = i; // an initial with nothing after it is not part of the name
    // a name that is also a word ("Will", "May", "Sara") counts only before a known surname
    if (functionWord[i] && !(k > i && known(i + 1, lexicon.surnames))) continue;
    const end = words[k]!.end;
    const previous = i > 0 && shapes[i - 1] === 'capitalised' && !functionWord[i - 1] && adjacent(words[i - 1]!, w);
    const standsAlone = shape === 'capitalised' && k === i && !previous && /^(?:[ \t]+\p{Ll}|['’]s\b|\s*[,.:;!?)"']|\s*$)/u.test(text.slice(end));
    const score = surname
      ? shape === 'capitalised'
        ? LEXICON_SCORES.pair
        : shape === 'upper'
          ? LEXICON_SCORES.upperPair
          : LEXICON_SCORES.lowerPair
      : shape === 'capitalised' && k > j
        ? LEXICON_SCORES.partial
        : standsAlone
          ? LEXICON_SCORES.standing
          : LEXICON_SCORES.alone;
    out.push({ type: 'PERSON', start: w.start, end, score, detector: 'lexicon:person' });
    i = k;
  }
  return out;
}

/**
 * Whether the text may name a person or a place for the model to find: it holds a capital in a word that is not a
 * function word ("Anna", "iPhone", "BERLIN", not "My" or "The"), or a given name the lexicon knows ("call anna
 * back").
 */
export function mayNameSomeone(text: string, lexicon: NameLexicon): boolean {
  for (const w of wordsIn(text, 0, text.length)) {
    if (lexicon.functionWords.has(w.text.toLowerCase())) continue;
    if (/\p{Lu}/u.test(w.text) && w.text.length > 1) return true;
    const form = nameForm(w.text);
    if (w.text.length >= 3 && form && lexicon.given.has(form)) return true;
  }
  return false;
}

/**
 * One word right after an article ("Der Kurier hat", "the Courier") is a noun, not a name; a particle before the
 * article ("van der Berg", "de la Cruz") makes it part of a name.
 */
function afterArticle(text: string, span: Span, words: readonly Word[]): boolean {
  if (words.length !== 1) return false;
  const before = ARTICLE_BEFORE.exec(text.slice(Math.max(0, span.start - 40), span.start));
  return before !== null && !(before[1] !== undefined && PARTICLES.has(before[1].toLowerCase()));
}

interface PersonEvidenceOptions {
  /** Minimum probability of a model find other than PERSON. */
  modelThreshold: number;
  /** Minimum model probability of a PERSON find the lexicon does not know. */
  unknownNameThreshold: number;
  /** Minimum model probability of a PERSON find with a known given name or surname in it. */
  knownNameThreshold: number;
}

const knownName = (w: Word, lexicon: NameLexicon): boolean => {
  const form = nameForm(w.text);
  return form !== null && (lexicon.given.has(form) || lexicon.surnames.has(form));
};

/**
 * A "place" that is a given name and a known surname and nothing more ("Chiara Marino", "Elena López,") is the
 * person; streets named after people ("Via Giuseppe Verdi 12") keep their other words and stay places.
 */
function namedPlace(text: string, place: Span, candidates: Span[]): Span | undefined {
  const value = text.slice(place.start, place.end).replace(/[\s,.;:]+$/u, '');
  if (/\d/.test(value)) return undefined;
  return candidates.find((c) => c.score >= LEXICON_SCORES.lowerPair && c.start <= place.start && c.end >= place.start + value.length);
}

/**
 * One word directly before a colon: a chat speaker's role or a field's label ("Visitor:", "Betreff:", "Onjuiste:")
 * rather than a name, unless the lexicon knows it as one ("Anna: hi").
 */
const isLabel = (text: string, span: Span, words: readonly Word[]): boolean => words.length === 1 && /^\s*:/u.test(text.slice(span.end));

/** Quote and list markers a line of an e-mail or a pasted block may start with ("> ", "??? ", "- "). */
const MARKERS = '[\\s>?*•·-]*';
const LINE_MARKERS = new RegExp(`^${MARKERS}`, 'u');
/** How many lines below a name its address may start (a company or a job title line may come between). */
const ADDRESS_REACH = 3;
/** A street: a number and a word of three letters or more. */
const STREET_SHAPE = /(?=.*\d)(?=.*\p{L}{3})/su;

/** A street that opens its line (after markers and a house number), as in an address block, not inside a sentence. */
const BEFORE_STREET = new RegExp(`^${MARKERS}[\\d\\s]*$`, 'u');
const opensLine = (text: string, start: number): boolean => BEFORE_STREET.test(text.slice(text.lastIndexOf('\n', start - 1) + 1, start));

/** True when every line from `from` to `to` holds nothing but places (and markers, punctuation, "Apt."/"Suite" numbers): a block, not prose. */
function addressLines(text: string, from: number, to: number, places: readonly Span[]): boolean {
  let rest = '';
  let at = from;
  for (const p of [...places].sort((a, b) => a.start - b.start)) {
    if (p.start >= to) break;
    if (p.start > at) rest += text.slice(at, p.start);
    at = Math.max(at, p.end);
  }
  if (at < to) rest += text.slice(at, to);
  return /^[\s>?*•·,.;:()-]*$/u.test(rest.replace(/(?:Apt|Suite|Unit)\.?\s*\d+/giu, ''));
}

/**
 * The part a find that is its whole line plays in a postal address block, from the places the model read around it:
 * below a street (a place with a number and a word) within a few lines it is the town ("> KAJAANI", "Dolores"), the
 * model's or the lexicon's PERSON notwithstanding; of two words or more, above a street and below no place, it heads
 * the block as the recipient, and the lexicon need not know the name for the model's word to count.
 */
function addressRole(text: string, span: Span, places: readonly Span[]): 'town' | 'recipient' | null {
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  let lineEnd = text.indexOf('\n', span.end);
  if (lineEnd < 0) lineEnd = text.length;
  if (text.slice(lineStart, span.start).replace(LINE_MARKERS, '') !== '' || text.slice(span.end, lineEnd).trim() !== '') return null;
  let above = lineStart;
  for (let i = 0; i < ADDRESS_REACH && above > 0; i += 1) above = text.lastIndexOf('\n', above - 2) + 1;
  const placesAbove = places.filter((s) => s.end > above && s.start < lineStart);
  const street = placesAbove.filter((s) => STREET_SHAPE.test(text.slice(s.start, s.end))).pop();
  if (street && opensLine(text, street.start) && addressLines(text, text.indexOf('\n', street.start), lineStart, placesAbove)) return 'town';
  // a full name: one word alone on the line above a street is as often a company ("Onvia")
  if (placesAbove.length > 0 || lineEnd === text.length || !/\S\s+\S/u.test(text.slice(span.start, span.end))) return null;
  let reach = lineEnd;
  for (let i = 0; i < ADDRESS_REACH && reach >= 0; i += 1) reach = text.indexOf('\n', reach + 1);
  const below = reach < 0 ? text.length : reach;
  return places.some((s) => s.start > lineEnd && s.start < below && STREET_SHAPE.test(text.slice(s.start, s.end))) ? 'recipient' : null;
}

/**
 * Weighs the model's finds with the lexicon. Finds other than PERSON need `modelThreshold`; a LOCATION that the
 * lexicon reads as a full name becomes that PERSON (`namedPlace`). PERSON finds are
 * trimmed to their name words; one with a known given name or surname passes a lower bar than one without; a
 * lexicon name beside a model find joins it and raises its score (noisy-or). Lexicon names no model find covers
 * are added with their own score (the caller's PERSON threshold decides). In a postal address block a line below the
 * street is the town and a full name above it the recipient (`addressRole`); nationality adjectives, company names,
 * streets named after someone and places after a place cue are no people (`notAName`, `namesStreet`,
 * `afterPlaceCue`); a list of given names is completed (`completeNameLists`).
 */
export function combinePersonEvidence(text: string, modelSpans: Span[], lexicon: NameLexicon, options: PersonEvidenceOptions): Span[] {
  const cased = mixedCase(text);
  const candidates = lexiconPersonCandidates(text, lexicon);
  const out: Span[] = [];
  // places the model found but was not sure of still speak against a lone given name there ("MailingCity":"Paris")
  const doubtful: Span[] = [];
  const places = modelSpans.filter((s) => s.type === 'LOCATION' && s.score >= 0.5);
  for (const raw of modelSpans) {
    const role = raw.type === 'LOCATION' ? null : addressRole(text, raw, places);
    if (role === 'town') {
      out.push({ ...raw, type: 'LOCATION' });
      continue;
    }
    if (raw.type !== 'PERSON') {
      if (raw.score < options.modelThreshold) {
        if (raw.score >= 0.5) doubtful.push(raw);
        continue;
      }
      const name = raw.type === 'LOCATION' ? namedPlace(text, raw, candidates) : undefined;
      out.push(name ?? raw);
      continue;
    }
    const span = trimPersonSpan(text, raw, lexicon, cased);
    if (!span) continue;
    const beside = candidates.filter((c) => overlaps(c, span));
    const words = wordsIn(text, span.start, span.end);
    const known = beside.length > 0 || words.some((w) => knownName(w, lexicon));
    // without a capital only the lexicon can tell a name from a word
    if (!known && !/\p{Lu}/u.test(text.slice(span.start, span.end))) continue;
    if (!known && isLabel(text, span, words)) continue;
    if (!known && afterArticle(text, span, words)) continue;
    if (span.score < (known || role === 'recipient' ? options.knownNameThreshold : options.unknownNameThreshold)) continue;
    const lexiconScore = Math.max(0, ...beside.map((c) => c.score));
    out.push({
      ...span,
      start: Math.min(span.start, ...beside.map((c) => c.start)),
      end: Math.max(span.end, ...beside.map((c) => c.end)),
      score: 1 - (1 - span.score) * (1 - lexiconScore),
    });
  }
  for (const c of candidates) {
    if (out.some((s) => overlaps(s, c))) continue;
    if (c.score < LEXICON_SCORES.lowerPair && doubtful.some((s) => overlaps(s, c))) continue;
    if (addressRole(text, c, places) === 'town') continue;
    out.push(c);
  }
  const people = out
    .filter((s) => s.type !== 'PERSON' || !notAName(text, s, lexicon))
    .map((s) => (s.type === 'PERSON' && (namesStreet(text, s) || afterPlaceCue(text, s)) ? { ...s, type: 'LOCATION' as const } : s));
  return joinSurnameFirst(text, completeNameLists(text, people, places, lexicon), lexicon);
}

/** English nationality and language adjectives, capitalised like names ("an Icelandic bank", "Czech graffiti"). */
const DEMONYMS: ReadonlySet<string> = new Set(
  (
    'American Argentinian Australian Austrian Belgian Brazilian British Bulgarian Canadian Chilean Chinese Colombian ' +
    'Croatian Cypriot Czech Danish Dutch Egyptian English Estonian European Finnish French German Greek Hungarian ' +
    'Icelandic Indian Indonesian Irish Israeli Italian Japanese Korean Latvian Lithuanian Luxembourgish Maltese ' +
    'Mexican Moroccan Nigerian Norwegian Pakistani Peruvian Polish Portuguese Romanian Russian Scottish Serbian ' +
    'Slovak Slovenian Spanish Swedish Swiss Turkish Ukrainian Venezuelan Vietnamese Welsh'
  ).split(' '),
);
/** Last words of a company's or a body's name, never of a person's ("Nera Economic Consulting", "Pixia Corp"). */
const ORGANISATION_WORDS: ReadonlySet<string> = new Set(
  (
    'Inc Corp Corporation LLC Ltd Limited GmbH AG SA SAS SARL BV NV SpA Srl Company Group Holding Holdings Partners ' +
    'Associates Consulting Consultants Solutions Systems Technologies Software Services Labs Bank Insurance Orchestra ' +
    'Foundation Institute University'
  ).split(' '),
);
/** Street types that end a street's name and no person's ("Marina Fort Street", "Mathias Pass"). */
const STREET_WORDS: ReadonlySet<string> = new Set(
  (
    'Street Road Avenue Lane Boulevard Drive Pass Extension Extensions Parkway Turnpike Bypass Terrace Crescent ' +
    'Gateway Radial Expressway Freeway Highway Motorway Skyway Trafficway Throughway Stravenue Causeway Plaza Square ' +
    'Courts Cove Coves Trail Isle Harbor Harbour Greens Flats Strasse Straße Straat'
  ).split(' '),
);
/** A name of two words or more ending in a street type is a street named after someone. */
const namesStreet = (text: string, s: Span): boolean => {
  const words = wordsIn(text, s.start, s.end);
  return words.length > 1 && STREET_WORDS.has(words.at(-1)!.text);
};
/** Going or being somewhere: the words after are a place ("flew to Suurküla", "I'm in KAJAANI", "zog nach Graz"). */
const PLACE_CUE_BEFORE =
  /(?:^|[^\p{L}])(?:(?:flew|flown|flying|travell?ed|moved|relocated|returned|drove|driven|arrived|went) (?:to|from|in)|(?:I'm|I am|we're|we are|based|located|stationed) in|(?:zog|gezogen|umgezogen|geflogen|gefahren|gereist) nach|(?:déménagé|parti|partie|arrivé|arrivée) à|(?:trasferit[oa]|arrivat[oa]|andat[oa]) a|(?:mudó|mudado|llegó|viajó) a|(?:verhuisd|gevlogen|gereisd) naar) $/iu;
/** A find after a place cue is the place, unless it owns something ("went to Anna's"). */
const afterPlaceCue = (text: string, s: Span): boolean =>
  PLACE_CUE_BEFORE.test(text.slice(Math.max(0, s.start - 24), s.start)) && !/^['’]s\b/u.test(text.slice(s.end));
const THE_BEFORE = /(?:^|[^\p{L}])[Tt]he\s+$/u;

/**
 * Capitalised words the lexicon or the model took for a name that are none: a nationality adjective alone ("an
 * Hungarian bank"), words ending in a company's last word ("Golden Helix Orchestra"), and given names after "the"
 * without a surname ("The Princess Royal arrived"): in English a person's name takes no article.
 */
function notAName(text: string, s: Span, lexicon: NameLexicon): boolean {
  const words = wordsIn(text, s.start, s.end);
  if (words.length === 1 && DEMONYMS.has(words[0]!.text)) return true;
  if (words.length > 1 && ORGANISATION_WORDS.has(words.at(-1)!.text)) return true;
  if (!THE_BEFORE.test(text.slice(Math.max(0, s.start - 8), s.start))) return false;
  return !words.some((w) => lexicon.surnames.has(nameForm(w.text) ?? ''));
}

/** A list of three or more single words: "A, B, C and D" ("und", "et", "y", "e", "en", "or", ...), in one case. */
const NAME_LIST = new RegExp(
  `(?<![\\p{L}\\p{M}'’-])[\\p{L}\\p{M}][\\p{L}\\p{M}'’-]*(?:, [\\p{L}\\p{M}][\\p{L}\\p{M}'’-]*)+,? (?:${LANGUAGE.conjunctions.map(escapeRegExp).join('|')}|&) [\\p{L}\\p{M}][\\p{L}\\p{M}'’-]*(?![\\p{L}\\p{M}'’-])`,
  'gu',
);
/** A list is one of names when this share of its words are given names the lexicon knows (and no function words). */
const NAME_LIST_SHARE = 2 / 3;
const NAME_LIST_SCORE = 0.6;
const MONTH = new RegExp(`^(?:${MONTHS})$`, 'iu');

/**
 * "They had 6: Gaetane, Hannah, Anthony, Derek, Anna and Andrew", "silvana, adam, christopher, kristina, chad and
 * caleb": in a list of three or more words, two thirds of them given names the lexicon knows (no month, no function
 * word), the other words are names too, and a place the model was not sure of there is a person. A word the model is
 * sure is a place stays one, and a list the model reads as places more than as people is left to it.
 */
function completeNameLists(text: string, spans: Span[], places: readonly Span[], lexicon: NameLexicon): Span[] {
  NAME_LIST.lastIndex = 0;
  let out = spans;
  for (let m = NAME_LIST.exec(text); m !== null; m = NAME_LIST.exec(text)) {
    const items = wordsIn(text, m.index, m.index + m[0].length).filter((w) => !LANGUAGE.conjunctions.includes(w.text.toLowerCase()));
    const shapes = new Set(items.map((w) => shapeOf(w.text)));
    if (items.length < 3 || shapes.size !== 1 || shapes.has(null)) continue;
    if (items.some((w) => lexicon.functionWords.has(w.text.toLowerCase()) || MONTH.test(w.text))) continue;
    const given = items.filter((w) => knownName(w, lexicon) && lexicon.given.has(nameForm(w.text) ?? ''));
    if (given.length < Math.max(2, Math.ceil(items.length * NAME_LIST_SHARE))) continue;
    // the model's own word decides a list it reads as places ("Roma, Milano o Torino", "Paris, Florence and Sydney")
    const placeItems = items.filter((w) => places.some((p) => overlaps(p, w)));
    const personItems = items.filter((w) => out.some((s) => s.type === 'PERSON' && s.detector === 'ner' && overlaps(s, w)));
    if (placeItems.length >= Math.max(2, personItems.length + 1)) continue;
    for (const w of items) {
      // a name the lexicon alone was unsure of ("kristina" in lower case) is one in a list of names
      if (out.some((s) => s.type === 'PERSON' && overlaps(s, w) && s.score >= NAME_LIST_SCORE)) continue;
      if (places.some((p) => overlaps(p, w) && p.score >= 0.85 && !given.includes(w))) continue;
      out = [...out.filter((s) => !overlaps(s, w)), { type: 'PERSON', start: w.start, end: w.end, score: NAME_LIST_SCORE, detector: 'lexicon:person' }];
    }
  }
  return out;
}

/** What follows the second name of a list rather than of "Surname, Given": another item or a conjunction. */
const LIST_GOES_ON = new RegExp(`^\\s*(?:,\\s*\\p{L}|(?:${LANGUAGE.conjunctions.map(escapeRegExp).join('|')})\\s)`, 'iu');

/**
 * "Schowalter, Eudora": a known surname, a comma, then a known given name is one name written surname first, unless
 * a list goes on after it ("Ward, Anna and Tom").
 */
function joinSurnameFirst(text: string, spans: Span[], lexicon: NameLexicon): Span[] {
  const people = spans.filter((s) => s.type === 'PERSON').sort((a, b) => a.start - b.start);
  const single = (s: Span, set: ReadonlySet<string>): boolean => {
    const value = text.slice(s.start, s.end);
    const form = /^[\p{L}\p{M}'’-]+$/u.test(value) ? nameForm(value) : null;
    return form !== null && set.has(form);
  };
  const joined = new Map<Span, Span>();
  const dropped = new Set<Span>();
  for (let i = 0; i + 1 < people.length; i += 1) {
    const [a, b] = [people[i]!, people[i + 1]!];
    if (dropped.has(a) || text.slice(a.end, b.start) !== ', ') continue;
    if (!single(a, lexicon.surnames) || !single(b, lexicon.given) || LIST_GOES_ON.test(text.slice(b.end))) continue;
    joined.set(a, { ...a, end: b.end, score: Math.max(a.score, b.score) });
    dropped.add(b);
  }
  if (joined.size === 0) return spans;
  return spans.filter((s) => !dropped.has(s)).map((s) => joined.get(s) ?? s);
}
