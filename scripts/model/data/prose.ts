// Real sentences in the six languages, from Debian's fortune cookies, translated manual pages and translated
// documentation (HTML), as context for entities: the tagger sees people and places inside sentences nobody wrote for
// it, and many capitalised words that are neither (sentence starts, German nouns, "There", "Since"). Needs the Debian
// packages of PROSE_PACKAGES.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { guessLanguage } from '../../../sidecar/src/classify/language.js';
import { nameLexicon } from '../../../sidecar/src/classify/ner/names.js';
import type { Random as Rng } from '../../../sidecar/src/synthetic/random.js';
import { ALL, CITIES, type Lang } from './locales.js';
import type { Piece } from './slots.js';

const FORTUNES = '/usr/share/games/fortunes';
const MAN = '/usr/share/man';
const DOC = '/usr/share/doc';
const REFERENCE = '/usr/share/debian-reference';
const DEVELOPERS = '/usr/share/developers-reference';

/** HTML files of one directory (not its subdirectories) whose names end in `suffix`. */
interface HtmlSource {
  dir: string;
  suffix: string;
}
const html = (dir: string, suffix = '.html'): HtmlSource => ({ dir, suffix });

/** Where each language's sentences come from (fortune directories, manual sections, HTML documentation). */
const SOURCES: Record<Lang, { fortunes: string[]; man: string[]; html: HtmlSource[] }> = {
  en: { fortunes: [FORTUNES], man: [], html: [html(REFERENCE, '.en.html'), html(DEVELOPERS), html(join(DOC, 'debian/FAQ'), '.en.html')] },
  de: {
    fortunes: [join(FORTUNES, 'de')],
    man: [join(MAN, 'de')],
    html: [html(REFERENCE, '.de.html'), html(join(DOC, 'maint-guide-de/html')), html(join(DEVELOPERS, 'de')), html(join(DOC, 'debian/FAQ/de'))],
  },
  fr: {
    fortunes: [],
    man: [join(MAN, 'fr')],
    html: [html(REFERENCE, '.fr.html'), html(join(DOC, 'maint-guide-fr/html')), html(join(DEVELOPERS, 'fr')), html(join(DOC, 'debian/FAQ/fr'))],
  },
  es: { fortunes: [join(FORTUNES, 'es')], man: [join(MAN, 'es')], html: [html(REFERENCE, '.es.html'), html(join(DOC, 'maint-guide-es/html'))] },
  it: {
    fortunes: [join(FORTUNES, 'it')],
    man: [join(MAN, 'it')],
    html: [html(REFERENCE, '.it.html'), html(join(DOC, 'maint-guide-it/html')), html(join(DEVELOPERS, 'it')), html(join(DOC, 'debian/FAQ/it'))],
  },
  nl: {
    fortunes: [],
    man: [join(MAN, 'nl')],
    html: [html(join(DOC, 'aptitude/html/nl')), html(join(DOC, 'debian/FAQ/nl')), html(join(DOC, 'debian-edu-doc-nl'))],
  },
};

/** The packages of every source; the documentation ones are read only for the broader corpus (`--broad`). */
export const PROSE_PACKAGES =
  'fortunes fortunes-de fortunes-es fortunes-it manpages-de manpages-fr manpages-es manpages-it manpages-nl ' +
  'debian-reference-en debian-reference-de debian-reference-fr debian-reference-es debian-reference-it ' +
  'maint-guide-de maint-guide-fr maint-guide-es maint-guide-it developers-reference developers-reference-de developers-reference-fr developers-reference-it ' +
  'debian-faq debian-faq-de debian-faq-fr debian-faq-it debian-faq-nl aptitude-doc-nl debian-edu-doc-nl';

const files = (dir: string, keep: (name: string) => boolean): string[] => {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      const stat = statSync(path);
      if (stat.isDirectory()) return name.startsWith('man') ? files(path, keep) : [];
      return keep(name) ? [path] : [];
    });
};

/** Fortune files: `%`-separated cookies; the `.dat` indexes and `.u8` links are skipped. */
function fortuneParagraphs(dir: string): string[] {
  return files(dir, (n) => !/\.(dat|u8)$/.test(n) && !n.startsWith('.')).flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    if (text.includes('\uFFFD')) return [];
    return text.split(/^%\s*$/m);
  });
}

