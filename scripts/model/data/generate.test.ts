import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { capitaliseContext, generate as generateWith, swapWords, SWAPPED_WORDS } from './generate.js';
import { PERSON_BRANDS, type Lang } from './locales.js';
import { proseRecord } from './prose.js';
import { usableWords } from './words.js';
import { makeSlots } from './slots.js';
import { Random } from '../../../sidecar/src/synthetic/random.js';
import { DEV } from './templates-dev.js';
import { GENERAL } from './templates-general.js';
import { TRAIN } from './templates-train.js';

/** A few sentences per language in place of the Debian packages the real build reads. */
const PROSE: Record<Lang, string[]> = {
  en: ['He said the parcel never came.', 'There is nothing to add.', 'Since then she has been happy.'],
  de: ['Er hat das Paket nie bekommen.', 'Seitdem ist alles gut.', 'Die Rechnung kam gestern.'],
  fr: ['Il a dit que le colis est arrivé.', 'Depuis, tout va bien.', 'Elle aime les fleurs.'],
  es: ['Él dijo que el paquete llegó.', 'Desde entonces todo va bien.', 'Ella compra flores.'],
  it: ['Lui ha detto che il pacco è arrivato.', 'Da allora va tutto bene.', 'Lei compra fiori.'],
  nl: ['Hij zei dat het pakket kwam.', 'Sindsdien gaat alles goed.', 'Zij koopt bloemen.'],
};
/** Two stand-in words per language in place of Debian's word lists, spelt so that no template holds them. */
const WORDS = Object.fromEntries((['en', 'de', 'fr', 'es', 'it', 'nl'] as const).map((lang) => [lang, [`${lang}wordone`, `${lang}wordtwo`]])) as Record<
  Lang,
  string[]
>;
const generate = (seed: number, count: number, split: 'train' | 'dev') => generateWith(seed, count, split, PROSE, WORDS);

describe('NER corpus generator', () => {
  it('is a pure function of the seed', () => {
    expect(generate(7, 40, 'train')).toEqual(generate(7, 40, 'train'));
    expect(generate(7, 40, 'train')).not.toEqual(generate(8, 40, 'train'));
  });

  it('labels non-empty spans inside the text, in order and without overlap', () => {
    for (const split of ['train', 'dev'] as const) {
      for (const row of generate(11, 300, split)) {
        let last = 0;
        for (const e of row.entities) {
          expect(e.start).toBeGreaterThanOrEqual(last);
          expect(e.end).toBeGreaterThan(e.start);
          expect(e.end).toBeLessThanOrEqual(row.text.length);
          expect(row.text.slice(e.start, e.end).trim()).not.toBe('');
          last = e.end;
        }
      }
    }
  });

  it('covers every language, both labels and hard negatives', () => {
    const rows = generate(3, 600, 'train');
    expect(new Set(rows.map((r) => r.lang))).toEqual(new Set(['en', 'de', 'fr', 'es', 'it', 'nl']));
    const types = new Set(rows.flatMap((r) => r.entities.map((e) => e.type)));
    expect(types).toEqual(new Set(['PERSON', 'LOCATION']));
    expect(rows.some((r) => r.entities.length === 0)).toBe(true);
  });

  it('capitalises about a third of the words outside the entities, and nothing inside them or in addresses', () => {
    const pieces = [
      { text: 'please send the parcel to ' },
      { text: 'anna rossi', label: 'PERSON' as const },
      { text: ' or mail anna.rossi@example.com today, ' + 'the order is late '.repeat(20) },
    ];
    capitaliseContext(pieces, new Random(9));
    expect(pieces[1]!.text).toBe('anna rossi');
    expect(pieces[2]!.text).toMatch(/ anna\.rossi@example\.com /i);
    expect(pieces[2]!.text).toContain('.rossi@example.com');
    const words = (pieces[0]!.text + pieces[2]!.text).match(/\p{L}+/gu)!.filter((w) => !['rossi', 'example', 'com'].includes(w.toLowerCase()));
    const share = words.filter((w) => /^\p{Lu}/u.test(w)).length / words.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.4);
  });

  it('gives some Spanish training names another surname; the dev split (augment off) keeps its draws', () => {
    const longNames = (lang: 'es', augment: boolean) => {
      const slots = makeSlots(lang, new Random(3), augment);
      const sizes = Array.from(
        { length: 2000 },
        () =>
          slots.per!()
            .find((p) => p.label)!
            .text.trim()
            .split(/\s+/).length,
      );
      return sizes.filter((n) => n >= 4).length;
    };
    expect(longNames('es', true)).toBeGreaterThan(longNames('es', false) + 100);
  });

  it('scatters ordinary words of the word lists among the training split, never the dev split', () => {
    const ordinary = new Set(Object.values(WORDS).flat());
    const count = (split: 'train' | 'dev') =>
      generate(17, 1500, split)
        .flatMap((r) => r.text.match(/\p{L}+/gu) ?? [])
        .filter((w) => ordinary.has(w)).length;
    expect(count('train')).toBeGreaterThan(300);
    expect(count('dev')).toBe(0);
  });

  it("swaps a share of a template's words for ordinary words, keeping capitals and punctuation", () => {
    const text = 'Please send the parcel to the new address, thanks. '.repeat(40);
    const swapped = swapWords(text, ['zzword'], new Random(21));
    const words = swapped.match(/\p{L}+/gu)!;
    const share = words.filter((w) => w.toLowerCase() === 'zzword').length / words.length;
    expect(share).toBeGreaterThan(SWAPPED_WORDS - 0.07);
    expect(share).toBeLessThan(SWAPPED_WORDS + 0.07);
    expect(swapped.match(/[,.]/g)).toEqual(text.match(/[,.]/g));
    expect(swapped).toMatch(/(?:^|\. )Zzword /);
    expect(swapped).not.toMatch(/(?:^|\. )zzword /);
  });

  it('keeps the dev split the shipped weights were scored on, byte for byte', () => {
    const rows = generate(20261123, 3000, 'dev');
    const file = rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
    expect(createHash('md5').update(file).digest('hex')).toBe('bf3fb2ff927c0c2c118f60365a7014da');
  });

  it('builds the dev split only from templates the training split never uses', () => {
    const train = new Set([...Object.values(TRAIN).flat(), ...Object.values(GENERAL).flat()]);
    for (const template of Object.values(DEV).flat()) expect(train.has(template)).toBe(false);
  });
});

