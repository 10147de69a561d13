import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AutoTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { WordPiece } from './offsets.js';

const models = resolve(import.meta.dirname, '../../../sidecar/models');
const TEXTS = [
  'Herr Jürgen Müller wohnt in der Friedrich-Ebert-Straße 5, 10115 Berlin.',
  "Mme Hélène D'Aubigné, 8 rue de l'Église, 75001 Paris — merci !",
  'Sr. José Ñúñez: pedido #A-77812 (3×) enviado a Calle Mayor 5, 28013 Madrid.',
  'Dott.ssa Chiara Lo Giudice\tVia Roma 21\n20121 Milano',
  "Dhr. J.P. van 't Hof, Kerkstraat 4b, 3512 JK Utrecht",
  'ERROR {"LastName":"O\'Neil","Email":"sean.oneil@example.com"} ip=10.0.0.1 😀 end',
  'Zoë Ångström-Łukasiewicz, Øresundsvej 12, 2300 København S',
];

describe('WordPiece with offsets', () => {
  let vocab: Map<string, number>;
  let wp: WordPiece;
  let tokenizer: Awaited<ReturnType<typeof AutoTokenizer.from_pretrained>>;

  beforeAll(async () => {
    const json = JSON.parse(readFileSync(resolve(models, 'leakwatch-ner/tokenizer.json'), 'utf8')) as { model: { vocab: Record<string, number> } };
    vocab = new Map(Object.entries(json.model.vocab));
    wp = new WordPiece(vocab);
    env.allowRemoteModels = false;
    env.localModelPath = models;
    tokenizer = await AutoTokenizer.from_pretrained('leakwatch-ner');
  });

  it('gives the same token ids as the shipped tokenizer.json loaded by transformers.js', () => {
    for (const text of TEXTS) {
      const ids = Array.from(tokenizer(text).input_ids.data as BigInt64Array, Number);
      expect(
        wp.encode(text).map((p) => p.id),
        text,
      ).toEqual(ids.slice(1, -1));
    }
  });

  it('maps every known piece back to its characters in the original text', () => {
    const byId = new Map([...vocab].map(([piece, id]) => [id, piece]));
    const unk = vocab.get('[UNK]');
    for (const text of TEXTS) {
      for (const p of wp.encode(text)) {
        if (p.id === unk) continue;
        expect(text.slice(p.start, p.end)).toBe(byId.get(p.id)!.replace(/^##/, ''));
      }
    }
  });
});
