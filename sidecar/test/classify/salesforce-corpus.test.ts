import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { generateCorpus, serialize } from '../../corpus/generate.js';
import { loadScorer, readJsonl, SALESFORCE_CORPUS, type GoldRecord } from '../../corpus/gold.js';
import { CHECKSUMMED_TYPES, predictAll } from '../../corpus/predict.js';

const PATTERN_TYPES = [...CHECKSUMMED_TYPES, 'EMAIL_ADDRESS', 'PHONE_NUMBER', 'IP_ADDRESS', 'URL', 'PASSPORT', 'DATE_OF_BIRTH', 'MEDICAL', 'SECRET'];

describe('Salesforce-like corpus', () => {
  it('is what the seeded generator writes', () => {
    expect(readFileSync(SALESFORCE_CORPUS, 'utf8')).toBe(serialize(generateCorpus()));
  });

  it('covers six languages, every record kind and the hard negatives', () => {
    const gold = readJsonl<GoldRecord>(SALESFORCE_CORPUS);
    expect(new Set(gold.map((g) => g.lang))).toEqual(new Set(['en', 'de', 'fr', 'es', 'it', 'nl']));
    expect(new Set(gold.map((g) => g.source))).toEqual(new Set(['case', 'email', 'delivery', 'chat', 'log', 'field']));
    const kinds = new Set(gold.flatMap((g) => (g.hard_negatives ?? []).map((h) => h.kind)));
    for (const kind of [
      'order_number',
      'sku',
      'tracking_number',
      'salesforce_id',
      'invoice_number',
      'iso_timestamp',
      'version',
      'product_name',
      'non_birth_date',
      'invalid_card',
      'invalid_iban',
      'invalid_national_id',
    ]) {
      expect(kinds).toContain(kind);
    }
    for (const g of gold) for (const e of g.entities) expect(e.end).toBeLessThanOrEqual(g.text.length);
  });

  it('scores at the measured floor with the recognizers only, and hits few hard negatives', async () => {
    const gold = readJsonl<GoldRecord>(SALESFORCE_CORPUS);
    const score = await loadScorer();
    const preds = await predictAll(createClassifier({ salt: 'eval' }), gold);
    expect(score(gold, preds, { types: CHECKSUMMED_TYPES }).micro.overlap.f).toBeGreaterThanOrEqual(0.99);
    expect(score(gold, preds, { types: PATTERN_TYPES }).micro.overlap.f).toBeGreaterThanOrEqual(0.97);
    const all = score(gold, preds);
    expect(all.micro.overlap.f).toBeGreaterThanOrEqual(0.85);
    const hits = Object.values(all.hard_negatives).reduce((n, h) => n + h.hit, 0);
    const total = Object.values(all.hard_negatives).reduce((n, h) => n + h.n, 0);
    expect(hits / total).toBeLessThanOrEqual(0.015);
  });
});
