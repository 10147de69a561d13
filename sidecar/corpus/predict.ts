import type { Classifier } from '../src/contract/entities.js';
import type { GoldRecord, Prediction } from './gold.js';

/**
 * Classifies labelled records in batches and returns predictions in the scorer's format, in input order.
 * `concurrency` batches are in flight at once (for a pool of classification threads).
 */
export async function predictAll(classifier: Classifier, gold: readonly GoldRecord[], batchSize = 64, concurrency = 1): Promise<Prediction[]> {
  const out = new Array<Prediction>(gold.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < gold.length) {
      const from = next;
      next += batchSize;
      const batch = gold.slice(from, from + batchSize);
      const results = await classifier.classifyMany(batch.map((g) => ({ text: g.text, field: g.field })));
      batch.forEach((g, k) => {
        out[from + k] = { id: g.id, entities: results[k]!.map(({ type, start, end, score }) => ({ type, start, end, score })) };
      });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, lane));
  return out;
}

/** The identifier types whose checksum the recognizers verify. */
export const CHECKSUMMED_TYPES = ['CREDIT_CARD', 'IBAN_CODE', 'US_SSN', 'UK_NINO', 'DE_TAX_ID', 'FR_NIR', 'ES_NIF', 'IT_FISCAL_CODE', 'NL_BSN', 'CRYPTO'];
