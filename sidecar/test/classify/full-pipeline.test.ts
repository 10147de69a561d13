import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClassifier, SHIPPED_MODEL_DIR, type LeakwatchClassifier } from '../../src/classify/index.js';
import { loadScorer, PRESIDIO_CASES, readJsonl, SALESFORCE_CORPUS, type GoldRecord } from '../../corpus/gold.js';
import { predictAll } from '../../corpus/predict.js';

/** The full pipeline with the shipped NER model; floors sit just under the figures measured (stated in the README). */
describe('full pipeline with the shipped NER model', () => {
  let classifier: LeakwatchClassifier;
  beforeAll(async () => {
    classifier = createClassifier({ salt: 'eval', modelDir: SHIPPED_MODEL_DIR });
    await classifier.ready();
  });
  afterAll(() => classifier.close());

  it.each([
    ['Presidio test cases', PRESIDIO_CASES, 0.86] as const,
    ['Salesforce-like corpus', SALESFORCE_CORPUS, 0.94] as const,
  ])('%s: micro-F1 (overlap) at the measured floor', async (_, file, floor) => {
    const gold = readJsonl<GoldRecord>(file);
    const score = await loadScorer();
    expect(score(gold, await predictAll(classifier, gold)).micro.overlap.f).toBeGreaterThanOrEqual(floor);
  });
});
