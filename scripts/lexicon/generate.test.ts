import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NAME_LEXICON_FILE, NAME_PARTICLES } from '../../sidecar/src/classify/ner/names.js';
import { buildLexicon, serialise } from './generate.js';

describe('name lexicon file', () => {
  const built = buildLexicon();

  it('is what the generator writes from the pinned faker and stopwords-iso (run tsx scripts/lexicon/generate.ts)', () => {
    expect(readFileSync(NAME_LEXICON_FILE, 'utf8')).toBe(serialise(built));
  });

  it('keeps a function word as a name only when many languages use it as one; particles are neither', () => {
    const functionWords = new Set(built.functionWords);
    const given = new Set(built.given);
    for (const name of ['Sara', 'Will', 'Mia', 'Anna']) expect(given.has(name), name).toBe(true);
    for (const word of ['Among', 'General', 'Gracias', 'Van', 'De']) expect(given.has(word), word).toBe(false);
    for (const word of ['will', 'sara', 'gracias', 'hello']) expect(functionWords.has(word), word).toBe(true);
    expect(NAME_PARTICLES.filter((p) => functionWords.has(p))).toEqual([]);
    expect(built.given.length).toBeGreaterThan(10_000);
    expect(built.surnames.length).toBeGreaterThan(10_000);
  });
});
