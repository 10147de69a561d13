import { describe, expect, it } from 'vitest';
import { hashValue, maskValue } from '../../src/classify/index.js';

describe('maskValue', () => {
  it.each([
    ['CREDIT_CARD', '4111 1111 1111 1111', '4111 •••• •••• 1111'],
    ['IBAN_CODE', 'DE89 3704 0044 0532 0130 00', 'DE89 •••• •••• •••• •••• 00'],
    ['EMAIL_ADDRESS', 'jane.doe@example.com', 'j•••@•••.com'],
    ['PHONE_NUMBER', '+49 30 901820', '+49 •• ••••20'],
    ['PERSON', 'Jane Doe', 'J•• D••'],
    ['US_SSN', '536-22-1234', '•••-••-••34'],
    ['SECRET', 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', '••••••••'],
    ['URL', 'https://example.org/private?q=1', 'https://••••••'],
  ] as const)('%s %s → %s', (type, value, masked) => {
    expect(maskValue(type, value)).toBe(masked);
  });

  it('never returns a value that contains the original', () => {
    for (const type of ['CREDIT_CARD', 'PHONE_NUMBER', 'NL_BSN', 'MEDICAL', 'LOCATION'] as const) {
      expect(maskValue(type, '1234567')).not.toContain('1234567');
    }
    expect(maskValue('US_SSN', '12')).toBe('••');
  });
});

describe('hashValue', () => {
  it('is a salted SHA-256 of the normalised value', () => {
    const a = hashValue('CREDIT_CARD', '4111 1111 1111 1111', 'org-a');
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(hashValue('CREDIT_CARD', '4111-1111-1111-1111', 'org-a')).toBe(a);
    expect(hashValue('CREDIT_CARD', '4111 1111 1111 1111', 'org-b')).not.toBe(a);
    expect(hashValue('EMAIL_ADDRESS', 'Jane@Example.com ', 'org-a')).toBe(hashValue('EMAIL_ADDRESS', 'jane@example.com', 'org-a'));
    expect(hashValue('SECRET', 'Abc12345', 'org-a')).not.toBe(hashValue('SECRET', 'abc12345', 'org-a'));
  });
});
