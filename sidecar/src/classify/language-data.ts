import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntityType } from '../contract/entities.js';

/**
 * One JSON file per language (`en.json`, `de.json`...) plus `common.json` for words of every language and of
 * languages without a file (brands, acronyms, the Korean for passport). Adding a word is a one-line edit there.
 */
const LANGUAGE_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'lexicons', 'languages');

/** The word tables of one language file, or of all of them merged. All words lower case. */
export interface LanguageData {
  /** Forms of address before a name, without the full stop ("mr", "frau", "dott"). */
  honorifics: string[];
  /** Particles inside names ("van", "de", "della"). */
  particles: string[];
  /** Articles before a noun ("the", "der", "les"). */
  articles: string[];
  /** Words that join the items of a list ("and", "oder", "&"). */
  conjunctions: string[];
  /**
   * Words that make a nearby candidate of the type more likely: matched on word starts, a trailing `$` asks for the
   * whole word ("ip$"), a trailing space is part of the word ("né ").
   */
  context: Partial<Record<EntityType, string[]>>;
  /** Words that say a number is a business identifier (whole words; a trailing `*` marks a stem). */
  businessIds: string[];
  /** Names of a software version (whole words). */
  versionNames: string[];
  /** Words for updating software (whole words; a trailing `*` marks a stem). */
  versionVerbs: string[];
  /** Words for "number" between a version name and its number ("version nr. 1.2.3.4"); write "no" and "no." both. */
  numberWords: string[];
}

export type LanguageLists = Exclude<keyof LanguageData, 'context'>;

/** The language files' names without `.json`, `common` first. */
export function languageFiles(): string[] {
  const names = readdirSync(LANGUAGE_DATA_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length));
  return names.sort((a, b) => (a === 'common' ? -1 : b === 'common' ? 1 : a.localeCompare(b)));
}

export const readLanguageFile = (name: string): LanguageData => JSON.parse(readFileSync(resolve(LANGUAGE_DATA_DIR, `${name}.json`), 'utf8')) as LanguageData;

const union = (lists: string[][]): string[] => [...new Set(lists.flat())];

let shared: LanguageData | null = null;

/** Every language file merged, each list without repeats; read once per process. */
export function languageData(): LanguageData {
  if (!shared) {
    const files = languageFiles().map(readLanguageFile);
    const list = (key: LanguageLists): string[] => union(files.map((f) => f[key]));
    const types = union(files.map((f) => Object.keys(f.context))) as EntityType[];
    shared = {
      honorifics: list('honorifics'),
      particles: list('particles'),
      articles: list('articles'),
      conjunctions: list('conjunctions'),
      context: Object.fromEntries(types.map((t) => [t, union(files.map((f) => f.context[t] ?? []))])),
      businessIds: list('businessIds'),
      versionNames: list('versionNames'),
      versionVerbs: list('versionVerbs'),
      numberWords: list('numberWords'),
    };
  }
  return shared;
}

/** The word as a regular expression that matches it literally. */
export const escapeRegExp = (w: string): string => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
