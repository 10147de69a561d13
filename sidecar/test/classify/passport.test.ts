import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { columnCells, icaoCheckDigitValid, passport } from '../../src/classify/recognizers/passport.js';

const classifier = createClassifier({ salt: 'test-salt' });
const found = async (text: string): Promise<string[]> =>
  (await classifier.classify({ text })).filter((e) => e.type === 'PASSPORT').map((e) => text.slice(e.start, e.end));

describe('passport numbers by issuing country (ICAO 9303 document numbers)', () => {
  it.each([
    // country formats, each next to a context word of one of the six languages
    ['DE', 'Reisepassnummer: C01X00T47', 'C01X00T47'],
    ['DE, one digit', 'Reisepass-Nr. K9RMWZXXT für die Zollerklärung', 'K9RMWZXXT'],
    ['FR', 'numéro de passeport : 18FR45678', '18FR45678'],
    ['IT', 'numero di passaporto YA1234567', 'YA1234567'],
    ['ES', 'número de pasaporte PAA123456', 'PAA123456'],
    ['ES, older', 'nº pasaporte: AAB654321', 'AAB654321'],
    ['NL', 'paspoortnummer NW1K2L3M4', 'NW1K2L3M4'],
    ['NL, one digit', 'paspoortnr.: NXUCXVHW5', 'NXUCXVHW5'],
    ['BE', 'Belgian passport EH123456', 'EH123456'],
    ['AT', 'Reisepass (AT) P1234567', 'P1234567'],
    ['CH', 'Swiss passport X1234567', 'X1234567'],
    ['UK', 'Passport no. 123456789 for the customs form.', '123456789'],
    ['US', 'passport number: 987654321', '987654321'],
    ['US next generation', 'US passport A12345678', 'A12345678'],
    ['PL', 'paszport / passport EA1234567', 'EA1234567'],
    ['PT', 'passport P123456 (Portugal)', 'P123456'],
    ['SE', 'Swedish passport 12345678', '12345678'],
  ])('%s: %s', async (_, text, value) => {
    expect(await found(text)).toEqual([value]);
  });

  it.each([
    ['Pass-Nr. CFGHJ1234 bitte prüfen', 'CFGHJ1234'],
    ['Passnr. K9RMWZXXT', 'K9RMWZXXT'],
    ['Pass: GV9MF8TM8', 'GV9MF8TM8'],
    ['n° de passeport 12AB34567', '12AB34567'],
    ['n. passaporto YA7654321', 'YA7654321'],
    ['travel document AB1234567', 'AB1234567'],
    ['He gave C01X00T47 as his passport.', 'C01X00T47'],
    ['{"passport_no": "YA1234567", "name": "x"}', 'YA1234567'],
    ['{"passportNumber":"12AB34567"}', '12AB34567'],
    ['customerPassportNo=PAA123456', 'PAA123456'],
  ])('context word, abbreviation, key or word after the number: %s', async (text, value) => {
    expect(await found(text)).toEqual([value]);
  });

  it('finds the numbers under a passport column of a table', async () => {
    expect(await found('Name;Passport;City\nJohn;123456789;Leeds\nMary;987654321;York')).toEqual(['123456789', '987654321']);
    expect(await found('Nom,N° passeport,Ville\nJean,12AB34567,Paris')).toEqual(['12AB34567']);
    expect(await found('Vorname\tReisepass_Nr__c\nAnna\tC01X00T47')).toEqual(['C01X00T47']);
  });

  it('reads the document number from a machine-readable zone, checked by its check digit', async () => {
    const mrz = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';
    expect(await found(mrz)).toEqual(['L898902C3']);
    expect(await found(mrz.replace('C36', 'C35'))).toEqual([]);
    expect(icaoCheckDigitValid('L898902C36')).toBe(true);
  });

  it.each([
    'Order no. AB1234567 shipped, passport renewal pending',
    'Bestellnummer 123456789, Reisepass folgt',
    'SKU AB123456 in stock',
    'Tracking 1Z999AA10123456784 passport',
    'Please bring your passport to the appointment.',
    'Artikel AB123456-01 ohne Reisepass',
    'Invoice 123456789 paid',
    'Customer ID YA1234567 updated',
  ])('reports no passport in %s', async (text) => {
    expect(await found(text)).toEqual([]);
  });

  it('needs a context word for a bare shape', () => {
    expect(passport.find('YA1234567').every((s) => s.score < 0.5)).toBe(true);
  });

  it('splits delimited tables into cells with offsets', () => {
    const text = 'a;"Passport"\n1;"X1234567"';
    const cells = columnCells(text, (h) => h === 'Passport');
    expect(cells.map((c) => text.slice(c.start, c.end))).toEqual(['X1234567']);
  });
});
