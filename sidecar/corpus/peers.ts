import { OpenRedaction } from '@openredaction/openredaction';
import { SyncRedactor } from 'redact-pii';
import type { EntityType } from '../src/contract/entities.js';

/** A peer library as the benchmark drives it: text in, typed spans out (offsets in the original string). */
export interface PeerDetector {
  name: string;
  detect(text: string): Array<{ type: EntityType; start: number; end: number }>;
}

/** openredaction's own type names, mapped to the entity vocabulary; types outside it are dropped. */
function openRedactionType(name: string): EntityType | null {
  if (name === 'NAME') return 'PERSON';
  if (name === 'EMAIL') return 'EMAIL_ADDRESS';
  if (name === 'CREDIT_CARD') return 'CREDIT_CARD';
  if (name.startsWith('PHONE')) return 'PHONE_NUMBER';
  if (name === 'IPV4' || name === 'IPV6') return 'IP_ADDRESS';
  if (name === 'IBAN') return 'IBAN_CODE';
  if (name.startsWith('ADDRESS') || name.startsWith('ZIP_CODE') || name === 'POSTCODE_UK') return 'LOCATION';
  if (name.includes('PASSPORT')) return 'PASSPORT';
  if (name === 'SSN') return 'US_SSN';
  if (name === 'NATIONAL_INSURANCE_UK') return 'UK_NINO';
  if (name === 'GERMAN_TAX_ID') return 'DE_TAX_ID';
  if (name === 'FRENCH_SOCIAL_SECURITY') return 'FR_NIR';
  if (name === 'SPANISH_DNI' || name === 'SPANISH_NIE') return 'ES_NIF';
  if (name === 'ITALIAN_FISCAL_CODE') return 'IT_FISCAL_CODE';
  if (name === 'DUTCH_BSN') return 'NL_BSN';
  if (name === 'BITCOIN_ADDRESS' || name === 'ETHEREUM_ADDRESS') return 'CRYPTO';
  if (name === 'DATE_OF_BIRTH') return 'DATE_OF_BIRTH';
  if (name === 'URL') return 'URL';
  if (/API_KEY|SECRET|TOKEN|PASSWORD/.test(name)) return 'SECRET';
  return null;
}

export function openRedaction(): PeerDetector {
  const detector = new OpenRedaction();
  return {
    name: '@openredaction/openredaction',
    detect: (text) =>
      detector.detect(text).detections.flatMap((d) => {
        const type = openRedactionType(d.type);
        return type ? [{ type, start: d.position[0], end: d.position[1] }] : [];
      }),
  };
}

/**
 * redact-pii (default settings) only returns redacted text, with fixed placeholders per built-in; the spans are
 * recovered by aligning the literal text between placeholders with the original.
 */
const REDACT_PII_TYPES: Record<string, EntityType | null> = {
  PERSON_NAME: 'PERSON',
  EMAIL_ADDRESS: 'EMAIL_ADDRESS',
  PHONE_NUMBER: 'PHONE_NUMBER',
  CREDIT_CARD_NUMBER: 'CREDIT_CARD',
  IP_ADDRESS: 'IP_ADDRESS',
  US_SOCIAL_SECURITY_NUMBER: 'US_SSN',
  STREET_ADDRESS: 'LOCATION',
  ZIPCODE: 'LOCATION',
  URL: 'URL',
  USERNAME: 'SECRET',
  PASSWORD: 'SECRET',
  CREDENTIALS: 'SECRET',
  DIGITS: null,
};
const PLACEHOLDER = new RegExp(`(${Object.keys(REDACT_PII_TYPES).join('|')})`);

export function redactPii(): PeerDetector {
  const redactor = new SyncRedactor();
  return {
    name: 'redact-pii',
    detect: (text) => {
      const parts = redactor.redact(text).split(PLACEHOLDER);
      const out: Array<{ type: EntityType; start: number; end: number }> = [];
      let at = 0;
      parts.forEach((part, i) => {
        if (i % 2 === 0) {
          const found = part ? text.indexOf(part, at) : at;
          at = found >= 0 ? found + part.length : at;
          return;
        }
        const next = parts[i + 1] ?? '';
        const found = next ? text.indexOf(next, at + 1) : text.length;
        const end = found < 0 ? text.length : found;
        const type = REDACT_PII_TYPES[part];
        if (type) out.push({ type, start: at, end });
        at = end;
      });
      return out;
    },
  };
}
