import { describe, expect, it } from 'vitest';
import { joinAddressParts } from '../../src/classify/address.js';
import { createClassifier } from '../../src/classify/index.js';
import { addNameShapes, fixNameEdges } from '../../src/classify/ner/name-edges.js';
import { nameLexicon } from '../../src/classify/ner/names.js';
import { namesProduct } from '../../src/classify/ner/products.js';
import type { Span } from '../../src/classify/span.js';
import { tableCells } from '../../src/classify/tabular.js';

const span = (text: string, part: string, type: Span['type'] = 'LOCATION'): Span => {
  const start = text.indexOf(part);
  return { type, start, end: start + part.length, score: 0.9, detector: 'test' };
};

describe('tables with a header row', () => {
  const csv =
    'Id;FirstName;LastName;Birthdate;Tax_Id__c\n00Q39HGzoQyKbHn;Joes;van der Kuypers;2004-05-18;611438665\n00Q40YkiWY5ICFb;Luka;Vos;1955-11-09;274048942';

  it('reads each cell as the field its column names', async () => {
    const found = await createClassifier({ salt: 't' }).classify({ text: csv });
    const typed = found.map((e) => `${e.type}:${csv.slice(e.start, e.end)}`);
    expect(typed).toEqual(
      expect.arrayContaining([
        'PERSON:Joes',
        'PERSON:van der Kuypers',
        'DATE_OF_BIRTH:2004-05-18',
        'NL_BSN:611438665',
        'DATE_OF_BIRTH:1955-11-09',
        'NL_BSN:274048942',
      ]),
    );
    // The header names fields; it holds no personal data.
    expect(found.filter((e) => e.start < csv.indexOf('\n'))).toEqual([]);
  });

  it('keeps quoted cells whole and needs a header of field names and rows of its width', () => {
    const quoted = 'FullName,MailingStreet,MailingCity\nAna Ruiz,"Calle de Alcalá, 119",Madrid';
    const cells = tableCells(quoted)!.map((c) => quoted.slice(c.start, c.end));
    expect(cells).toEqual(['Ana Ruiz', 'Calle de Alcalá, 119', 'Madrid']);
    expect(tableCells('Dear team, thanks, regards\nAna')).toBeNull();
    expect(tableCells('Order;Status;Total\n1;2')).toBeNull();
  });
});

describe('postal addresses as one span', () => {
  it('joins street, postcode, city, province and country on a line, and a street and postcode line', () => {
    const text = 'Spedire a Via Manzoni 49, 40121 Bologna (BO), Italia, grazie.';
    const joined = joinAddressParts(text, [span(text, 'Via Manzoni 49'), span(text, '40121'), span(text, 'Bologna'), span(text, 'Italia')]);
    expect(joined.map((s) => text.slice(s.start, s.end))).toEqual(['Via Manzoni 49, 40121 Bologna (BO), Italia']);
    const twoLines = 'Hauptstraße 5\n10115 Berlin';
    expect(joinAddressParts(twoLines, [span(twoLines, 'Hauptstraße 5'), span(twoLines, '10115 Berlin')]).map((s) => twoLines.slice(s.start, s.end))).toEqual([
      twoLines,
    ]);
  });

  it('takes a province code the model found as a place of its own into the city before it', () => {
    const text = 'Via XX Settembre 88, 30121 Venezia (VE), Italia';
    for (const code of ['VE', 'VE)', '(VE)']) {
      const parts = [span(text, 'Via XX Settembre 88'), span(text, '30121'), span(text, 'Venezia'), span(text, code), span(text, 'Italia')];
      expect(joinAddressParts(text, parts).map((s) => text.slice(s.start, s.end))).toEqual([text]);
    }
  });

  it('takes a postcode found with neither part into the address', () => {
    const text = 'Envío a Calle de Alcalá, 91, 28009 Madrid, por favor.';
    const joined = joinAddressParts(text, [span(text, 'Calle de Alcalá, 91'), span(text, 'Madrid')]);
    expect(joined.map((s) => text.slice(s.start, s.end))).toEqual(['Calle de Alcalá, 91, 28009 Madrid']);
  });

  it('leaves the cells of an export apart: a tab, or a comma with no space after it', () => {
    const csv = 'Milano,Via Cavour 126,20121';
    expect(joinAddressParts(csv, [span(csv, 'Milano'), span(csv, 'Via Cavour 126'), span(csv, '20121')])).toHaveLength(3);
    const tsv = 'Via Manzoni 13\t90133\tPalermo';
    expect(joinAddressParts(tsv, [span(tsv, 'Via Manzoni 13'), span(tsv, '90133'), span(tsv, 'Palermo')])).toHaveLength(3);
  });

  it('leaves a list of places, and a person between two places, apart', () => {
    const text = 'Offices in Paris, Lyon, Marseille.';
    expect(joinAddressParts(text, [span(text, 'Paris'), span(text, 'Lyon'), span(text, 'Marseille')])).toHaveLength(3);
    const mixed = 'Via Roma 1, Anna, Milano';
    expect(joinAddressParts(mixed, [span(mixed, 'Via Roma 1'), span(mixed, 'Anna', 'PERSON'), span(mixed, 'Milano')])).toHaveLength(3);
  });
});

