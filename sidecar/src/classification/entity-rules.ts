import type { EntityType } from '../contract/entities.js';
import type { ComplianceGroup, SensitivityLevel } from './levels.js';

interface EntityRule {
  sensitivity: SensitivityLevel;
  compliance: readonly ComplianceGroup[];
  /** Why, in a few words (written into Reason__c). */
  why: string;
}

/** Personal data about a person: identifying (PII), personal data under GDPR Art. 4(1), personal information under CCPA §1798.140. */
const PERSONAL: readonly ComplianceGroup[] = ['PII', 'GDPR', 'CCPA'];

/**
 * From the entity types Leakwatch finds to a Data Sensitivity Level and Compliance Categorization.
 * The one place this mapping lives: change a row here, and suggestions follow at the next refresh.
 *
 * - Contact details and names are personal data that identify someone: Confidential.
 * - Payment cards (PCI DSS cardholder data), bank accounts, government identifiers (GDPR Art. 87
 *   national identification numbers; CCPA "sensitive personal information" lists SSN, passport,
 *   account and card numbers) and health data (GDPR Art. 9 special category; HIPAA PHI) do harm when
 *   they leak: Restricted.
 * - Secrets are not personal data but open the systems they belong to: MissionCritical, no category.
 * - An IP address is an online identifier (GDPR recital 30; CCPA lists it), a URL may carry one:
 *   Internal.
 * COPPA is never suggested: whether a field holds a child's data depends on the audience of the
 * service, which no value shows.
 */
export const ENTITY_RULES: Readonly<Record<EntityType, EntityRule>> = {
  PERSON: { sensitivity: 'Confidential', compliance: PERSONAL, why: 'names identify a person' },
  EMAIL_ADDRESS: { sensitivity: 'Confidential', compliance: PERSONAL, why: 'e-mail addresses identify and reach a person' },
  PHONE_NUMBER: { sensitivity: 'Confidential', compliance: PERSONAL, why: 'phone numbers identify and reach a person' },
  LOCATION: { sensitivity: 'Confidential', compliance: PERSONAL, why: 'addresses locate a person' },
  DATE_OF_BIRTH: { sensitivity: 'Confidential', compliance: PERSONAL, why: 'a birth date helps identify a person' },
  CRYPTO: { sensitivity: 'Confidential', compliance: ['GDPR', 'CCPA'], why: 'wallet addresses are pseudonymous identifiers' },
  IP_ADDRESS: { sensitivity: 'Internal', compliance: ['GDPR', 'CCPA'], why: 'IP addresses are online identifiers' },
  URL: { sensitivity: 'Internal', compliance: [], why: 'URLs may carry identifiers' },
  CREDIT_CARD: { sensitivity: 'Restricted', compliance: ['PII', 'GDPR', 'CCPA', 'PCI'], why: 'card numbers are PCI DSS cardholder data' },
  IBAN_CODE: { sensitivity: 'Restricted', compliance: PERSONAL, why: 'bank account numbers are sensitive financial data' },
  PASSPORT: { sensitivity: 'Restricted', compliance: PERSONAL, why: 'passport numbers are government identifiers' },
  US_SSN: { sensitivity: 'Restricted', compliance: PERSONAL, why: 'SSNs are government identifiers' },
  UK_NINO: { sensitivity: 'Restricted', compliance: PERSONAL, why: 'national insurance numbers are national identifiers' },
  DE_TAX_ID: { sensitivity: 'Restricted', compliance: PERSONAL, why: 'tax ids are national identifiers' },
  FR_NIR: { sensitivity: 'Restricted', compliance: PERSONAL, why: 'NIRs are national identifiers' },
  ES_NIF: { sensitivity: 'Restricted', compliance: PERSONAL, why: 'NIFs are national identifiers' },
  IT_FISCAL_CODE: { sensitivity: 'Restricted', compliance: PERSONAL, why: 'fiscal codes are national identifiers' },
  NL_BSN: { sensitivity: 'Restricted', compliance: PERSONAL, why: 'BSNs are national identifiers' },
  MEDICAL: { sensitivity: 'Restricted', compliance: ['PII', 'GDPR', 'CCPA', 'HIPAA'], why: 'health data: GDPR Art. 9 special category, HIPAA PHI' },
  SECRET: { sensitivity: 'MissionCritical', compliance: [], why: 'credentials open the systems they belong to' },
};
