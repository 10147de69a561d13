// Ordinary words of the six languages, from Debian's word lists (wamerican, wngerman, wfrench, wspanish, witalian,
// wdutch), as context the tagger has never seen in a template: without them it reads any word it does not know
// ("vlakbij", "Souhaite", "Kurier") as a name, since names are the unknown words of its training text.
import { existsSync, readFileSync } from 'node:fs';
import { HOME, type Lang } from './locales.js';

export const WORD_LIST_PACKAGES = 'wamerican wngerman wfrench wspanish witalian wdutch';

const FILES: Record<Lang, string> = {
  en: '/usr/share/dict/american-english',
  de: '/usr/share/dict/ngerman',
  fr: '/usr/share/dict/french',
  es: '/usr/share/dict/spanish',
  it: '/usr/share/dict/italian',
  nl: '/usr/share/dict/dutch',
};

/**
 * The usable words of one list, in file order: lower-case words of 2 to 14 letters (in German also capitalised nouns),
 * none that a lexicon of names or places knows in its capitalised form ("rosa", "mark", "nice").
 */
export function usableWords(list: string, lang: Lang, properNouns: ReadonlySet<string>): string[] {
  const shape = lang === 'de' ? /^\p{L}[\p{Ll}\p{M}]{1,13}$/u : /^[\p{Ll}][\p{Ll}\p{M}]{1,13}$/u;
  const out = new Set<string>();
  for (const line of list.split('\n')) {
    const w = line.trim();
    if (!shape.test(w) || properNouns.has(w.charAt(0).toUpperCase() + w.slice(1))) continue;
    out.add(w);
  }
  return [...out];
}

/** A language's word list as its package installs it, or null when it is not installed. */
const wordList = (lang: Lang): string | null => (existsSync(FILES[lang]) ? readFileSync(FILES[lang], 'utf8') : null);

/** Every language's usable words; throws when a list is missing, naming the packages to install. */
export function loadWords(properNouns: ReadonlySet<string>): Record<Lang, string[]> {
  const out = {} as Record<Lang, string[]>;
  for (const [lang, file] of Object.entries(FILES) as Array<[Lang, string]>) {
    const list = wordList(lang);
    if (list === null) throw new Error(`no word list at ${file}: install the Debian packages ${WORD_LIST_PACKAGES}`);
    out[lang] = usableWords(list, lang, properNouns);
    if (out[lang].length < 10_000) throw new Error(`only ${out[lang].length} ${lang} words in ${file}`);
  }
  return out;
}

const wordSurnameCache = new Map<Lang, string[]>();
/** Common German surnames that are adjectives (the list capitalises nouns only, and faker's surnames lack most of them). */
const GERMAN_ADJECTIVE_SURNAMES = [
  'Weiß',
  'Weiss',
  'Braun',
  'Schwarz',
  'Roth',
  'Klein',
  'Groß',
  'Lang',
  'Kurz',
  'Jung',
  'Alt',
  'Frank',
  'Fromm',
  'Kühn',
  'Froh',
];

/**
 * Surnames of a language's home locales that are also words of its word list ("Weiß", "Koch", "Brown", "Blanc",
 * "Blanco", "Bakker"), sorted; empty when the list is not installed. The model must learn them as
 * names from their place in a sentence, since their word says otherwise.
 */
export function wordSurnames(lang: Lang): string[] {
  const cached = wordSurnameCache.get(lang);
  if (cached) return cached;
  const words = new Set((wordList(lang) ?? '').split('\n').map((w) => w.trim()));
  // German nouns are capitalised in its list, as are given names in every list: those count only in German and only
  // when no home locale knows them as a given name
  const given = new Set(HOME[lang].flatMap((f) => Object.values(f.rawDefinitions.person?.first_name ?? {}).flat()));
  const isWord = (name: string): boolean => words.has(name.toLowerCase()) || (lang === 'de' && words.has(name) && !given.has(name));
  const surnames = new Set<string>();
  for (const faker of HOME[lang]) {
    for (const name of faker.rawDefinitions.person?.last_name?.generic ?? []) {
      if (/^\p{Lu}\p{Ll}{2,}$/u.test(name) && isWord(name)) surnames.add(name);
    }
  }
  if (lang === 'de') for (const name of GERMAN_ADJECTIVE_SURNAMES) surnames.add(name);
  const out = [...surnames].sort();
  wordSurnameCache.set(lang, out);
  return out;
}
