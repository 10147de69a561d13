import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { escapeRegExp } from '../language-data.js';
import { matchAll, type Recognizer, type Span } from '../span.js';
import { letterAt, letterOrNumberAt, letterOrNumberBefore, unicodeStart } from './chars.js';

/**
 * Health data (GDPR Art. 9) in EN, DE, FR, ES, IT, NL: conditions, procedures, disabilities, allergies and
 * intolerances, pregnancy, drug classes and medication names. The word lists are data, one file per language in
 * `lexicons/medical/` (see the README there for the pattern syntax), read once per process and compiled into one
 * expression per class.
 *
 * A medication name or a drug class on a stock or catalogue line ("Lagerartikel SKU… Ibuprofen 400 mg x12") is not
 * health data: it scores under the threshold there unless a word near it says somebody takes it ("takes", "nimmt",
 * "sous", "toma", "assume", "gebruikt", "her", "sein"...), which also raises it elsewhere.
 */
const MEDICAL_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'lexicons', 'medical');

/** The lists of one language file (`common.json` has `medications`, `brands` and `acronyms` only). */
interface MedicalData {
  conditions?: string[];
  procedures?: string[];
  disabilities?: string[];
  drugClasses?: string[];
  medications?: string[];
  brands?: string[];
  acronyms?: string[];
  allergyPhrases?: string[];
  allergens?: string[];
  bodyParts?: string[];
  determiners?: string[];
  modifiers?: string[];
  postModifiers?: string[];
  pregnancy?: string[];
  personContext?: string[];
  stockContext?: string[];
}

type ListName = keyof MedicalData;

