import type { EntityType } from '../contract/entities.js';

const COMPACT_TYPES = new Set<EntityType>([
  'CREDIT_CARD',
  'IBAN_CODE',
  'US_SSN',
  'UK_NINO',
  'DE_TAX_ID',
  'FR_NIR',
  'ES_NIF',
  'IT_FISCAL_CODE',
  'NL_BSN',
  'PASSPORT',
]);

/** The canonical form of a value, so that "4111 1111 1111 1111" and "4111-1111-1111-1111" hash alike. */
export function normalizeValue(type: EntityType, value: string): string {
  if (COMPACT_TYPES.has(type)) return value.replace(/[\s.-]/g, '').toUpperCase();
  if (type === 'PHONE_NUMBER') return value.replace(/[^\d+x]/gi, '').toLowerCase();
  if (type === 'SECRET' || type === 'CRYPTO') return value.trim();
  // Printable ASCII (and tabs and line breaks) is its own NFKC form: most values skip the normalisation.
  return (ASCII.test(value) ? value : value.normalize('NFKC')).trim().replace(/\s+/g, ' ').toLowerCase();
}

const ASCII = /^[\t\n\r -~]*$/;
