import type { Classifier } from '../src/contract/entities.js';
import type { GoldRecord, Prediction } from './gold.js';

/** Classifies labelled records in batches and returns predictions in the scorer's format. */
export async function predictAll(classifier: Classifier, gold: readonly GoldRecord[], batchSize = 64): Promise<Prediction[]> {
  const out: Prediction[] = [];
  for (let i = 0; i < gold.length; i += batchSize) {
    const batch = gold.slice(i, i + batchSize);
    const results = await classifier.classifyMany(batch.map((g) => ({ text: g.text, field: g.field })));
    batch.forEach((g, k) => {
      out.push({ id: g.id, entities: results[k]!.map(({ type, start, end, score }) => ({ type, start, end, score })) });
    });
  }
  return out;
}

/** The identifier types whose checksum the recognizers verify. */
export const CHECKSUMMED_TYPES = [
  'CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'UK_NINO', 'DE_TAX_ID', 'FR_NIR', 'ES_NIF', 'IT_FISCAL_CODE', 'NL_BSN', 'CRYPTO',
];
