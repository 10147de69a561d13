// Ordinary words of the six languages, from Debian's word lists (wamerican, wngerman, wfrench, wspanish, witalian,
// wdutch), as context the tagger has never seen in a template: without them it reads any word it does not know
// ("vlakbij", "Souhaite", "Kurier") as a name, since names are the unknown words of its training text.
import { existsSync, readFileSync } from 'node:fs';
import type { Lang } from './locales.js';

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

/** Every language's usable words; throws when a list is missing, naming the packages to install. */
export function loadWords(properNouns: ReadonlySet<string>): Record<Lang, string[]> {
  const out = {} as Record<Lang, string[]>;
  for (const [lang, file] of Object.entries(FILES) as Array<[Lang, string]>) {
    if (!existsSync(file)) throw new Error(`no word list at ${file}: install the Debian packages ${WORD_LIST_PACKAGES}`);
    out[lang] = usableWords(readFileSync(file, 'utf8'), lang, properNouns);
    if (out[lang].length < 10_000) throw new Error(`only ${out[lang].length} ${lang} words in ${file}`);
  }
  return out;
}