export const medicalFiles = (): string[] =>
  readdirSync(MEDICAL_DATA_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();

export const readMedicalFile = (name: string): MedicalData => JSON.parse(readFileSync(resolve(MEDICAL_DATA_DIR, `${name}.json`), 'utf8')) as MedicalData;

const SPACE = '[\\s\\u00a0]+';
/** A space of an entry: spaces, or a hyphen with optional spaces ("long covid", "long-COVID"). */
const ENTRY_SPACE = '(?:[\\s\\u00a0]*[-\\u2010][\\s\\u00a0]*|[\\s\\u00a0]+)';

/**
 * One entry of a lexicon as a regular-expression source (syntax in `lexicons/medical/README.md`): `*` compound prefix
 * or stem, `(x)` optional, `<a|b>` alternatives, `{list}` a list, space, `-` optional hyphen, `#` number, `'`.
 */
export function compileEntry(entry: string, lists: Readonly<Record<string, string>> = {}): string {
  let out = '';
  let i = 0;
  if (entry.startsWith('*')) {
    out += '(?:\\p{L}+-?)?';
    i = 1;
  }
  for (; i < entry.length; i++) {
    const c = entry[i]!;
    if (c === '*') out += '\\p{L}*';
    else if (c === '(' || c === '<') out += '(?:';
    else if (c === ')') out += ')?';
    else if (c === '>') out += ')';
    else if (c === '|' || c === '?') out += c;
    else if (c === '{') {
      const j = entry.indexOf('}', i);
      const list = lists[entry.slice(i + 1, j)];
      if (list === undefined) throw new Error(`medical lexicon: unknown list in "${entry}"`);
      out += `(?:${list})`;
      i = j;
    } else if (c === ' ') out += ENTRY_SPACE;
    else if (c === '-') out += '[-\\u2010\\s]?';
    else if (c === '#') out += '\\d+';
    else if (c === "'") out += "['’]";
    else out += escapeRegExp(c);
  }
  return out;
}

/**
 * Compiled alternatives grouped by their first letters (`a(?:sthma|nemia)|d(?:iabetes|emenz)`): an expression then
 * tries the few alternatives of the letter under it instead of all of them at every word start.
 */
function factor(sources: readonly string[], depth: number): string {
  if (depth === 0 || sources.length < 4) return sources.join('|');
  const groups = new Map<string, string[]>();
  const other: string[] = [];
  for (const src of sources) {
    const c = src[0];
    if (c !== undefined && /\p{Ll}/u.test(c)) groups.set(c, [...(groups.get(c) ?? []), src.slice(1)]);
    else other.push(src);
  }
  const parts = [...groups].map(([c, rests]) => {
    const nonEmpty = rests.filter((r) => r !== '');
    const body = factor(nonEmpty, depth - 1);
    if (nonEmpty.length === 0) return c;
    return `${c}(?:${body})${nonEmpty.length < rests.length ? '?' : ''}`;
  });
  return [...parts, ...other].join('|');
}

/** Longest entries first (by what they must match), so that an alternation prefers "heart failure" over "heart"; grouped by first letters. */
const alternation = (entries: readonly string[], lists?: Readonly<Record<string, string>>): string =>
  factor(
    [...new Set(entries)].sort((a, b) => required(b) - required(a) || b.length - a.length).map((e) => compileEntry(e, lists)),
    3,
  );

/**
 * An entry's length without its optional parts: the first alternative that matches wins, so "diabete gestazionale"
 * must come before "diabete( di tipo #)", which matches "diabete" alone.
 */
function required(entry: string): number {
  let out = entry;
  for (let before = ''; before !== out;) {
    before = out;
    out = out.replace(/\([^()]*\)/g, '');
  }
  return out.length;
}

/** Spelling variants of an international drug name across the six languages (th/t, ph/f, y/i). */
const drugStem = (stem: string): string => compileEntry(stem).replace(/th/g, 't(?:h)?').replace(/ph/g, '(?:ph|f)').replace(/y/g, '[yi]').replace(/^h/, 'h?');
/** The spellings `drugStem` accepts for a stem's literal: th/t, ph/f, y/i and a silent leading h, in every combination. */
function spellings(word: string): string[] {
  let out = [word.toLowerCase()];
  const rules: Array<(w: string) => string> = [
    (w) => w.replace(/th/g, 't'),
    (w) => w.replace(/ph/g, 'f'),
    (w) => w.replace(/y/g, 'i'),
    (w) => w.replace(/^h/, ''),
  ];
  for (const rule of rules) out = [...new Set([...out, ...out.map(rule)])];
  return out;
}

/** The usual endings of an INN: metformin, metformine, metformina; omeprazol, omeprazolo; valproat, valproate. */
const DRUG_ENDING = '(?:e|a|o|um|es|as|i|s)?';

/** A dose after a medication name belongs to it ("sertraline 50 mg"). */
const DOSE = '(?:[\\s\\u00a0]+\\d+(?:[.,]\\d+)?[\\s\\u00a0]?(?:mg|mcg|µg|ug|g|ml|iu|ie|ui|units|einheiten|unités|unidades|unità|eenheden))?';
const B = '(?<![\\p{L}\\p{N}])';
/** The French partitive belongs to the noun phrase ("prend de la sertraline", "de l'insuline"). */
const PARTITIVE = "(?:de la[\\s\\u00a0]+|de l['’]|du[\\s\\u00a0]+)?";
const E = '(?![\\p{L}\\p{N}])';

interface Compiled {
  /** Conditions, procedures, disabilities, allergies, pregnancy, drug classes: health data as they stand. */
  health: Keyed;
  /** Compound entries ("*krebs" of "Brustkrebs"), run only on texts that hold one of their anchors. */
  compound: { hint: (lower: string) => boolean; regex: RegExp };
  /** The determiner and modifiers a health phrase takes in before it ("a severe ", "eine "), at the end of a slice. */
  prefix: RegExp;
  /** Health phrases led by a list, each with the cheap expression a text must satisfy first. */
  listLed: { hint: RegExp; regex: RegExp }[];
  /** Medication names and brands: health data when said of a person. */
  medication: RegExp;
  /** What a word must begin with for `medication` to match there (null: any word). */
  medicationLeads: Trie | null;
  /** What a word must begin with for `drugClass` to match there (null: any word). */
  drugClassLeads: Trie | null;
  /** Upper-case acronyms (COPD, ADHD, HIV), matched case-sensitively. */
  acronym: RegExp;
  /**
   * Every acronym begins with a letter or digit, so each match of the expression (which asks for none before it)
   * begins at a word start: one scan of the text finds what trying each word start would.
   */
  acronymsAtWordStarts: boolean;
  /** Drug classes ("insulin", "Blutverdünner"): health data, but also what a pharmacy stocks. */
  drugClass: RegExp;
  person: RegExp;
  stock: RegExp;
  /** Where in a text an entry may be (around its anchors, see `anchorsOf`): most texts hold none and skip the scan. */
  windows: (lower: string) => Array<[number, number]>;
}

/**
 * Sticky expressions per first letter of their entries, and one for entries that begin otherwise (a `<…>` group,
 * a number): tried at a word start, only the expression of the letter there runs. One expression of all entries
 * is too large for the engine to compile to machine code, and runs several times slower.
 */
interface Keyed {
  /** By the UTF-16 unit of the letter. */
  byFirst: Map<number, { regex: RegExp; leads: Trie }>;
  other: RegExp | null;
}

/**
 * Words by their UTF-16 units, for a walk along a text: `prefix` where a word that a text need only begin with ends,
 * `whole` where one it must hold whole ends.
 */
interface Trie {
  next: Map<number, Trie>;
  prefix: boolean;
  whole: boolean;
}

const trieNode = (): Trie => ({ next: new Map(), prefix: false, whole: false });

function addToTrie(root: Trie, word: string, kind: 'prefix' | 'whole'): void {
  let node = root;
  for (let i = 0; i < word.length; i += 1) {
    const c = word.charCodeAt(i);
    let child = node.next.get(c);
    if (!child) node.next.set(c, (child = trieNode()));
    node = child;
  }
  node[kind] = true;
}

/**
 * The letters every match of an entry begins with (`leadOf`), or null when its start is not plain: an entry that
 * begins otherwise than with a lower-case letter, or has an alternative outside brackets, may match elsewhere.
 */
function plainLead(entry: string): string | null {
  if (!/^\p{Ll}/u.test(entry)) return null;
  let depth = 0;
  for (const c of entry) {
    if (c === '(' || c === '<' || c === '{') depth += 1;
    else if (c === ')' || c === '>' || c === '}') depth -= 1;
    else if (c === '|' && depth === 0) return null;
  }
  return leadOf(entry);
}

/** A trie of the leads of entries and of other words a match may begin with; null when one entry's start is not plain. */
function leadsOf(entries: readonly string[], words: readonly string[] = []): Trie | null {
  const root = trieNode();
  for (const entry of entries) {
    const lead = plainLead(entry);
    if (lead === null) return null;
    addToTrie(root, lead, 'prefix');
  }
  for (const word of words) addToTrie(root, word, 'prefix');
  return root;
}

/** The leads of drug stems in each spelling `drugStem` accepts; null when one stem's start is not plain. */
function stemLeads(stems: readonly string[]): string[] | null {
  const out: string[] = [];
  for (const stem of stems) {
    const lead = plainLead(stem);
    if (lead === null) return null;
    out.push(...stemSpellings(lead));
  }
  return out;
}

/** What a medication match begins with: the partitive ("de la", "du"), a stem in one of its spellings, a brand. */
function medicationLeads(stems: readonly string[], brands: readonly string[]): Trie | null {
  const spelled = stemLeads(stems);
  return spelled === null ? null : leadsOf(brands, ['de', 'du', ...spelled]);
}

/**
 * The ways a drug stem's lead may be written in a text, as `drugStem` reads it: each "th" as "t" or "th", each "ph"
 * as "ph" or "f", each "y" as "y" or "i", and a leading "h" or none.
 */
function stemSpellings(lead: string): string[] {
  const out: string[] = [];
  const walk = (k: number, acc: string): void => {
    if (k >= lead.length) {
      out.push(acc);
      return;
    }
    if (lead.startsWith('th', k)) {
      walk(k + 2, `${acc}t`);
      walk(k + 2, `${acc}th`);
    } else if (lead.startsWith('ph', k)) {
      walk(k + 2, `${acc}ph`);
      walk(k + 2, `${acc}f`);
    } else if (lead[k] === 'y') {
      walk(k + 1, `${acc}y`);
      walk(k + 1, `${acc}i`);
    } else walk(k + 1, acc + lead[k]);
  };
  walk(0, '');
  if (lead.startsWith('h')) for (const w of [...out]) out.push(w.slice(1));
  return out;
}

/** Whether the text at `at` begins with one of the trie's prefix words. */
function beginsWithPrefix(root: Trie, text: string, at: number): boolean {
  let node: Trie | undefined = root;
  for (let i = at; ; i += 1) {
    if (node.prefix) return true;
    if (i >= text.length) return false;
    node = node.next.get(text.charCodeAt(i));
    if (!node) return false;
  }
}

function keyed(entries: readonly string[], build: (group: string[]) => RegExp): Keyed {
  const groups = new Map<string, string[]>();
  const other: string[] = [];
  for (const e of entries) {
    const c = e[0]!;
    if (/\p{Ll}/u.test(c)) groups.set(c, [...(groups.get(c) ?? []), e]);
    else other.push(e);
  }
  const byFirst = new Map(
    [...groups].map(([c, group]) => {
      // The letters an entry begins with, up to its first space, hyphen, group or wildcard: a word there must begin so.
      const leads = trieNode();
      for (const lead of group.map(leadOf)) addToTrie(leads, lead, 'prefix');
      return [c.charCodeAt(0), { regex: build(group), leads }] as const;
    }),
  );
  return { byFirst, other: other.length > 0 ? build(other) : null };
}

/** The letters an entry begins with for certain: up to its first non-letter, without a letter `?` makes optional. */
function leadOf(entry: string): string {
  const letters = /^\p{L}+/u.exec(entry)![0];
  return entry[letters.length] === '?' ? letters.slice(0, -1) : letters;
}

let compiled: Compiled | null = null;

function compile(): Compiled {
  const files = medicalFiles().map(readMedicalFile);
  const all = (key: ListName): string[] => [...new Set(files.flatMap((f) => f[key] ?? []))];
  const lists = { bodyParts: alternation(all('bodyParts')), allergens: alternation(all('allergens')) };
  const determiners = all('determiners');
  const elided = determiners.filter((d) => d.endsWith("'"));
  const spaced = determiners.filter((d) => !d.endsWith("'"));
  const det = `(?<det>(?:${alternation(spaced)})${SPACE}|(?:${alternation(elided)}))?`;
  const mods = `(?:(?:${alternation(all('modifiers'))})${SPACE}){0,2}`;
  const post = `(?:${SPACE}(?:${alternation(all('postModifiers'))}))?`;
  // Entries led by a list ("{allergens} allergy", "{bodyParts}operation") share one copy of the list and run only on
  // texts that hold one of their heads: a list repeated in each alternative is tried at every word start otherwise.
  const entries = [...all('allergyPhrases'), ...all('pregnancy'), ...all('conditions'), ...all('procedures'), ...all('disabilities')];
  const led = new Map<string, string[]>();
  for (const e of entries) {
    const m = /^\{(\w+)\}/.exec(e);
    if (m) led.set(m[1]!, [...(led.get(m[1]!) ?? []), e.slice(m[0].length)]);
  }
  // A compound entry's leading `(?:\p{L}+-?)?` runs over a whole word and back at every try: kept out of the main
  // expression, it is tried only on texts that hold one of the compounds' words.
  const compounds = entries.filter((e) => e.startsWith('*'));
  const compoundWords = [...new Set(compounds.flatMap((e) => anchorsOf(e, {}).map((a) => anchorWord(a).toLowerCase())))];
  // One scan for all of them (a text holds one when the expression matches), not one `includes` per word.
  const compoundHint = compoundWords.length > 0 ? new RegExp(compoundWords.map(escapeRegExp).join('|')) : /(?!)/;
  const listLed = [...led].map(([name, rests]) => {
    const heads = alternation(rests, lists);
    return { hint: new RegExp(heads, 'u'), regex: new RegExp(`${B}(?:${lists[name as keyof typeof lists]})(?:${heads})${post}${E}`, 'gu') };
  });
  const drugs = alternation(all('drugClasses'), lists);
  const stems = [...new Set(all('medications'))]
    .sort((a, b) => b.length - a.length)
    .map(drugStem)
    .join('|');
  const brands = alternation(all('brands'));
  const words = (key: ListName): RegExp => new RegExp(`${B}(?:${alternation(all(key))})${E}`, 'iu');
  const anchorLists = { allergens: all('allergens'), bodyParts: all('bodyParts') };
  const anchors = [
    ...[...entries, ...all('drugClasses'), ...all('brands')].map((e) => ({ anchors: anchorsOf(e, anchorLists), compound: e.startsWith('*') })),
    // A drug's stem is matched in its spelling variants (see `drugStem`): each variant is an anchor.
    ...all('medications').map((e) => ({ anchors: anchorsOf(e, anchorLists, true).flatMap(spellings), compound: e.startsWith('*') })),
  ];
  return {
    windows: prefilter(anchors),
    health: keyed(
      entries.filter((e) => !e.startsWith('{') && !e.startsWith('*')),
      (group) => new RegExp(`${B}(?:${alternation(group, lists)})${post}${E}`, 'uy'),
    ),
    compound: {
      hint: (lower) => compoundHint.test(lower),
      regex: new RegExp(`${B}(?:${alternation(compounds, lists)})${post}${E}`, 'gu'),
    },
    prefix: new RegExp(`${B}(?:${det}${mods})$`, 'u'),
    listLed,
    drugClass: new RegExp(`${B}(?:${drugs})${E}`, 'gu'),
    drugClassLeads: leadsOf(all('drugClasses')),
    medicationLeads: medicationLeads(all('medications'), all('brands')),
    medication: new RegExp(`${B}${PARTITIVE}(?:(?:${stems})${DRUG_ENDING}|${brands})${DOSE}${E}`, 'gu'),
    acronym: new RegExp(`${B}(?:${all('acronyms').map(escapeRegExp).join('|')})${E}`, 'gu'),
    acronymsAtWordStarts: all('acronyms').every((a) => /^[\p{L}\p{N}]/u.test(a)),
    person: words('personContext'),
    stock: new RegExp(`${B}(?:${alternation(all('stockContext'))})${E}|${B}x\\s?\\d+${E}|${B}\\d+\\s?x${E}`, 'iu'),
  };
}

/**
 * Words one of which any text an entry matches must hold: the entry's longest word outside optional `( )` and
 * alternative `< >` parts; failing one, or when that word is of three letters or fewer and the first `< >` group or
 * list offers only longer ones, the longest word of each alternative of that group or list ("<surgery|operation> on
 * {bodyParts}" is looked for by "surgery" and "operation", not by "on"). Words of a list (`{allergens}`) are its
 * items' anchors. Optional parts never count: a text may lack them.
 *
 * An anchor that stands as a whole word in its entry (a space or the entry's end after it, and no letters after the
 * group it is in) ends in `$`: a text must hold it as a whole word. Others ("ulcers?", "diabet*", "epi-pen",
 * "<bein|arm>bruch") are the beginning of a word.
 */
function anchorsOf(entry: string, lists: Readonly<Record<string, readonly string[]>>, lettersAfter = false): string[] {
  const body = entry.replace(/^\*/, '');
  const mandatory: string[] = [];
  let firstGroup: string[] | null = null;
  let word = '';
  const flush = (whole: boolean) => {
    if (word) mandatory.push(whole ? `${word}$` : word);
    word = '';
  };
  /** Whether the group or list that ends at `end` is followed by letters (in this entry or after it). */
  const followed = (end: number) => (end + 1 < body.length ? /\p{L}/u.test(body[end + 1]!) : lettersAfter);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '(') {
      flush(false);
      i = closing(body, i, '(', ')');
    } else if (c === '<') {
      flush(false);
      const end = closing(body, i, '<', '>');
      firstGroup ??= splitTop(body.slice(i + 1, end)).flatMap((alt) => anchorsOf(alt, lists, followed(end)));
      i = end;
    } else if (c === '{') {
      flush(false);
      const end = body.indexOf('}', i);
      firstGroup ??= (lists[body.slice(i + 1, end)] ?? []).flatMap((item) => anchorsOf(item, lists, followed(end)));
      i = end;
    } else if (/\p{L}/u.test(c)) word += c;
    else if (c === '?') {
      // The letter before `?` may be missing ("ulcers?"): the word ends before it.
      word = word.slice(0, -1);
      flush(false);
    } else flush(c === ' ');
  }
  flush(!lettersAfter);
  const letters = (a: string) => anchorWord(a).length;
  if (mandatory.length > 0) {
    const longest = mandatory.reduce((a, b) => (letters(b) > letters(a) ? b : a));
    if (letters(longest) <= 3 && firstGroup && firstGroup.length > 0 && firstGroup.every((a) => letters(a) > letters(longest))) return firstGroup;
    return [longest];
  }
  return firstGroup ?? [];
}

