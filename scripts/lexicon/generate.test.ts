import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildLexicon, LEXICON_FILE, PARTICLES, serialise } from './generate.js';

describe('name lexicon file', () => {
  const built = buildLexicon();

  it('is what the generator writes from the pinned faker and stopwords-iso (run tsx scripts/lexicon/generate.ts)', () => {
    expect(readFileSync(LEXICON_FILE, 'utf8')).toBe(serialise(built));
  });

  it('keeps function words out of the names and name particles out of the function words', () => {
    const functionWords = new Set(built.functionWords);
    expect([...built.given, ...built.surnames].filter((n) => functionWords.has(n.toLowerCase()))).toEqual([]);
    expect(PARTICLES.filter((p) => functionWords.has(p))).toEqual([]);
    expect(built.given.length).toBeGreaterThan(10_000);
    expect(built.surnames.length).toBeGreaterThan(10_000);
  });
});
