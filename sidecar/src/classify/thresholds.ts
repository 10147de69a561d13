import type { EntityType } from '../contract/entities.js';

export type Thresholds = Partial<Record<EntityType, number>>;

/** Minimum score to report, per type. Scores are calibrated so that 0.5 means "more likely than not". */
const DEFAULT_THRESHOLDS: Readonly<Record<EntityType, number>> = {
  PERSON: 0.5,
  EMAIL_ADDRESS: 0.5,
  PHONE_NUMBER: 0.5,
  CREDIT_CARD: 0.5,
  IBAN_CODE: 0.5,
  IP_ADDRESS: 0.5,
  LOCATION: 0.5,
  DATE_OF_BIRTH: 0.5,
  URL: 0.5,
  CRYPTO: 0.5,
  PASSPORT: 0.5,
  US_SSN: 0.5,
  UK_NINO: 0.5,
  DE_TAX_ID: 0.5,
  FR_NIR: 0.5,
  ES_NIF: 0.5,
  IT_FISCAL_CODE: 0.5,
  NL_BSN: 0.5,
  MEDICAL: 0.5,
  SECRET: 0.5,
};

export const resolveThresholds = (overrides: Thresholds = {}): Record<EntityType, number> => ({
  ...DEFAULT_THRESHOLDS,
  ...overrides,
});