/** An anchor's word without the `$` that asks for it whole. */
const anchorWord = (anchor: string): string => anchor.replace(/\$$/, '');

/** The index of the bracket closing the one at `open` (brackets nest). */
function closing(text: string, open: number, left: string, right: string): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === left) depth += 1;
    else if (text[i] === right && --depth === 0) return i;
  }
  return text.length;
}

/** Alternatives of a group at its top level ("a|b(c|d)" → "a", "b(c|d)"). */
function splitTop(group: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < group.length; i++) {
    const c = group[i];
    if (c === '(' || c === '<' || c === '{') depth += 1;
    else if (c === ')' || c === '>' || c === '}') depth -= 1;
    else if (c === '|' && depth === 0) {
      out.push(group.slice(from, i));
      from = i + 1;
    }
  }
  out.push(group.slice(from));
  return out;
}

/** How far before its anchor an entry may begin, and after it end ("disturbo ossessivo compulsivo", allergy phrases). */
const WINDOW_BEFORE = 100;
const WINDOW_AFTER = 100;

/**
 * Where a lower-cased text may hold an entry: around each word that begins with an anchor (entries are matched from
 * a word start; a drug's stem takes an ending) and each place a compound's anchor stands ("*krebs" of
 * "Brustkrebs"), widened to where the entry may begin and end, overlapping ranges joined. A text with no anchor
 * gives none and is not scanned; a match holds its anchor, so it lies in a range.
 */
