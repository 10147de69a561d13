import { describe, expect, it } from 'vitest';
import { combinePersonEvidence, LEXICON_SCORES, lexiconPersonCandidates, mayNameSomeone, nameLexicon, trimPersonSpan } from '../../src/classify/ner/names.js';
import type { Span } from '../../src/classify/span.js';

const lexicon = nameLexicon();

/** A model find of `value` (its first occurrence) in `text`. */
const find = (text: string, value: string, score = 0.95, type: Span['type'] = 'PERSON'): Span => {
  const start = text.indexOf(value);
  if (start < 0) throw new Error(`${value} not in ${text}`);
  return { type, start, end: start + value.length, score, detector: 'ner' };
};
const shown = (text: string, spans: Array<Span | null>) => spans.map((s) => (s ? `${s.type}:${text.slice(s.start, s.end)}:${s.score.toFixed(2)}` : null));
/** Type and text of each span, without the score. */
const named = (text: string, spans: Span[]) => spans.map((s) => `${s.type}:${text.slice(s.start, s.end)}`);

describe('name lexicon', () => {
  it('holds given names and surnames of many locales, and the function words of the six languages', () => {
    for (const name of ['Anna', 'Olga', 'Nora', 'Sophie']) expect(lexicon.given.has(name), name).toBe(true);
    for (const name of ['Schmidt', 'Müller']) expect(lexicon.surnames.has(name), name).toBe(true);
    for (const word of ['the', 'you', 'since', 'und', 'nous', 'pero', 'perché', 'niet']) expect(lexicon.functionWords.has(word), word).toBe(true);
    // a name that is also a function word stays a name when many languages' locales list it
    expect(lexicon.given.has('Will') && lexicon.functionWords.has('will')).toBe(true);
    expect(lexicon.given.has('Among')).toBe(false);
  });
});

describe('trimming model PERSON finds', () => {
  it.each([
    ['Akifumi just has to get laid.', 'Akifumi just', 'Akifumi'],
    ['"Leave it," says Joly.', 'says Joly', 'Joly'],
    ['I would like to remove my kid Tadzio from the will.', 'kid Tadzio', 'Tadzio'],
    ['Willemine ten Pas will be talking', 'Willemine ten Pas will', 'Willemine ten Pas'],
    ['Ask van Dijk about it', 'Ask van Dijk', 'van Dijk'],
    // forms of address are not part of the name, in any case
    ['Qualcuno può richiamare Dott. Rossi?', 'Dott. Rossi', 'Rossi'],
    ['POUVEZ-VOUS RAPPELER DR ROGER AU 0466944272 ?', 'DR ROGER', 'ROGER'],
    // a find cut at a hyphen or inside a word is widened to the whole word
    ['Could someone ring Miss Mills-Parisian back?', 'Mills-', 'Mills-Parisian'],
    ['Please call McCullough', 'McCull', 'McCullough'],
    // all lower case: the words stay, nothing tells names from words
    ['have you heard olga krylova speak yet?', 'olga krylova', 'olga krylova'],
  ])('%s: %s becomes %s', (text, value, expected) => {
    const trimmed = trimPersonSpan(text, find(text, value), lexicon);
    expect(trimmed && text.slice(trimmed.start, trimmed.end)).toBe(expected);
  });

  it.each([
    ['Carla: You saved my life!', 'You saved'],
    ['It was founded in 1971. Since then, it has grown.', 'Since then'],
    ["So where are we meeting? There's a new place", 'There'],
  ])('%s: %s is no name', (text, value) => {
    expect(trimPersonSpan(text, find(text, value), lexicon)).toBeNull();
  });
});

describe('lexicon names', () => {
  it.each([
    ['Please call Anna Schmidt back.', ['PERSON:Anna Schmidt:0.70']],
    ['PLEASE CALL ANNA SCHMIDT BACK.', ['PERSON:ANNA SCHMIDT:0.65']],
    ['please call anna schmidt back.', ['PERSON:anna schmidt:0.55']],
    ['Karin M. Beike will join', ['PERSON:Karin M. Beike:0.45']],
    ['Nora is very reliable.', ['PERSON:Nora:0.50']],
    ['Erik, Amy and Nathaniel.', ['PERSON:Erik:0.50', 'PERSON:Amy:0.50', 'PERSON:Nathaniel:0.50']],
    ["As promised, here's Matej's address", ['PERSON:Matej:0.50']],
    // a given name inside a product name is only a hint, for the model to confirm
    ['The Model Sophie Desk is back in stock.', ['PERSON:Sophie Desk:0.45']],
    ['will you call me', []],
    ['Will you call me? May I ask?', []],
    ['Will Smith and Sara Schwarz called.', ['PERSON:Will Smith:0.70', 'PERSON:Sara Schwarz:0.70']],
    ['Van: jeroen.visser@example.com', []],
    ['Ana', ['PERSON:Ana:0.50']],
    ['Jo and Al', []],
  ])('%s', (text, expected) => {
    expect(shown(text, lexiconPersonCandidates(text, lexicon))).toEqual(expected);
  });

  it('scores below the PERSON threshold (0.5) unless the writing or a surname vouches for the name', () => {
    expect(LEXICON_SCORES.partial).toBeLessThan(0.5);
    expect(LEXICON_SCORES.alone).toBeLessThan(0.5);
    expect(LEXICON_SCORES.pair).toBeGreaterThan(LEXICON_SCORES.lowerPair);
  });
});