describe('the edges of a name', () => {
  const edges = (text: string, ...parts: Array<[string, Span['type']?]>) =>
    fixNameEdges(
      text,
      parts.map(([p, type]) => span(text, p, type ?? 'PERSON')),
      nameLexicon(),
    ).map((s) => `${s.type}:${text.slice(s.start, s.end)}`);

  it('takes initials, a hyphenated given name the lexicon knows and particles with the surname into the name', () => {
    expect(edges('Unterschrift: C. H. Kautzer, Einkauf', ['Kautzer'])).toEqual(['PERSON:C. H. Kautzer']);
    expect(edges('Kundin Anna-Lena Koch ruft an', ['Koch'])).toEqual(['PERSON:Anna-Lena Koch']);
    expect(edges('Bestellt von John von Wirth am Montag', ['John'])).toEqual(['PERSON:John von Wirth']);
    expect(edges('Pedido de Alberto de la Serrato hoy', ['Alberto'])).toEqual(['PERSON:Alberto de la Serrato']);
  });

  it('joins two halves of a name that only particles divide, and a name in capitals written surname first', () => {
    expect(edges('Commande de Medina du Cailler reçue', ['Medina'], ['Cailler'])).toEqual(['PERSON:Medina du Cailler']);
    expect(edges('NAME=FUCHS, NICOLE;', ['NICOLE'])).toEqual(['PERSON:FUCHS, NICOLE']);
    expect(edges('holder=ORTA GÁMEZ, RODRIGO', ['ORTA GÁMEZ'])).toEqual(['PERSON:ORTA GÁMEZ, RODRIGO']);
    expect(edges('ORDER, NICOLE', ['NICOLE'])).toEqual(['PERSON:NICOLE']);
  });

  it('finds initials before a known surname, and a hyphenated given name with its surname', () => {
    const shapes = (text: string) => addNameShapes(text, [], nameLexicon()).map((s) => text.slice(s.start, s.end));
    expect(shapes('Rückruf an J. L. Schmidt bitte')).toEqual(['J. L. Schmidt']);
    expect(shapes('Kundin Anna-Maria Schmidt und Karl-Heinz warten')).toEqual(['Anna-Maria Schmidt', 'Karl-Heinz']);
    expect(shapes('Coca-Cola and Rolls-Royce, item A. Widget')).toEqual([]);
    expect(shapes('Margaret S. Stouffer of Guidestar')).toEqual(['Margaret S. Stouffer']);
    expect(edges('My name is Jildau S Bouts', ['Jildau'])).toEqual(['PERSON:Jildau S Bouts']);
  });

  it('leaves a hyphenated word that is not a given name, and the span after, alone', () => {
    expect(edges('Service-Team Koch', ['Koch'])).toEqual(['PERSON:Koch']);
    expect(edges('John von Wirth', ['John'], ['von Wirth', 'LOCATION'])).toEqual(['PERSON:John', 'LOCATION:von Wirth']);
  });

  it('splits a name across the cells of an export, and ends one at a line with no name on it', () => {
    expect(edges('Ashlynn\tMetz\t2004-05-18', ['Ashlynn\tMetz'])).toEqual(['PERSON:Ashlynn', 'PERSON:Metz']);
    expect(edges('Saludos,\nJaime Godínez\nCorreo: j@x.example', ['Jaime Godínez\nCorreo'])).toEqual(['PERSON:Jaime Godínez']);
    expect(edges('Cordialement,\nHugo Girard\nTél. 04 15 03 19 91', ['Hugo Girard\nTél'])).toEqual(['PERSON:Hugo Girard']);
  });
});

describe("brands that are people's names", () => {
  it('takes a name before a catalogue noun or between article codes for a product', () => {
    const lines = [
      ['Bestelling #287190 · Kate Spade Polo Shirt (MSF-72166-M)', 'Kate Spade'],
      ['Ref. XZ6622FF – JEAN PAUL GAULTIER POLO SHIRT', 'JEAN PAUL GAULTIER'],
      ['Cod. art. BC3034LJ – KARL LAGERFELD LEATHER BELT', 'KARL LAGERFELD LEATHER BELT'],
      ['Ralph Lauren Wool Scarf (4250.772.43)', 'Ralph Lauren Wool Scarf'],
      ['Paul Smith Eau de Toilette 100 ml', 'Paul Smith'],
    ] as const;
    for (const [text, name] of lines) expect(namesProduct(text, span(text, name, 'PERSON')), text).toBe(true);
  });

  it('leaves people alone', () => {
    const lines = [
      ['Kate Spade called about her order #287190.', 'Kate Spade'],
      ['Chris Rock asked for a refund.', 'Chris Rock'],
      ['Rückruf an Paul Smith, Tel. 030 1234567', 'Paul Smith'],
    ] as const;
    for (const [text, name] of lines) expect(namesProduct(text, span(text, name, 'PERSON')), text).toBe(false);
  });
});