function prefilter(entries: ReadonlyArray<{ anchors: string[]; compound: boolean }>): (lower: string) => Array<[number, number]> {
  const words = trieNode();
  const inside = new Set<string>();
  for (const { anchors, compound } of entries) {
    for (const a of anchors) {
      const lower = a.toLowerCase();
      if (compound) inside.add(anchorWord(lower));
      else if (lower.endsWith('$')) addToTrie(words, lower.slice(0, -1), 'whole');
      else addToTrie(words, lower, 'prefix');
    }
  }
  // Every place a compound's anchor stands, overlapping ones too (the scan resumes one unit after each find).
  const compoundAnchors = inside.size > 0 ? new RegExp([...inside].map(escapeRegExp).join('|'), 'g') : null;
  return (lower) => {
    const at: number[] = [];
    if (compoundAnchors) {
      compoundAnchors.lastIndex = 0;
      for (let m = compoundAnchors.exec(lower); m; m = compoundAnchors.exec(lower)) {
        at.push(m.index);
        compoundAnchors.lastIndex = m.index + 1;
      }
    }
    // Each word (a run of letters, as `\p{L}+` finds it) walked along the trie: a hit when an anchor it need only
    // begin with ends inside it, or one it must be ends where it does.
    for (let i = 0; i < lower.length;) {
      let width = letterAt(lower, i);
      if (width === 0) {
        // A lone low surrogate after a skipped high one is no letter either.
        i += 1;
        continue;
      }
      const start = i;
      let node: Trie | undefined = words;
      let hit = words.prefix;
      do {
        for (let k = 0; k < width && node; k += 1) {
          node = node.next.get(lower.charCodeAt(i + k));
          if (node?.prefix) hit = true;
        }
        i += width;
        width = i < lower.length ? letterAt(lower, i) : 0;
      } while (width > 0);
      if (hit || node?.whole) at.push(start);
    }
    if (at.length === 0) return [];
    at.sort((a, b) => a - b);
    const ranges: Array<[number, number]> = [];
    for (const p of at) {
      const from = Math.max(0, p - WINDOW_BEFORE);
      const to = Math.min(lower.length, p + WINDOW_AFTER);
      const last = ranges.at(-1);
      if (last && from <= last[1]) last[1] = Math.max(last[1], to);
      else ranges.push([from, to]);
    }
    return ranges;
  };
}

