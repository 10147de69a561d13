import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import type { ClassifyInput } from '../../src/contract/entities.js';

const classifier = createClassifier({ salt: 'test-salt' });
const found = async (text: string, field?: ClassifyInput['field']): Promise<string[]> =>
  (await classifier.classify({ text, field })).map((e) => `${e.type}:${text.slice(e.start, e.end)}`);

describe('recognizers', () => {
  it.each([
    ['Card 4111 1111 1111 1111 on file', 'CREDIT_CARD:4111 1111 1111 1111'],
    ['Qty 00 4111 1111 1111 1111 shipped', 'CREDIT_CARD:4111 1111 1111 1111'],
    ['Qty 0000 4111 1111 1111 1111 12 left', 'CREDIT_CARD:4111 1111 1111 1111'],
    ['IBAN: DE89 3704 0044 0532 0130 00.', 'IBAN_CODE:DE89 3704 0044 0532 0130 00'],
    ['N° de sécurité sociale 2 55 08 14 168 025 38', 'FR_NIR:2 55 08 14 168 025 38'],
    ['Mi DNI es 12345678-Z', 'ES_NIF:12345678-Z'],
    ['NIE X1234567L', 'ES_NIF:X1234567L'],
    ['Codice fiscale RSSMRA85T10A562S', 'IT_FISCAL_CODE:RSSMRA85T10A562S'],
    ['Mijn BSN is 111222333', 'NL_BSN:111222333'],
    ['Steuer-ID 86095742719', 'DE_TAX_ID:86095742719'],
    ['NI number AB 12 34 56 C', 'UK_NINO:AB 12 34 56 C'],
    ['SSN 536-22-1234', 'US_SSN:536-22-1234'],
    ['Ruf mich an: +49 30 901820', 'PHONE_NUMBER:+49 30 901820'],
    ['Téléphone : 01 42 68 53 00', 'PHONE_NUMBER:01 42 68 53 00'],
    ['Mail jane.doe@example.com please', 'EMAIL_ADDRESS:jane.doe@example.com'],
    ['from 192.168.10.4 at night', 'IP_ADDRESS:192.168.10.4'],
    ['IPv6 2001:db8::8a2e:370:7334 seen', 'IP_ADDRESS:2001:db8::8a2e:370:7334'],
    ['client ::ffff:192.0.2.128 connected', 'IP_ADDRESS:::ffff:192.0.2.128'],
    ['See https://example.org/path?q=1.', 'URL:https://example.org/path?q=1'],
    ['wallet 1BoatSLRHtKNngkdXEeobR76b53LETtpyT', 'CRYPTO:1BoatSLRHtKNngkdXEeobR76b53LETtpyT'],
    ['key sk_live_4eC39HqLyjWDarjtT1zdp7dc', 'SECRET:sk_live_4eC39HqLyjWDarjtT1zdp7dc'],
    ['password: Tr0ub4dor&3', 'SECRET:Tr0ub4dor&3'],
    ['Mot de passe : Soleil!2024 merci', 'SECRET:Soleil!2024'],
    [
      'sid=00D5g000004CxAB!AQ8AQH0dMHZfz972Szx9W5ZN4Pp5wrdMaYKnFhJ9ePHFz1tW2CdQ3fJj8GMBxiC4m6s2XwmZtDkYQOpWcVbI7uE5tlh1 ok',
      'SECRET:00D5g000004CxAB!AQ8AQH0dMHZfz972Szx9W5ZN4Pp5wrdMaYKnFhJ9ePHFz1tW2CdQ3fJj8GMBxiC4m6s2XwmZtDkYQOpWcVbI7uE5tlh1',
    ],
    [
      'auth eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'SECRET:eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
    ],
    ['ETH 0x52908400098527886E0F7030069857D2E4169EE7', 'CRYPTO:0x52908400098527886E0F7030069857D2E4169EE7'],
    ['Geboren am 12.03.1985 in Köln', 'DATE_OF_BIRTH:12.03.1985'],
    ['Reisepass C01234565 ausgestellt', 'PASSPORT:C01234565'],
    ['Patient mit Diabetes', 'MEDICAL:Diabetes'],
    ['Spoke to Mrs. Olivia Walker today', 'PERSON:Olivia Walker'],
    ['Could someone ring Miss Mills-Parisian back?', 'PERSON:Mills-Parisian'],
    ['Dear Mr McCullough, thank you', 'PERSON:McCullough'],
    ['Bonjour, je suis Pierre Martin.', 'PERSON:Pierre Martin'],
    ['Met vriendelijke groet,\nSanne de Vries', 'PERSON:Sanne de Vries'],
    ['Name:    Abby M. Laidlaw', 'PERSON:Abby M. Laidlaw'],
    ['Gentile Giulia Rossi, grazie', 'PERSON:Giulia Rossi'],
    ["What's your last name? Turgeon", 'PERSON:Turgeon'],
    ['Her maiden name is LeBatelier', 'PERSON:LeBatelier'],
    ['Mein Geburtsname ist Schwarzer.', 'PERSON:Schwarzer'],
    ['"We are moving in that direction," says Gerste.', 'PERSON:Gerste'],
    ['« Nous ne signerons pas », dit Lemaire.', 'PERSON:Lemaire'],
    ['Caitlin Lennox lives at 846 Rue Al Imam', 'PERSON:Caitlin Lennox'],
    ['Ok. Jan Smit woont aan de Kerkstraat 4.', 'PERSON:Jan Smit'],
    ['Send it to 221 Baker Street please', 'LOCATION:221 Baker Street'],
    ['Lieferung an Hauptstraße 12, Berlin', 'LOCATION:Hauptstraße 12'],
    ['Livrer au 8 rue de la Paix', 'LOCATION:8 rue de la Paix'],
    ['Consegnare a Via Garibaldi 17', 'LOCATION:Via Garibaldi 17'],
    ['28245 Puruntie 82, Lappeenranta', 'LOCATION:28245 Puruntie 82'],
    ['Pakken skal til Vesterskovvej 79', 'LOCATION:Vesterskovvej 79'],
    ['Skicka till Hammarvägen 15, Lund', 'LOCATION:Hammarvägen 15'],
    ['Ela mora na Rua Diadema 1903.', 'LOCATION:Rua Diadema 1903'],
    ['Livraison: Rue de Piétrain 371, Jodoigne', 'LOCATION:Rue de Piétrain 371'],
    ['Suite 413, Warwick, United Kingdom', 'LOCATION:United Kingdom'],
    ['Suite 413, Warwick', 'LOCATION:Suite 413'],
  ])('finds %s', async (text, expected) => {
    expect(await found(text)).toContain(expected);
  });

  it.each([
    'Card 4111 1111 1111 1112 on file',
    'IBAN: DE89 3704 0044 0532 0130 01.',
    'N° 2 55 08 14 168 025 39',
    'Mi DNI es 12345678-A',
    'Codice fiscale RSSMRA85T10A562T',
    'Mijn BSN is 123456789',
    'NI number BG 12 34 56 C',
    'SSN 666-22-1234',
    'Updated to version 10.2.3.4 yesterday',
    'Order 100234 shipped on 12.03.1985',
    'Invoice INV-2024-000123, SKU AB-12345-X, tracking 1Z999AA10123456784',
    'Record 0015g00000XyZ12AAB created at 2024-03-05T10:22:11Z',
    'wallet 1BoatSLRHtKNngkdXEeobR76b53LETtpyU',
    'I ordered 2 Pixel 8 and 1 Galaxy S23 Ultra',
    'Sehr geehrte Damen und Herren, Dear Sir or Madam',
  ])('reports nothing in %s', async (text) => {
    expect(await found(text)).toEqual([]);
  });

  it('takes no article after a quote for a name, nor before a verb of living', async () => {
    expect(await found('"No," said The Times.')).toEqual([]);
    expect(await found('The customer lives at Hauptstrasse 5.')).toEqual(['LOCATION:Hauptstrasse 5']);
  });

  it('needs birth context for a date of birth', async () => {
    expect(await found('Delivery on 12.03.1985')).toEqual([]);
    expect(await found('DOB: 12.03.1985')).toEqual(['DATE_OF_BIRTH:12.03.1985']);
  });

  it('gives a birth word to the nearest date only', async () => {
    expect(await found('nata il 1979-06-21 (controllo età), spedito il 2023-02-14')).toEqual(['DATE_OF_BIRTH:1979-06-21']);
    expect(await found('Lieferung am 2023-02-14, geboren am 1979-06-21')).toEqual(['DATE_OF_BIRTH:1979-06-21']);
  });

  it('reads no card in the digits of an IBAN, and a UATP card only when it is named', async () => {
    expect(await found('IBAN (laut Bank ungültig) AT12 4111 1111 1111 1111')).not.toContainEqual(expect.stringMatching(/^CREDIT_CARD/));
    expect(await found('numéro saisi (invalide) 175051234567891')).toEqual([]);
    expect(await found('carte UATP 175051234567891')).toEqual(['CREDIT_CARD:175051234567891']);
  });

  it('reads a card number with a wrong check digit as nothing: not a shorter card, not another identifier', async () => {
    // 6011 7756 7968 8504 fails Luhn; its first twelve digits pass, as a Maestro number would.
    expect(await found('card 6011 7756 7968 8504')).toEqual([]);
    expect(await found('Die alte Nummer 5499-6663-1545-0179 gilt nicht mehr.')).toEqual([]);
    // An American Express number with a wrong check digit whose NIR key passes by chance.
    expect(await found('numéro de carte (refusé, faute de frappe ?) 342201997055551')).toEqual([]);
    expect(await found('kaartnummer (geweigerd, typfout?) 341902058251272')).toEqual([]);
    // A number's own words keep it: the Carte Vitale holds the NIR.
    expect(await found('Carte Vitale 2 55 08 14 168 025 38')).toEqual(['FR_NIR:2 55 08 14 168 025 38']);
  });

  it("reads a bare run of digits as a phone number of the text's own regions only", async () => {
    // Eleven digits without a trunk 0 in a German text: a German tax id with a wrong check digit, not an Italian mobile.
    expect(await found('Bitte prüfen Sie die Nummer, wie sie eingegeben wurde: 33612345678')).toEqual([]);
    expect(await found('Il cliente chiede di essere richiamato al numero 3471234567 domani')).toContain('PHONE_NUMBER:3471234567');
    expect(await found('Bitte rufen Sie die Kundin unter +39 347 1234567 zurück')).toContain('PHONE_NUMBER:+39 347 1234567');
  });

  it('reads a card number after a business word as a card: a PAN is one wherever it is written', async () => {
    // The check digit, an issuer's prefix and length already make an order or ticket number that passes them rare.
    expect(await found('ref\r 4283 2333 1635 2050')).toEqual(['CREDIT_CARD:4283 2333 1635 2050']);
    expect(await found('Order 4111111111111111 paid')).toEqual(['CREDIT_CARD:4111111111111111']);
    expect(await found('Rechnung 5555 5555 5555 4444')).toEqual(['CREDIT_CARD:5555 5555 5555 4444']);
    expect(await found('invoice 1234 5678 9012 3456')).toEqual([]);
    // Inside a longer number, a card's own word after the business word still names it.
    expect(await found('Rechnung Karte 00 4111 1111 1111 1111')).toEqual(['CREDIT_CARD:4111 1111 1111 1111']);
  });

  it("lets a number's own word, after a business word, name it", async () => {
    expect(await found('Voor de factuur gaf ze haar BSN 111222333 door.')).toContain('NL_BSN:111222333');
    expect(await found('Für die Rechnung nannte sie ihre Steuer-ID 86095742719.')).toContain('DE_TAX_ID:86095742719');
  });

  it('reads a dotted run with single-digit groups as a version, even beside a phone word', async () => {
    expect(await found('{"clientVersion":"2.4.31.1187","Phone":"redacted"}')).toEqual([]);
  });

  it('lets field metadata decide the type of the whole value', async () => {
    expect(await found('  +1 415 555 0132 ', { name: 'MobilePhone', type: 'PHONE' })).toEqual(['PHONE_NUMBER:+1 415 555 0132']);
    expect(await found('1985-03-12', { name: 'Birthdate', type: 'DATE' })).toEqual(['DATE_OF_BIRTH:1985-03-12']);
    expect(await found('12 Hauptstraße', { name: 'MailingStreet', type: 'TEXTAREA' })).toEqual(['LOCATION:12 Hauptstraße']);
    expect(await found('078051121', { name: 'SSN__c', type: 'STRING' })).toEqual(['US_SSN:078051121']);
    expect(await found('078051121')).toEqual([]);
  });

  it('honours allow-lists, deny-lists and thresholds', async () => {
    const org = createClassifier({
      salt: 's',
      allow: ['support@acme.example', /^noreply@/],
      deny: [{ type: 'PERSON', pattern: 'Project Falcon' }],
      thresholds: { PHONE_NUMBER: 0.99 },
    });
    const text = 'Write to support@acme.example or noreply@acme.example or jo@x.example re Project Falcon, +49 30 901820';
    const types = (await org.classify({ text })).map((e) => `${e.type}:${text.slice(e.start, e.end)}`);
    expect(types).toEqual(['EMAIL_ADDRESS:jo@x.example', 'PERSON:Project Falcon']);
  });

  it('resolves overlaps: an e-mail address is not also a URL', async () => {
    expect(await found('mail max@shop.example.com now')).toEqual(['EMAIL_ADDRESS:max@shop.example.com']);
  });
});
