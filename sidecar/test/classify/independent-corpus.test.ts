import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HERE, SOURCES, generate, serialize, type Rec } from '../../corpus/independent/generate.js';
import { BAD_CHECKSUM_KINDS, VALIDATORS } from '../../corpus/independent/validate.js';
import { ENTITY_TYPES } from '../../src/contract/entities.js';

/**
 * The independent corpus (sidecar/corpus/independent) — written without reading the first generator or the
 * classifier. Its test split is FROZEN: it is scored once, at the end of the classifier work.
 */
const TEST_SPLIT_SHA256 = 'ee1690b11ce58799ddc33082c2300bc90140c7090129362e116afd3f10693112';

const files = { dev: readFileSync(join(HERE, 'dev.jsonl'), 'utf8'), test: readFileSync(join(HERE, 'test.jsonl'), 'utf8') };
const parse = (s: string): Rec[] =>
  s
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Rec);
const splits = { dev: parse(files.dev), test: parse(files.test) };
const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }): boolean => a.start < b.end && b.start < a.end;

describe('independent corpus', () => {
  it('test.jsonl is frozen (SHA-256 pinned)', () => {
    const sha = createHash('sha256').update(files.test).digest('hex');
    expect(
      sha,
      'sidecar/corpus/independent/test.jsonl is a FROZEN held-out split: it must not change. ' +
        'Do not regenerate, edit or re-pin it; change the generator only in ways that leave test.jsonl byte-identical.',
    ).toBe(TEST_SPLIT_SHA256);
  });

  it('the generator reproduces both committed splits byte for byte', () => {
    const { dev, test } = generate();
    expect(serialize(test) === files.test, 'generate() no longer reproduces the FROZEN test.jsonl').toBe(true);
    expect(serialize(dev) === files.dev, 'generate() no longer reproduces dev.jsonl (regenerate with npx tsx sidecar/corpus/independent/generate.ts)').toBe(
      true,
    );
  }, 120_000);

  it('splits are disjoint and cover six languages, every source and every entity type', () => {
    const devTexts = new Set(splits.dev.map((r) => r.text));
    expect(splits.test.filter((r) => devTexts.has(r.text))).toEqual([]);
    const ids = [...splits.dev, ...splits.test].map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [name, recs] of Object.entries(splits)) {
      expect(recs.length, name).toBeGreaterThanOrEqual(650);
      expect(
        recs.every((r) => r.split === name),
        name,
      ).toBe(true);
      expect(new Set(recs.map((r) => r.lang)), name).toEqual(new Set(['en', 'de', 'fr', 'es', 'it', 'nl']));
      expect(new Set(recs.map((r) => r.source)), name).toEqual(new Set(SOURCES));
      const types = new Set(recs.flatMap((r) => r.entities.map((e) => e.type)));
      for (const t of ENTITY_TYPES) expect(types.has(t), `${name} has no ${t}`).toBe(true);
      const kinds = new Set(recs.flatMap((r) => r.hard_negatives.map((h) => h.kind)));
      for (const k of [
        'order_number',
        'sku',
        'tracking_number',
        'salesforce_id',
        'iso_timestamp',
        'version',
        'brand_name',
        'non_birth_date',
        'card_bad_checksum',
        'iban_bad_checksum',
        'de_tax_id_bad_checksum',
        'sdi_code',
        'vat_number',
        'hex_hash',
        'uuid',
        'base64_image',
        'invalid_phone',
      ])
        expect(kinds.has(k), `${name} has no hard negative ${k}`).toBe(true);
      for (const lang of ['en', 'de', 'fr', 'es', 'it', 'nl']) {
        const lt = new Set(recs.filter((r) => r.lang === lang).flatMap((r) => r.entities.map((e) => e.type)));
        for (const t of [
          'PERSON',
          'EMAIL_ADDRESS',
          'PHONE_NUMBER',
          'LOCATION',
          'DATE_OF_BIRTH',
          'CREDIT_CARD',
          'IBAN_CODE',
          'IP_ADDRESS',
          'URL',
          'PASSPORT',
          'MEDICAL',
          'SECRET',
          'CRYPTO',
        ])
          expect(lt.has(t), `${name}/${lang} has no ${t}`).toBe(true);
      }
    }
  });

  it('spans are inside the text, entities never overlap, hard negatives never overlap entities', () => {
    for (const r of [...splits.dev, ...splits.test]) {
      for (const s of [...r.entities, ...r.hard_negatives]) {
        expect(s.start >= 0 && s.end <= r.text.length && s.start < s.end, r.id).toBe(true);
        expect(r.text.slice(s.start, s.end).trim(), `${r.id}: span with outer whitespace`).toBe(r.text.slice(s.start, s.end));
      }
      const es = [...r.entities].sort((a, b) => a.start - b.start);
      for (let i = 1; i < es.length; i++) expect(es[i]!.start >= es[i - 1]!.end, `${r.id}: overlapping entities`).toBe(true);
      for (const h of r.hard_negatives)
        expect(
          r.entities.some((e) => overlaps(e, h)),
          `${r.id}: hard negative ${h.kind} overlaps an entity`,
        ).toBe(false);
      for (const e of r.entities) expect((ENTITY_TYPES as readonly string[]).includes(e.type), e.type).toBe(true);
    }
  });

  it('every checksummed identifier is valid and every checksum look-alike is invalid (validators independent of the classifier)', () => {
    let checked = 0;
    let rejected = 0;
    for (const r of [...splits.dev, ...splits.test]) {
      for (const e of r.entities) {
        const v = VALIDATORS[e.type];
        if (v) {
          checked++;
          expect(v(r.text.slice(e.start, e.end)), `${r.id} ${e.type} ${r.text.slice(e.start, e.end)}`).toBe(true);
        }
      }
      for (const h of r.hard_negatives) {
        const v = BAD_CHECKSUM_KINDS[h.kind];
        if (v) {
          rejected++;
          expect(v(r.text.slice(h.start, h.end)), `${r.id} ${h.kind} ${r.text.slice(h.start, h.end)}`).toBe(false);
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
    expect(rejected).toBeGreaterThan(100);
  });

  it('the validators agree with published examples', () => {
    expect(VALIDATORS.CREDIT_CARD!('4111 1111 1111 1111')).toBe(true);
    expect(VALIDATORS.CREDIT_CARD!('4111 1111 1111 1112')).toBe(false);
    expect(VALIDATORS.IBAN_CODE!('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(VALIDATORS.IBAN_CODE!('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(VALIDATORS.IBAN_CODE!('DE89 3704 0044 0532 0130 01')).toBe(false);
    expect(VALIDATORS.ES_NIF!('12345678Z')).toBe(true);
    expect(VALIDATORS.ES_NIF!('X1234567L')).toBe(true);
    expect(VALIDATORS.ES_NIF!('12345678A')).toBe(false);
    expect(VALIDATORS.IT_FISCAL_CODE!('RSSMRA85T10A562S')).toBe(true);
    expect(VALIDATORS.IT_FISCAL_CODE!('RSSMRA85T10A562T')).toBe(false);
    expect(VALIDATORS.NL_BSN!('111222333')).toBe(true);
    expect(VALIDATORS.NL_BSN!('111222334')).toBe(false);
    expect(VALIDATORS.FR_NIR!('2 55 08 14 168 025 38')).toBe(true);
    expect(VALIDATORS.DE_TAX_ID!('86095742719')).toBe(true);
    expect(VALIDATORS.DE_TAX_ID!('86095742718')).toBe(false);
    expect(VALIDATORS.UK_NINO!('AB 12 34 56 C')).toBe(true);
    expect(VALIDATORS.UK_NINO!('QQ 12 34 56 C')).toBe(false);
    expect(VALIDATORS.US_SSN!('078-05-1120')).toBe(true);
    expect(VALIDATORS.US_SSN!('666-12-3456')).toBe(false);
    expect(VALIDATORS.CRYPTO!('1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2')).toBe(true);
    expect(VALIDATORS.CRYPTO!('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4')).toBe(true);
    expect(VALIDATORS.CRYPTO!('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed')).toBe(true);
    expect(VALIDATORS.CRYPTO!('0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD')).toBe(false);
  });
});