/** Manual pages: troff source reduced to its running text. */
function manParagraphs(dir: string): string[] {
  return files(dir, (n) => n.endsWith('.gz')).flatMap((path) => {
    let source: string;
    try {
      source = gunzipSync(readFileSync(path)).toString('utf8');
    } catch {
      return [];
    }
    const out: string[] = [];
    let paragraph: string[] = [];
    let spoilt = false;
    const close = (): void => {
      if (paragraph.length && !spoilt) out.push(paragraph.join(' '));
      paragraph = [];
      spoilt = false;
    };
    for (const line of source.split('\n')) {
      if (line.startsWith('.') || line.startsWith("'")) {
        close();
        continue;
      }
      // special characters (\(:a, \[u00E9], \*(..) would leave words without their accents: skip the paragraph
      if (/\\[([*]/.test(line) || line.includes('\uFFFD')) spoilt = true;
      paragraph.push(line.replace(/\\f(?:\[[A-Z]*\]|[A-Z0-9])|\\s[+-]?\d|\\[-&e|^ ]/g, (m) => (m === '\\-' ? '-' : m === '\\ ' ? ' ' : '')));
    }
    close();
    return out;
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** HTML documentation: the text of its `<p>` elements, tags dropped and character references decoded. */
function htmlParagraphs(source: HtmlSource): string[] {
  if (!existsSync(source.dir)) return [];
  return readdirSync(source.dir)
    .sort()
    .filter((name) => name.endsWith(source.suffix) && statSync(join(source.dir, name)).isFile())
    .flatMap((name) => {
      const text = readFileSync(join(source.dir, name), 'utf8');
      return [...text.matchAll(/<p\b[^>]*>([\s\S]*?)<\/p>/g)].map((m) =>
        m[1]!
          .replace(/<[^>]*>/g, '')
          .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
          .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
          .replace(/&(\w+);/g, (e, n: string) => ENTITIES[n] ?? e),
      );
    });
}

/** Words that say the sentence is code, a quote's source or a list, not prose. */
const NOT_PROSE = /--|@|https?:|www\.|[|<>_=*#\\{}[\]~^$%&+]|\.\.\.|\t/;

/** Every word of a known name or place: the name lexicon's names, the real cities, faker's countries and regions. */
export function properNouns(): ReadonlySet<string> {
  const { given, surnames } = nameLexicon();
  const places = ALL.flatMap((f) => [...(f.definitions.location?.country ?? []), ...(f.definitions.location?.state ?? [])]);
  return new Set([...given, ...surnames, ...[...Object.values(CITIES).flat(), ...places].flatMap((n) => n.split(/\s+/))]);
}

/**
 * One sentence of prose, or null: 4 to 40 words in the language wanted (by its stop words), mostly letters,
 * starting with a capital and ending a sentence,
 * with no unlabelled person or place in it. A capitalised word after the first is allowed only in German (nouns)
 * and only when no lexicon of names or places knows it; "I" is allowed in English.
 */
function prose(sentence: string, lang: Lang, properNouns: ReadonlySet<string>): string | null {
  const s = sentence.trim();
  if (s.length < 25 || s.length > 240 || NOT_PROSE.test(s) || !/^\p{Lu}/u.test(s) || !/[.!?]$/.test(s)) return null;
  const words = s.split(/\s+/);
  if (words.length < 4 || words.length > 40) return null;
  if (guessLanguage(s) !== lang) return null;
  const letters = s.match(/\p{L}/gu)?.length ?? 0;
  if (letters < 0.78 * s.replace(/\s/g, '').length) return null;
  for (const w of words.slice(1)) {
    const bare = w.replace(/^[^\p{L}]+|[^\p{L}]+$/gu, '');
    if (!/^\p{Lu}/u.test(bare)) continue;
    if (lang === 'en' && bare === 'I') continue;
    if (lang !== 'de' || properNouns.has(bare) || /^\p{Lu}{2,}/u.test(bare)) return null;
  }
  return s;
}

const sentencesOf = (paragraph: string): string[] => paragraph.replace(/\s+/g, ' ').split(/(?<=[.!?])\s+(?=\p{Lu})/u);

/**
 * Every usable sentence per language, in a fixed order (files sorted, duplicates dropped); `documentation` adds the
 * HTML documentation (the broader training corpus, `generate.ts --broad`).
 */
export function loadProse(documentation = false): Record<Lang, string[]> {
  const out = {} as Record<Lang, string[]>;
  const known = properNouns();
  for (const [lang, source] of Object.entries(SOURCES) as Array<[Lang, (typeof SOURCES)[Lang]]>) {
    const paragraphs = [
      ...source.fortunes.flatMap(fortuneParagraphs),
      ...source.man.flatMap(manParagraphs),
      ...(documentation ? source.html.flatMap(htmlParagraphs) : []),
    ];
    const kept = new Set<string>();
    for (const p of paragraphs)
      for (const s of sentencesOf(p)) {
        const ok = prose(s, lang, known);
        if (ok) kept.add(ok);
      }
    if (kept.size < 200) {
      throw new Error(`only ${kept.size} ${lang} sentences of prose: install the Debian packages ${PROSE_PACKAGES}`);
    }
    out[lang] = [...kept];
  }
  return out;
}

/** Third-person pronouns a name can stand in for, per language. */
const PRONOUNS: Record<Lang, RegExp> = {
  en: /\b(?:he|she|him|He|She)\b/,
  de: /\b(?:er|ihn|ihm|Er)\b/,
  fr: /\b(?:il|elle|lui|Il|Elle)\b/,
  es: /\b(?:él|ella|Él|Ella)(?!\p{L})/u,
  it: /\b(?:lui|lei|Lui|Lei)\b/,
  nl: /\b(?:hij|zij|hem|Hij|Zij)\b/,
};

const LEADS: Record<Lang, string[]> = {
  en: ['{per}: ', '{per} wrote: ', 'According to {per}, ', '{first}, ', 'As {per} said: ', 'Note from {per}: '],
  de: ['{per}: ', '{per} schrieb: ', 'Laut {per}: ', '{first}, ', 'Wie {per} sagte: ', 'Notiz von {per}: '],
  fr: ['{per} : ', '{per} a écrit : ', 'Selon {per}, ', '{first}, ', 'Comme disait {per} : ', 'Note de {per} : '],
  es: ['{per}: ', '{per} escribió: ', 'Según {per}, ', '{first}, ', 'Como dijo {per}: ', 'Nota de {per}: '],
  it: ['{per}: ', '{per} ha scritto: ', 'Secondo {per}, ', '{first}, ', 'Come diceva {per}: ', 'Nota di {per}: '],
  nl: ['{per}: ', '{per} schreef: ', 'Volgens {per}: ', '{first}, ', 'Zoals {per} zei: ', 'Notitie van {per}: '],
};

const PLACES: Record<Lang, string[]> = {
  en: [' in {city}', ' near {city}', ' at {street}', ' ({city}, {country})', ', here in {city}'],
  de: [' in {city}', ' bei {city}', ' in der {street}', ' ({city}, {country})', ', hier in {city}'],
  fr: [' à {city}', ' près de {city}', ' au {street}', ' ({city}, {country})', ', ici à {city}'],
  es: [' en {city}', ' cerca de {city}', ' en {street}', ' ({city}, {country})', ', aquí en {city}'],
  it: [' a {city}', ' vicino a {city}', ' in {street}', ' ({city}, {country})', ', qui a {city}'],
  nl: [' in {city}', ' bij {city}', ' aan de {street}', ' ({city}, {country})', ', hier in {city}'],
};

/**
 * A record of one to three real sentences with people and places spliced in: a name for a pronoun, a speaker or
 * author before the text, a place before the closing stop, a signature; a quarter of the records keep none.
 */
export function proseRecord(lang: Lang, sentences: readonly string[], fill: (template: string) => Piece[], rng: Rng): Piece[] {
  const count = rng.next() < 0.6 ? 1 : rng.next() < 0.7 ? 2 : 3;
  const start = rng.below(sentences.length);
  const pieces: Piece[] = [];
  const plain = rng.next() < 0.25;
  if (!plain && rng.next() < 0.35) pieces.push(...fill(rng.pick(LEADS[lang])));
  for (let i = 0; i < count; i += 1) {
    if (i > 0) pieces.push({ text: ' ' });
    let s = sentences[(start + i) % sentences.length]!;
    if (!plain && rng.next() < 0.5) {
      const m = PRONOUNS[lang].exec(s);
      if (m) {
        pieces.push({ text: s.slice(0, m.index) }, ...fill(rng.pick(['{per}', '{first}', '{fl}'])));
        s = s.slice(m.index + m[0].length);
      }
    }
    if (!plain && rng.next() < 0.3) {
      const stop = s.length - 1;
      pieces.push({ text: s.slice(0, stop) }, ...fill(rng.pick(PLACES[lang])), { text: s.slice(stop) });
    } else pieces.push({ text: s });
  }
  if (!plain && rng.next() < 0.2) pieces.push(...fill(rng.pick(['\n{per}', '\n-- {per}', ' ({per})'])));
  return pieces;
}
