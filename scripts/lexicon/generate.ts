// Builds sidecar/lexicons/names.json, the name lexicon the classifier weighs model finds with: given names and
// surnames in Latin script from @faker-js/faker's person locales, and the function words of the six languages from
// stopwords-iso plus greetings. A name that is also a function word is kept only when the locales of three
// languages or more list it; the classifier then trusts it only before a known surname. Deterministic: the committed file is exactly what this writes (a test checks it).
//   tsx scripts/lexicon/generate.ts [--out sidecar/lexicons/names.json] [--check]
import { allLocales } from '@faker-js/faker';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { NAME_LEXICON_FILE, NAME_PARTICLES } from '../../sidecar/src/classify/ner/names.js';

/** Locales whose name lists are not people's names (slang, parody, a constructed language). */
const SKIPPED_LOCALES = new Set(['en_AU_ocker', 'en_BORK', 'eo']);
const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'nl'] as const;

/** Greetings and closings: capitalised at the start of a line, never a name ("Gracias, Diego", "Salve, ..."). */
const SALUTATIONS = [
  'hello',
  'hi',
  'hey',
  'dear',
  'regards',
  'thanks',
  'cheers',
  'greetings',
  'sincerely',
  'hallo',
  'moin',
  'servus',
  'grüß',
  'gruß',
  'grüße',
  'danke',
  'liebe',
  'lieber',
  'bonjour',
  'bonsoir',
  'salut',
  'merci',
  'cordialement',
  'cher',
  'chère',
  'hola',
  'gracias',
  'saludos',
  'atentamente',
  'estimado',
  'estimada',
  'buenos',
  'buenas',
  'ciao',
  'salve',
  'grazie',
  'saluti',
  'cordiali',
  'gentile',
  'buongiorno',
  'buonasera',
  'hoi',
  'dag',
  'goedemorgen',
  'goedemiddag',
  'bedankt',
  'groeten',
  'groet',
  'beste',
  'geachte',
];

/** A name that is a function word somewhere stays a name when locales of this many languages list it ("Sara", "Will"). */
const INTERNATIONAL = 3;

const LATIN_NAME = /^\p{Lu}[\p{Script=Latin}\p{M}'’ -]*$/u;

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : typeof v === 'string' ? [v] : [];

/** Every word of a multi-word name counts on its own ("Mary Ann" gives Mary and Ann). */
const words = (names: string[]): string[] => names.flatMap((n) => n.split(/[ ]+/)).filter((w) => w.length >= 2 && LATIN_NAME.test(w));

export interface NameLexiconFile {
  source: string;
  given: string[];
  surnames: string[];
  functionWords: string[];
}

export function buildLexicon(): NameLexiconFile {
  const stopwords = createRequire(import.meta.url)('stopwords-iso') as Record<string, string[]>;
  const particles = new Set(NAME_PARTICLES);
  const functionWords = new Set(
    [...LANGUAGES.flatMap((l) => stopwords[l] ?? []), ...SALUTATIONS].map((w) => w.toLowerCase()).filter((w) => /^\p{L}+$/u.test(w) && !particles.has(w)),
  );
  const given = new Map<string, Set<string>>();
  const surnames = new Map<string, Set<string>>();
  const add = (into: Map<string, Set<string>>, name: string, language: string): void => {
    into.set(name, (into.get(name) ?? new Set()).add(language));
  };
  for (const [locale, definition] of Object.entries(allLocales)) {
    const person = (definition as { person?: { first_name?: unknown; last_name?: unknown } }).person;
    if (!person || SKIPPED_LOCALES.has(locale)) continue;
    const language = locale.split('_')[0]!;
    for (const w of words(strings(person.first_name))) add(given, w, language);
    for (const w of words(strings(person.last_name))) add(surnames, w, language);
  }
  // "Among" (one locale's list) is no name; "Sara", "Will" and "Mia" are, though some language uses them as words
  const languages = (w: string): number => new Set([...(given.get(w) ?? []), ...(surnames.get(w) ?? [])]).size;
  const sorted = (names: Map<string, Set<string>>): string[] =>
    [...names.keys()].filter((w) => !particles.has(w.toLowerCase()) && (!functionWords.has(w.toLowerCase()) || languages(w) >= INTERNATIONAL)).sort();
  return {
    source: '@faker-js/faker person locales (given names, surnames); stopwords-iso en, de, fr, es, it, nl (function words)',
    given: sorted(given),
    surnames: sorted(surnames),
    functionWords: [...functionWords].sort(),
  };
}

export const serialise = (lexicon: NameLexiconFile): string => `${JSON.stringify(lexicon, null, 0)}\n`;

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: NAME_LEXICON_FILE }, check: { type: 'boolean', default: false } } });
  const text = serialise(buildLexicon());
  if (values.check) {
    if (readFileSync(values.out!, 'utf8') !== text) {
      console.error(`${values.out} is out of date: run tsx scripts/lexicon/generate.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(values.out!, text);
    const lexicon = JSON.parse(text) as NameLexiconFile;
    console.log(`${values.out}: ${lexicon.given.length} given names, ${lexicon.surnames.length} surnames, ${lexicon.functionWords.length} function words`);
  }
}