const HEALTH_SCORE = 0.75;
const DRUG_CLASS_SCORE = 0.7;
/** A medication name outside a stock line: probably said of a person (a question about the customer's insulin). */
const MEDICATION_SCORE = 0.6;
const MEDICATION_WITH_PERSON = 0.8;
const STOCK_SCORE = 0.25;
const BEFORE = 48;
const PREFIX_REACH = 64;
const AFTER = 32;

/**
 * True when a determiner that is also a preposition of another language is one here: German "an" before a noun
 * (German nouns are capitalised: "leidet an Asthma", but "an ulcer"), "de" outside Dutch ("diagnóstico de
 * hipertensión", but "de ziekte van Crohn").
 */
const DUTCH = /(?<!\p{L})(?:het|een|van|niet|heeft|voor|mijn|graag|klant|bij)(?!\p{L})/iu;
function isPreposition(det: string, text: string, next: number): boolean {
  const word = det.trim().toLowerCase();
  if (word === 'an') return /\p{Lu}/u.test(text[next] ?? '');
  if (word === 'de') return !DUTCH.test(text);
  return false;
}

/** The line around `start..end`. */
function lineOf(text: string, start: number, end: number): [number, number] {
  const from = text.lastIndexOf('\n', start - 1) + 1;
  const to = text.indexOf('\n', end);
  return [from, to < 0 ? text.length : to];
}

