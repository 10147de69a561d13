import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { alignTokens } from '../../src/classify/ner/align.js';
import { plausibleModelSpans } from '../../src/classify/ner/plausible.js';
import { tokenWindows } from '../../src/classify/ner/windows.js';
import { disposeNerModel, getNerModel, resolveModelDir } from '../../src/classify/ner.js';

/** A lookup-table tagger (see fixtures/make_capitalized_ner.py): capitalised tokens are PERSON, a few cities LOCATION. */
const FIXTURE = join(import.meta.dirname, 'fixtures', 'capitalized-ner');

describe('token alignment', () => {
  it('maps WordPiece tokens to offsets in the original string, through accents, emoji and [UNK]', () => {
    const text = 'Zoë 😀 Müller';
    const offsets = alignTokens(text, ['Zo', '##ë', '[UNK]', 'M', '##üller'], '[UNK]');
    expect(offsets).toEqual([
      [0, 2],
      [2, 3],
      [4, 6],
      [7, 8],
      [8, 13],
    ]);
    expect(text.slice(7, 13)).toBe('Müller');
  });
});

describe('token windows', () => {
  it('covers every token exactly once with overlapping windows', () => {
    const windows = tokenWindows(100, 30, 8);
    expect(windows[0]).toMatchObject({ start: 0, end: 30 });
    expect(windows.at(-1)!.end).toBe(100);
    const kept = windows.flatMap((w) => Array.from({ length: w.keepEnd - w.keepStart }, (_, i) => w.keepStart + i));
    expect(kept).toEqual(Array.from({ length: 100 }, (_, i) => i));
    for (let i = 1; i < windows.length; i += 1) expect(windows[i]!.start).toBeLessThan(windows[i - 1]!.end);
  });
});

describe('NER model', () => {
  // The model is process-wide, and the test files of one worker share a process: another file may have loaded the
  // shipped model before this one loads the fixture.
  beforeAll(disposeNerModel);
  afterAll(disposeNerModel);

  it('reads LEAKWATCH_MODEL_DIR', () => {
    expect(resolveModelDir({ LEAKWATCH_MODEL_DIR: FIXTURE })).toBe(FIXTURE);
    expect(resolveModelDir({})).toMatch(/models[/\\]leakwatch-ner$/);
  });

  it('loads one instance per process and finds entities beyond the first window at exact offsets', async () => {
    const [a, b] = await Promise.all([getNerModel(FIXTURE), getNerModel(FIXTURE)]);
    expect(a).toBe(b);
    const text = `${'lorem ipsum, '.repeat(40)}then Jürgen Müller moved to Köln.`;
    const [spans] = await a.predict([text]);
    const found = spans!.map((s) => `${s.type}:${text.slice(s.start, s.end)}`);
    expect(found).toEqual(['PERSON:Jürgen', 'PERSON:Müller', 'LOCATION:Köln']);
  });

  it('runs inside the classifier after the recognizers, which win overlaps; function words are no names', async () => {
    const classifier = createClassifier({ salt: 's', modelDir: FIXTURE });
    await classifier.ready();
    expect(classifier.modelLoaded).toBe(true);
    const text = 'Ask Anna at ANNA@EXAMPLE.COM from Paris';
    const entities = await classifier.classify({ text });
    expect(entities.map((e) => `${e.type}:${e.detector}:${text.slice(e.start, e.end)}`)).toEqual([
      'PERSON:ner:Anna',
      'EMAIL_ADDRESS:pattern:email:ANNA@EXAMPLE.COM',
      'LOCATION:ner:Paris',
    ]);
    const typed = await classifier.classify({ text: 'Anna', field: { name: 'Industry', type: 'PICKLIST' } });
    expect(typed).toEqual([]);
  });
});

describe('model finds kept', () => {
  it('keeps capitalised words and postcodes beside a place; drops codes, lower-case words and bare numbers', () => {
    const text = 'Ship SKU AB-12345-X at 2024-03-05T10:22:11Z to Jana in 80331 München, ref 4711';
    const span = (type: 'PERSON' | 'LOCATION', value: string) => {
      const start = text.indexOf(value);
      return { type, start, end: start + value.length, score: 0.9, detector: 'ner' };
    };
    const found = ['AB-12345-X', '2024-03-05T10:22:11Z', 'ship', '80331', 'München'].map((v) => span('LOCATION', v));
    const kept = plausibleModelSpans(text, [...found, span('PERSON', 'Jana'), span('PERSON', '4711')]);
    expect(kept.map((s) => text.slice(s.start, s.end))).toEqual(['München', 'Jana', '80331']);
  });

  it.each([
    ['App stürzt seit Version 3.27.2 ab', 'Version 3.27'],
    ['Kindle Paperwhite 9.5.2.30, AB-92470-M', 'Paperwhite 9.5.2.30'],
    ['Artikel XK-95413-X, ThinkPad X1 Carbon', '-X'],
    ['Artikel TR-12045-BLK geliefert', 'BLK'],
    ['Artikel TR-12045-BLK geliefert', 'TR-'],
    ['Ticket 0014racKqWJrGDQ.', '0014racKqWJrGDQ'],
    ['Codice destinatario 5HBEYHN', '5HBEYHN'],
    ['IBAN (ungültig) NL80 BUNQ 0677 4992 13', 'NL80 BUNQ'],
  ])('drops finds in versions, codes and record ids: %s (%s)', (text, value) => {
    const start = text.indexOf(value);
    expect(plausibleModelSpans(text, [{ type: 'LOCATION', start, end: start + value.length, score: 0.9, detector: 'ner' }])).toEqual([]);
  });

  it('drops a number that belongs to a code before it, even beside a place', () => {
    const text = 'Ticket TKT-36812 Milano';
    const found = ['36812', 'Milano'].map((v) => {
      const start = text.indexOf(v);
      return { type: 'LOCATION' as const, start, end: start + v.length, score: 0.9, detector: 'ner' };
    });
    expect(plausibleModelSpans(text, found).map((s) => text.slice(s.start, s.end))).toEqual(['Milano']);
  });

  it('keeps places and names next to codes and hyphens', () => {
    const text = 'Delivered to Saint-Étienne, Rue de la Paix 12, order AB-123 for Jean-Luc Picard.';
    const found = ['Saint-Étienne', 'Rue de la Paix 12', 'Jean-Luc Picard'].map((v) => {
      const start = text.indexOf(v);
      return { type: 'LOCATION' as const, start, end: start + v.length, score: 0.9, detector: 'ner' };
    });
    expect(plausibleModelSpans(text, found)).toHaveLength(3);
  });
});
