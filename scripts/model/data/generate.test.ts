import { describe, expect, it } from 'vitest';
import { generate } from './generate.js';
import { DEV } from './templates-dev.js';
import { GENERAL } from './templates-general.js';
import { TRAIN } from './templates-train.js';

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

  it('builds the dev split only from templates the training split never uses', () => {
    const train = new Set([...Object.values(TRAIN).flat(), ...Object.values(GENERAL).flat()]);
    for (const template of Object.values(DEV).flat()) expect(train.has(template)).toBe(false);
  });
});