describe('record shapes of the broader training split', () => {
  const rows = generateWith(13, 3000, 'train', PROSE, WORDS, true);
  const spans = rows.flatMap((r) => r.entities.map((e) => ({ ...e, text: r.text.slice(e.start, e.end) })));

  it('holds CSV exports with a header line, logs with "LAST, FIRST" names and ALL-CAPS names, signed marketplace messages', () => {
    expect(rows.some((r) => /^Id[;,\t|]FirstName[;,\t|]LastName/im.test(r.text))).toBe(true);
    expect(spans.some((e) => e.type === 'PERSON' && /^[\p{Lu}' -]{2,}, [\p{Lu}' -]{2,}$/u.test(e.text))).toBe(true);
    expect(rows.some((r) => /customer="[^"]+"/.test(r.text))).toBe(true);
    expect(rows.some((r) => /\n-- \S/.test(r.text))).toBe(true);
  });

  it('adds narrative roles (speech after a quote, surname lists, lists of places) and stays a function of the seed', () => {
    const narrative = /first draft together|ersten Entwurf gemeinsam|première version ensemble|primer borrador|prima bozza|eerste versie/;
    expect(rows.some((r) => narrative.test(r.text))).toBe(true);
    expect(generate(13, 3000, 'train').some((r) => narrative.test(r.text))).toBe(false);
    expect(generateWith(17, 200, 'train', PROSE, WORDS, true)).toEqual(generateWith(17, 200, 'train', PROSE, WORDS, true));
  });

  it('never labels a brand named after a person', () => {
    let seen = 0;
    for (const r of rows) {
      for (const brand of PERSON_BRANDS) {
        for (let i = r.text.indexOf(brand); i >= 0; i = r.text.indexOf(brand, i + 1)) {
          seen += 1;
          expect(r.entities.some((e) => e.start < i + brand.length && e.end > i)).toBe(false);
        }
      }
    }
    expect(seen).toBeGreaterThan(20);
  });
});

describe('ordinary words from the word lists', () => {
  it('keeps short lower-case words (capitalised nouns in German), not names or places, once each', () => {
    const list = ['ABC', 'Anna', 'anna', 'berlin', 'Kurier', 'kurier', 'kurier', 'souhaite', "can't", 'Donaudampfschifffahrt', 'a'].join('\n');
    const known = new Set(['Anna', 'Berlin']);
    expect(usableWords(list, 'de', known)).toEqual(['Kurier', 'kurier', 'souhaite']);
    expect(usableWords(list, 'fr', known)).toEqual(['kurier', 'souhaite']);
  });
});

describe('records of real prose', () => {
  it('splices labelled people and places into the sentences and keeps the rest of the text', () => {
    const rng = new Random(5);
    let withPeople = 0;
    for (let i = 0; i < 200; i += 1) {
      const fill = (template: string) =>
        template
          .split(/(\{\w+\})/)
          .filter(Boolean)
          .map((part) =>
            part === '{per}' || part === '{first}' || part === '{fl}'
              ? { text: 'Anna Rossi', label: 'PERSON' as const }
              : /^\{\w+\}$/.test(part)
                ? { text: 'Bologna', label: 'LOCATION' as const }
                : { text: part },
          );
      const pieces = proseRecord('en', PROSE.en, fill, rng);
      const text = pieces.map((p) => p.text).join('');
      for (const p of pieces.filter((p) => p.label)) expect(['Anna Rossi', 'Bologna']).toContain(p.text);
      // every sentence (or what is left of it after a name took a pronoun's place) is still in the record
      expect(text).toMatch(/parcel never came|nothing to add|has been happy/);
      if (pieces.some((p) => p.label === 'PERSON')) withPeople += 1;
    }
    expect(withPeople).toBeGreaterThan(50);
    expect(withPeople).toBeLessThan(200);
  });
});
