import type { EntityType } from '../contract/entities.js';

const DOT = '•';
const isKept = (c: string): boolean => !/[\p{L}\p{N}]/u.test(c);

/** Masks every letter and digit outside [keepStart, keepEnd) counted over letters and digits only. */
function maskAlnum(value: string, keepFirst: number, keepLast: number): string {
  const total = [...value].filter((c) => !isKept(c)).length;
  if (total <= keepFirst + keepLast) return [...value].map((c) => (isKept(c) ? c : DOT)).join('');
  let seen = 0;
  return [...value]
    .map((c) => {
      if (isKept(c)) return c;
      seen += 1;
      return seen <= keepFirst || seen > total - keepLast ? c : DOT;
    })
    .join('');
}

function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  if (at < 1) return maskAlnum(value, 0, 0);
  const domain = value.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const maskedDomain = dot > 0 ? `${DOT.repeat(3)}${domain.slice(dot)}` : DOT.repeat(3);
  // The first character, not the first UTF-16 unit: half of a surrogate pair cannot be stored.
  return `${String.fromCodePoint(value.codePointAt(0) ?? 0x2022)}${DOT.repeat(3)}@${maskedDomain}`;
}

const initials = (value: string): string =>
  value
    .trim()
    .split(/\s+/)
    .map((w) => `${[...w][0] ?? ''}${DOT.repeat(2)}`)
    .join(' ');

/**
 * A rendering of a personal-data value that is safe to store and show (e.g. `4111 •••• •••• 1111`).
 * It keeps layout and at most a few characters that help a reviewer recognise the kind of value, never enough to
 * recover it; secrets keep nothing but their length class.
 */
export function maskValue(type: EntityType, value: string): string {
  switch (type) {
    case 'CREDIT_CARD':
      return maskAlnum(value, 4, 4);
    case 'IBAN_CODE':
      return maskAlnum(value, 4, 2);
    case 'EMAIL_ADDRESS':
      return maskEmail(value);
    case 'PHONE_NUMBER':
      return maskAlnum(value, value.trim().startsWith('+') ? 2 : 0, 2);
    case 'PERSON':
    case 'LOCATION':
      return initials(value);
    case 'URL':
      return value.replace(/^([a-z]+:\/\/)?.*$/is, (_, scheme: string | undefined) => `${scheme ?? ''}${DOT.repeat(6)}`);
    case 'SECRET':
    case 'CRYPTO':
      return DOT.repeat(8);
    case 'MEDICAL':
      return DOT.repeat(6);
    default:
      return maskAlnum(value, 0, 2);
  }
}
