import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { loadScorer, PRESIDIO_CASES, readJsonl, type GoldRecord } from '../../corpus/gold.js';
import { CHECKSUMMED_TYPES, predictAll } from '../../corpus/predict.js';

/**
 * Presidio's own test data (../shared/eval), scored by the shared scorer. Floors sit just under the figures
 * measured on this code (stated in the README); a regression below them fails.
 */
describe('Presidio test cases, recognizers only', () => {
  it('reaches the measured micro-F1 (overlap), overall and on the checksummed types', async () => {
    const gold = readJsonl<GoldRecord>(PRESIDIO_CASES);
    const score = await loadScorer();
    const classifier = createClassifier({ salt: 'eval' });
    const preds = await predictAll(classifier, gold);

    const checksummed = score(gold, preds, { types: CHECKSUMMED_TYPES }).micro.overlap;
    expect(checksummed.f).toBeGreaterThanOrEqual(0.98);
    const patternTypes = score(gold, preds, {
      types: [...CHECKSUMMED_TYPES, 'EMAIL_ADDRESS', 'PHONE_NUMBER', 'IP_ADDRESS', 'URL', 'PASSPORT', 'DATE_OF_BIRTH'],
    });
    expect(patternTypes.micro.overlap.f).toBeGreaterThanOrEqual(0.97);
    expect(score(gold, preds).micro.overlap.f).toBeGreaterThanOrEqual(0.72);
  });
});