const stickyCopies = new WeakMap<RegExp, RegExp>();

/**
 * The word starts inside the ranges (a letter or digit after none: every entry begins there, after its
 * `(?<![\p{L}\p{N}])`), in order, found once for all the expressions a text is matched with.
 */
function wordStarts(text: string, ranges: ReadonlyArray<readonly [number, number]>): number[] {
  const out: number[] = [];
  for (const [from, to] of ranges) {
    for (let i = unicodeStart(text, from); i <= to && i < text.length;) {
      const width = letterOrNumberAt(text, i);
      if (width > 0 && !letterOrNumberBefore(text, i) && (out.length === 0 || out[out.length - 1]! < i)) out.push(i);
      i += Math.max(1, width);
    }
  }
  return out;
}

/**
 * The matches that begin at the word starts, as a scan from left to right finds them (each after the end of the one
 * before): `tryAt` gives the match at one position, if any, `each` takes it.
 */
function matchesWithin(
  tryAt: (at: number, first: number) => RegExpExecArray | null,
  text: string,
  starts: readonly number[],
  each: (m: RegExpExecArray) => void,
): void {
  let next = 0;
  for (const i of starts) {
    if (i < next) continue;
    const m = tryAt(i, text.charCodeAt(i));
    if (!m) continue;
    each(m);
    next = m.index + Math.max(1, m[0].length);
  }
}

