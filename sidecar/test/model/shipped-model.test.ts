import { existsSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_MODEL_DIR, disposeNerModel, getNerModel, type NerModel } from '../../src/classify/ner.js';

interface Case {
  lang: string;
  text: string;
  persons: string[];
  locations: string[];
  /** Look-alikes that must not come back as PERSON or LOCATION. */
  not?: string[];
}

const CASES: Case[] = [
  {
    lang: 'en',
    text: 'Customer Sarah Connor called about order SO-448812; please ship the replacement to 221 Baker Street, London.',
    persons: ['Sarah Connor'],
    locations: ['221 Baker Street', 'London'],
    not: ['SO-448812'],
  },
  {
    lang: 'de',
    text: 'Kunde Jürgen Weiß hat wegen Bestellung 4471 angerufen, Lieferung an Hauptstraße 12, 80331 München.',
    persons: ['Jürgen Weiß'],
    locations: ['80331', 'München'],
  },
  {
    lang: 'fr',
    text: 'Le client Pierre Martin a appelé au sujet de la commande 4471, livraison au 8 rue de la Paix, 75002 Paris.',
    persons: ['Pierre Martin'],
    locations: ['8 rue de la Paix', 'Paris'],
  },
  {
    lang: 'es',
    text: 'El cliente Javier García llamó por el pedido 7781; vive en Calle Mayor 5, 28013 Madrid.',
    persons: ['Javier García'],
    locations: ['Calle Mayor 5', 'Madrid'],
  },
  {
    lang: 'it',
    text: "Il cliente Marco Rossi ha chiamato per l'ordine 5521, spedire a Via Roma 21, 20121 Milano.",
    persons: ['Marco Rossi'],
    locations: ['20121', 'Milano'],
  },
  {
    lang: 'nl',
    text: 'Klant Jan de Vries belde over zijn bestelling; levering op Kerkstraat 4, 3512 JK Utrecht.',
    persons: ['Jan de Vries'],
    locations: ['Kerkstraat 4', 'Utrecht'],
  },
  {
    lang: 'de',
    text: 'Bitte Herrn Klaus Becker zurückrufen, er wohnt in der Lindenstraße 7, 10115 Berlin.',
    persons: ['Klaus Becker'],
    locations: ['Lindenstraße 7', 'Berlin'],
    not: ['Herrn'],
  },
  {
    lang: 'fr',
    text: "Mme Claire Dubois signale que le colis n'est jamais arrivé à Lyon.",
    persons: ['Claire Dubois'],
    locations: ['Lyon'],
    not: ['Mme'],
  },
  {
    lang: 'en',
    text: 'hi, this is maria gonzalez, my parcel never reached valencia',
    persons: ['maria gonzalez'],
    locations: ['valencia'],
  },
  {
    lang: 'en',
    text: 'The Victoria Desk (SKU AVE-120) is back in stock; order SO-99812 ships on Monday.',
    persons: [],
    locations: [],
    not: ['Victoria', 'AVE-120', 'SO-99812', 'Monday'],
  },
  {
    lang: 'de',
    text: 'Das Modell Sophie Chair ist wieder lieferbar, Artikel MAIN-450.',
    persons: [],
    locations: [],
    not: ['Sophie', 'MAIN-450'],
  },
];

const texts = (text: string, spans: { start: number; end: number; type: string }[], type: string): string[] =>
  spans.filter((s) => s.type === type).map((s) => text.slice(s.start, s.end));

const covered = (found: string[], wanted: string): boolean => found.some((f) => f.includes(wanted) || wanted.includes(f));

describe('shipped NER model (sidecar/models/leakwatch-ner)', () => {
  let model: NerModel;

  beforeAll(async () => {
    model = await getNerModel(SHIPPED_MODEL_DIR);
  });

  afterAll(async () => {
    await disposeNerModel();
  });

  it('ships in the transformers.js layout, int8, under 25 MB', () => {
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model_quantized.onnx', 'MODEL_CARD.md']) {
      expect(existsSync(join(SHIPPED_MODEL_DIR, file)), file).toBe(true);
    }
    const size = (dir: string): number =>
      readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? size(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);
    expect(size(SHIPPED_MODEL_DIR)).toBeLessThan(25 * 1024 * 1024);
  });

  it.each(CASES)('finds the people and places of a $lang record, not its look-alikes: $text', async ({ text, persons, locations, not }) => {
    const [spans] = await model.predict([text]);
    const people = texts(text, spans!, 'PERSON');
    const places = texts(text, spans!, 'LOCATION');
    for (const p of persons) expect(people, `PERSON ${p} in ${JSON.stringify(spans)}`).toContain(p);
    for (const l of locations) expect(covered(places, l), `LOCATION ${l} in ${JSON.stringify(places)}`).toBe(true);
    for (const n of not ?? []) expect(covered([...people, ...places], n), `${n} is not personal`).toBe(false);
    expect(people.some((p) => /^(Kunde|client|Klant|Customer|cliente)\b/i.test(p))).toBe(false);
  });
});