describe('weighing model finds with the lexicon', () => {
  const options = { modelThreshold: 0.85, unknownNameThreshold: 0.9, knownNameThreshold: 0.35 };

  it('lets a known name pass a lower bar than an unknown word, and joins a lexicon name beside a model find', () => {
    const text = 'Stefanie F. Schneider met Zoolander and Karin M. Beike.';
    const spans = combinePersonEvidence(text, [find(text, 'Stefanie F', 0.4), find(text, 'Zoolander', 0.88), find(text, 'Karin M', 0.6)], lexicon, options);
    expect(shown(text, spans)).toEqual(['PERSON:Stefanie F. Schneider:0.82', 'PERSON:Karin M. Beike:0.78']);
  });

  it('reads an address block: the full name above the street is the recipient, a line below it the town', () => {
    const text = '> Duqyaha Karataev\n> Onvia\n> 3657 Laukaantie 80\n> Pines Beach\n> Finland 80896';
    const model = [
      find(text, 'Duqyaha Karataev', 0.72),
      find(text, 'Onvia', 0.72),
      find(text, '3657 Laukaantie 80', 0.99, 'LOCATION'),
      find(text, 'Pines Beach', 0.72),
      find(text, 'Finland 80896', 0.99, 'LOCATION'),
    ];
    expect(named(text, combinePersonEvidence(text, model, lexicon, options)).filter((s) => s.startsWith('PERSON'))).toEqual(['PERSON:Duqyaha Karataev']);
    const block = '??? Linneo Medrano\n??? 79367 Nybyvägen 65\n??? Suite 824\n??? ANKARSRUM\n??? Sweden 67626';
    const town = [find(block, 'ANKARSRUM', 0.94), find(block, '79367 Nybyvägen 65', 0.99, 'LOCATION'), find(block, 'Sweden', 0.9, 'LOCATION')];
    expect(named(block, combinePersonEvidence(block, town, lexicon, options))).toContain('LOCATION:ANKARSRUM');
    // a signature below a message that gives an address in a sentence is a person
    const message = 'Lieferadresse geändert auf Hauptstrasse 178, 4051 Basel.\n-- Johanna';
    const signed = [find(message, 'Hauptstrasse 178', 0.99, 'LOCATION'), find(message, 'Johanna', 0.95)];
    expect(named(message, combinePersonEvidence(message, signed, lexicon, options))).toContain('PERSON:Johanna');
    const prose = 'We met Duqyaha Karataev at 3657 Laukaantie 80 yesterday.';
    expect(
      combinePersonEvidence(prose, [find(prose, 'Duqyaha Karataev', 0.72), find(prose, '3657 Laukaantie 80', 0.99, 'LOCATION')], lexicon, options),
    ).toHaveLength(1);
  });

  it('completes a list of given names, and leaves one the model reads as places, or months, alone', () => {
    const lower = 'they had 6: silvana, adam, christopher, kristina, chad and caleb.';
    const people = named(lower, combinePersonEvidence(lower, [find(lower, 'adam', 0.6, 'LOCATION')], lexicon, options));
    expect(people).toEqual(['PERSON:silvana', 'PERSON:adam', 'PERSON:christopher', 'PERSON:kristina', 'PERSON:chad', 'PERSON:caleb']);
    const cities = 'Ci vediamo a Roma, Milano o Torino.';
    const model = [find(cities, 'Roma', 0.99, 'LOCATION'), find(cities, 'Milano', 0.99, 'LOCATION'), find(cities, 'Torino', 0.87, 'LOCATION')];
    expect(named(cities, combinePersonEvidence(cities, model, lexicon, options))).toEqual(['LOCATION:Roma', 'LOCATION:Milano', 'LOCATION:Torino']);
    const months = 'closed in may, june and july';
    // the lexicon's own lone lower-case "june" stays under the PERSON threshold (0.5): the list does not raise it
    expect(combinePersonEvidence(months, [], lexicon, options).filter((s) => s.type === 'PERSON' && s.score >= 0.5)).toEqual([]);
  });

  it('takes no nationality, company, street named after someone, place after a place cue or titled "the" for a person', () => {
    const persons = (text: string, value: string, score = 0.95) =>
      named(text, combinePersonEvidence(text, [find(text, value, score)], lexicon, options)).filter((s) => s.startsWith('PERSON'));
    expect(persons('Persint is an Hungarian multinational bank', 'Hungarian')).toEqual([]);
    expect(persons('Call Golden Helix Orchestra today', 'Golden Helix Orchestra')).toEqual([]);
    expect(persons('The bus stops at the corner of Mathias Pass.', 'Mathias Pass')).toEqual([]);
    expect(
      named(
        'Mr. Kozlowski flew to Suurküla on Monday.',
        combinePersonEvidence('Mr. Kozlowski flew to Suurküla on Monday.', [find('Mr. Kozlowski flew to Suurküla on Monday.', 'Suurküla')], lexicon, options),
      ),
    ).toEqual(['LOCATION:Suurküla']);
    expect(persons('The Princess Royal arrived this morning.', 'Princess Royal', 0.7)).toEqual([]);
    // a surname after "the" is a family or a name; someone's party after "went to" is someone's
    expect(persons("We went to Anna Schmidt's party.", 'Anna Schmidt')).toEqual(['PERSON:Anna Schmidt']);
    expect(persons('Ask the Anna Schmidt from accounts', 'Anna Schmidt')).toEqual(['PERSON:Anna Schmidt']);
  });

  it('drops model finds of other types below the model threshold; a likely place still speaks against a lone name', () => {
    const text = 'Le livreur a laissé le carton à Maria, 599 place de Vaugirard.';
    const unsure = combinePersonEvidence(text, [find(text, 'Maria', 0.45, 'LOCATION'), find(text, 'Vaugirard', 0.97, 'LOCATION')], lexicon, options);
    expect(shown(text, unsure)).toEqual(['LOCATION:Vaugirard:0.97', 'PERSON:Maria:0.50']);
    const likely = combinePersonEvidence(text, [find(text, 'Maria', 0.7, 'LOCATION'), find(text, 'Vaugirard', 0.97, 'LOCATION')], lexicon, options);
    expect(shown(text, likely)).toEqual(['LOCATION:Vaugirard:0.97']);
  });

  it('reads a "place" that is a full name as the person, and keeps streets named after people', () => {
    const text = 'Consegnare a Chiara Marino, Via Giuseppe Verdi 67, Genova.';
    const spans = combinePersonEvidence(
      text,
      [find(text, 'Chiara Marino,', 0.96, 'LOCATION'), find(text, 'Via Giuseppe Verdi 67', 0.97, 'LOCATION')],
      lexicon,
      options,
    );
    expect(shown(text, spans)).toEqual(['PERSON:Chiara Marino:0.70', 'LOCATION:Via Giuseppe Verdi 67:0.97']);
  });

  it('reads one unknown word before a colon as a label, and keeps a known name there', () => {
    const text = 'Visitatore: salve, sono Vitali\nBianca: grazie. Betreff: Zahlung';
    const spans = combinePersonEvidence(
      text,
      [find(text, 'Visitatore', 0.98), find(text, 'Vitali', 0.97), find(text, 'Bianca', 0.99), find(text, 'Betreff', 0.97)],
      lexicon,
      options,
    );
    expect(named(text, spans)).toEqual(['PERSON:Vitali', 'PERSON:Bianca']);
  });

  it('reads one unknown word after an article as a noun, unless a particle makes the article part of a name', () => {
    const text = 'Der Kurier hat das Paket bei Laura abgegeben. The Courier phoned van der Kwakkelsteijn.';
    const spans = combinePersonEvidence(
      text,
      [find(text, 'Kurier', 0.98), find(text, 'Laura', 0.9), find(text, 'Courier', 0.97), find(text, 'Kwakkelsteijn', 0.95)],
      lexicon,
      options,
    );
    expect(named(text, spans)).toEqual(['PERSON:Laura', 'PERSON:Kwakkelsteijn']);
  });

  it('joins "Surname, Given" into one name, but not the items of a list', () => {
    const text = 'Laut Schowalter, Eudora verzögert sich die Lieferung. Ward, Anna and Tom agreed.';
    const spans = combinePersonEvidence(
      text,
      [find(text, 'Schowalter', 0.95), find(text, 'Eudora', 0.9), find(text, 'Ward', 0.95), find(text, 'Anna', 0.95), find(text, 'Tom', 0.95)],
      lexicon,
      options,
    );
    expect(named(text, spans)).toEqual(['PERSON:Schowalter, Eudora', 'PERSON:Ward', 'PERSON:Anna', 'PERSON:Tom']);
  });

  it('drops model finds that are function words', () => {
    const text = 'Ask Anna.';
    expect(shown(text, combinePersonEvidence(text, [find(text, 'Ask', 0.99)], lexicon, options))).toEqual(['PERSON:Anna:0.50']);
  });
});

describe('texts the model reads', () => {
  it.each([
    ['Customer Anna called', true],
    ['my iPhone broke', true],
    ['SHIP TO BERLIN', true],
    ['please call anna back', true],
    ['My card is 4111 1111 1111 1111 and The code is 123', false],
    ['the parcel never arrived', false],
  ])('%s: %s', (text, expected) => {
    expect(mayNameSomeone(text, lexicon)).toBe(expected);
  });
});