/** A sticky copy of a global expression, tried at one position (only where the text begins with one of `leads`, if given). */
function stickyAt(re: RegExp, text: string, leads: Trie | null): (at: number) => RegExpExecArray | null {
  let sticky = stickyCopies.get(re);
  if (!sticky) stickyCopies.set(re, (sticky = new RegExp(re.source, re.flags.replace('g', '') + 'y')));
  const copy = sticky;
  return (at) => {
    if (leads && !beginsWithPrefix(leads, text, at)) return null;
    copy.lastIndex = at;
    return copy.exec(text);
  };
}

/** Keyed expressions at one position: the expression of the letter there (when the word begins with a lead) and the others; the longer match wins. */
function keyedAt(k: Keyed, text: string): (at: number, first: number) => RegExpExecArray | null {
  return (at, first) => {
    const group = k.byFirst.get(first);
    let best: RegExpExecArray | null = null;
    if (group && beginsWithPrefix(group.leads, text, at)) {
      group.regex.lastIndex = at;
      best = group.regex.exec(text);
    }
    if (k.other) {
      k.other.lastIndex = at;
      const m = k.other.exec(text);
      if (m && (!best || m[0].length > best[0].length)) best = m;
    }
    return best;
  };
}

export const medical: Recognizer = {
  name: 'pattern:medical',
  find(text) {
    compiled ??= compile();
    const c = compiled;
    const candidates: Span[] = [];
    // The lexicons are lower case: matching the lower-cased text without the `i` flag is several times faster. The
    // few characters whose lower case is longer ("İ") would shift offsets: such texts are matched as they are.
    const lower = text.toLowerCase();
    const scan = lower.length === text.length ? lower : text;
    const add = (re: RegExp | Keyed, kind: 'health' | 'drug' | 'medication', on: string, starts: readonly number[] | null, leads: Trie | null = null) => {
      const each = (m: RegExpExecArray) => {
        let start = m.index;
        const end = start + m[0].length;
        const before = kind === 'medication' ? null : c.prefix.exec(on.slice(Math.max(0, start - PREFIX_REACH), start));
        const det = before?.groups?.det;
        if (before) start -= before[0].length;
        if (det && isPreposition(det, text, start + det.length)) start += det.length;
        const [from, to] = lineOf(text, start, end);
        const person = c.person.test(text.slice(Math.max(from, start - BEFORE), start)) || c.person.test(text.slice(end, Math.min(to, end + AFTER)));
        const stock = kind !== 'health' && !person && c.stock.test(text.slice(from, to));
        let score = kind === 'health' ? HEALTH_SCORE : kind === 'drug' ? DRUG_CLASS_SCORE : person ? MEDICATION_WITH_PERSON : MEDICATION_SCORE;
        if (stock) score = Math.min(score, STOCK_SCORE);
        candidates.push({ type: 'MEDICAL', start, end, score, detector: 'pattern:medical' });
      };
      if (starts) matchesWithin(re instanceof RegExp ? stickyAt(re, on, leads) : keyedAt(re, on), on, starts, each);
      else if (re instanceof RegExp) for (const m of matchAll(re, on)) each(m);
    };
    const windows = c.windows(lower);
    if (windows.length > 0) {
      const starts = wordStarts(scan, windows);
      add(c.health, 'health', scan, starts);
      if (c.compound.hint(lower)) add(c.compound.regex, 'health', scan, starts);
      for (const { hint, regex } of c.listLed) if (hint.test(scan)) add(regex, 'health', scan, starts);
      add(c.drugClass, 'drug', scan, starts, c.drugClassLeads);
      add(c.medication, 'medication', scan, starts, c.medicationLeads);
    }
    if (/\p{Lu}{2}/u.test(text)) add(c.acronym, 'health', text, c.acronymsAtWordStarts ? null : wordStarts(text, [[0, text.length]]));
    if (candidates.length <= 1) return candidates;
    // One span per phrase: the longest wins, carrying the best score of what it covers.
    candidates.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const kept: Span[] = [];
    for (const s of candidates) {
      const k = kept.find((x) => x.start < s.end && s.start < x.end);
      if (!k) kept.push(s);
      else if (s.score > k.score && s.start >= k.start && s.end <= k.end) k.score = s.score;
    }
    return kept.sort((a, b) => a.start - b.start);
  },
};
