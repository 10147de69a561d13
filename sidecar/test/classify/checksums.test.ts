import { describe, expect, it } from 'vitest';
import { elevenProofValid, ibanMod97Valid, luhnValid } from '../../src/classify/checksums.js';
import { base58CheckValid, bech32Valid } from '../../src/classify/recognizers/crypto-wallet.js';
import { deTaxIdValid } from '../../src/classify/recognizers/de-tax-id.js';
import { nifLetterValid } from '../../src/classify/recognizers/es-nif.js';
import { nirKeyValid } from '../../src/classify/recognizers/fr-nir.js';
import { fiscalCodeCheckValid } from '../../src/classify/recognizers/it-fiscal-code.js';
import { icaoCheckDigitValid } from '../../src/classify/recognizers/passport.js';
import { ssnValid } from '../../src/classify/recognizers/us-ssn.js';

describe('checksums', () => {
  it('Luhn accepts card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });

  it('IBAN mod-97', () => {
    expect(ibanMod97Valid('DE89370400440532013000')).toBe(true);
    expect(ibanMod97Valid('GB82WEST12345698765432')).toBe(true);
    expect(ibanMod97Valid('DE89370400440532013001')).toBe(false);
  });

  it('FR NIR key, including Corsica (2A, 2B)', () => {
    expect(nirKeyValid('2550814168025', '38')).toBe(true);
    expect(nirKeyValid('185052A004012', '70')).toBe(true);
    expect(nirKeyValid('285052B004012', '47')).toBe(true);
    expect(nirKeyValid('2550814168025', '39')).toBe(false);
  });

  it('ES DNI and NIE letters', () => {
    expect(nifLetterValid('12345678', 'Z')).toBe(true);
    expect(nifLetterValid('X1234567', 'L')).toBe(true);
    expect(nifLetterValid('12345678', 'A')).toBe(false);
  });

  it('IT codice fiscale check character, including omocodia', () => {
    expect(fiscalCodeCheckValid('RSSMRA85T10A562S')).toBe(true);
    expect(fiscalCodeCheckValid('RSSMRA85T10A56NH')).toBe(true);
    expect(fiscalCodeCheckValid('RSSMRA85T10A562T')).toBe(false);
  });

  it('NL BSN 11-proof', () => {
    expect(elevenProofValid('111222333')).toBe(true);
    expect(elevenProofValid('123456782')).toBe(true);
    expect(elevenProofValid('123456789')).toBe(false);
  });

  it('DE Steuer-ID check digit and digit structure', () => {
    expect(deTaxIdValid('86095742719')).toBe(true);
    expect(deTaxIdValid('86095742718')).toBe(false);
    expect(deTaxIdValid('11111111110')).toBe(false);
  });

  it('US SSN never-issued ranges', () => {
    expect(ssnValid('536', '22', '1234')).toBe(true);
    expect(ssnValid('000', '12', '3456')).toBe(false);
    expect(ssnValid('666', '12', '3456')).toBe(false);
    expect(ssnValid('912', '12', '3456')).toBe(false);
    expect(ssnValid('536', '00', '1234')).toBe(false);
    expect(ssnValid('536', '22', '0000')).toBe(false);
  });

  it('ICAO 9303 check digit of German passport numbers', () => {
    expect(icaoCheckDigitValid('C01234565')).toBe(true);
    expect(icaoCheckDigitValid('C01234566')).toBe(false);
  });

  it('Bitcoin base58check and bech32/bech32m', () => {
    expect(base58CheckValid('1BoatSLRHtKNngkdXEeobR76b53LETtpyT')).toBe(true);
    expect(base58CheckValid('1BoatSLRHtKNngkdXEeobR76b53LETtpyU')).toBe(false);
    expect(bech32Valid('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq')).toBe(true);
    expect(bech32Valid('bc1p5d7rjq7g6rdk2yhzks9smlaqtedr4dekq08ge8ztwac72sfr9rusxg3297')).toBe(true);
    expect(bech32Valid('bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdr')).toBe(false);
  });
});
