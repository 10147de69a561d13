import { describe, expect, it } from 'vitest';
import { createClassifier } from '../../src/classify/index.js';
import { compileEntry, medical, medicalFiles, readMedicalFile } from '../../src/classify/recognizers/medical.js';

/** The MEDICAL finds (score at or above the threshold) as the text they cover. */
const found = (text: string): string[] =>
  medical
    .find(text)
    .filter((s) => s.score >= 0.5)
    .map((s) => text.slice(s.start, s.end));

describe('medical lexicons', () => {
  it('has one file per language plus common, each entry compiling to a valid expression', () => {
    expect(medicalFiles()).toEqual(['common', 'de', 'en', 'es', 'fr', 'it', 'nl']);
    for (const name of medicalFiles()) {
      const data = readMedicalFile(name);
      for (const [key, entries] of Object.entries(data)) {
        for (const e of entries as string[]) {
          expect(() => new RegExp(compileEntry(e, { bodyParts: 'x', allergens: 'y' }), 'u'), `${name}.${key}: ${e}`).not.toThrow();
          expect(e, `${name}.${key}: ${e}`).toBe(e.trim());
        }
      }
    }
  });

  it('compiles the pattern syntax', () => {
    expect(new RegExp(`^${compileEntry('*krebs')}$`, 'iu').test('Brustkrebs')).toBe(true);
    expect(new RegExp(`^${compileEntry('*krebs')}$`, 'iu').test('Krebs')).toBe(true);
    expect(new RegExp(`^${compileEntry('long covid')}$`, 'iu').test('long-COVID')).toBe(true);
    expect(new RegExp(`^${compileEntry('allerg(y|ies)')}$`, 'iu').test('allergies')).toBe(true);
    expect(new RegExp(`^${compileEntry('typ-#-diabetes')}$`, 'iu').test('Typ-2-Diabetes')).toBe(true);
    expect(new RegExp(`^${compileEntry("l'épaule")}$`, 'iu').test('l’épaule')).toBe(true);
  });
});

describe('medical recognizer', () => {
  it('finds every plain condition, procedure and disability of every lexicon, and an optional last letter either way', () => {
    const plain = medicalFiles()
      .map(readMedicalFile)
      .flatMap((f) => [...(f.conditions ?? []), ...(f.procedures ?? []), ...(f.disabilities ?? [])])
      .filter((e) => /^[\p{L}' ]+$/u.test(e));
    expect(plain.length).toBeGreaterThan(500);
    const missed = plain.filter((e) => !found(`note: ${e}.`).some((f) => f.toLowerCase().includes(e.toLowerCase())));
    expect(missed).toEqual([]);
    expect(found('he has ulcers')).toEqual(['ulcers']);
  });

  it('finds conditions in six languages, with compounds and multi-word names', () => {
    expect(found('He was diagnosed with type 2 diabetes last year')).toEqual(['type 2 diabetes']);
    expect(found('Sie hat Bluthochdruck und Zöliakie')).toEqual(['Bluthochdruck', 'Zöliakie']);
    expect(found('Meine Mutter hatte Brustkrebs')).toEqual(['Brustkrebs']);
    expect(found('Son fils a la maladie de Crohn')).toEqual(['la maladie de Crohn']);
    expect(found('Mi hija tiene una enfermedad celíaca')).toEqual(['una enfermedad celíaca']);
    expect(found('Mio padre soffre di sclerosi multipla')).toEqual(['sclerosi multipla']);
    expect(found('Mijn man heeft de ziekte van Parkinson')).toEqual(['de ziekte van Parkinson']);
    expect(found('Il souffre de burn-out depuis mars')).toEqual(['burn-out']);
  });

  it('finds procedures by body part and disabilities', () => {
    expect(found('Kunde hatte eine Knie-OP und kann nicht tragen')).toEqual(['eine Knie-OP']);
    expect(found('sort d’une opération du genou')).toEqual(['une opération du genou']);
    expect(found('se recupera de una operación de rodilla')).toEqual(['una operación de rodilla']);
    expect(found('ha appena fatto un intervento al ginocchio')).toEqual(['un intervento al ginocchio']);
    expect(found('herstelt van een knieoperatie')).toEqual(['een knieoperatie']);
    expect(found('Customer is a wheelchair user')).toEqual(['a wheelchair user']);
    expect(found('Kundin ist sehbehindert')).toEqual(['sehbehindert']);
    expect(found('Klant is visueel gehandicapt')).toEqual(['visueel gehandicapt']);
    expect(found('Victoria está con discapacidad visual')).toEqual(['con discapacidad visual']);
  });

  it('covers an allergy phrase with its allergen and article', () => {
    expect(found('Important: a severe peanut allergy, no nuts')).toEqual(['a severe peanut allergy']);
    expect(found('Er hat eine Allergie gegen Nüsse')).toEqual(['eine Allergie gegen Nüsse']);
    expect(found('Wichtig: Nussallergie!')).toEqual(['Nussallergie']);
    expect(found('Important : une allergie aux arachides')).toEqual(['une allergie aux arachides']);
    expect(found('tiene alergia a la penicilina')).toEqual(['alergia a la penicilina']);
    expect(found('ha un’allergia alle arachidi')).toEqual(['un’allergia alle arachidi']);
    expect(found('heeft een pinda-allergie')).toEqual(['een pinda-allergie']);
    expect(found('intolerancia a la lactosa')).toEqual(['intolerancia a la lactosa']);
  });

  it('finds pregnancy with its month', () => {
    expect(found('Sie ist im 7. Monat schwanger')).toEqual(['im 7. Monat schwanger']);
    expect(found('she is 6 months pregnant')).toEqual(['6 months pregnant']);
    expect(found('elle est enceinte de 5 mois')).toEqual(['enceinte de 5 mois']);
  });

  it('finds medications and drug classes across spellings, with the dose', () => {
    expect(found('He is on sertraline 50 mg and needs the cool pack')).toEqual(['sertraline 50 mg']);
    expect(found('Sie nimmt Metformin')).toEqual(['Metformin']);
    expect(found('Il prend de la metformine')).toEqual(['de la metformine']);
    expect(found('toma levotiroxina cada mañana')).toEqual(['levotiroxina']);
    expect(found('il marito prende eparina')).toEqual(['eparina']);
    expect(found('mijn vader gebruikt Sintrom')).toEqual(['Sintrom']);
    expect(found('Er nimmt Blutverdünner')).toEqual(['Blutverdünner']);
    expect(found('Il prend de l’insuline')).toEqual(['de l’insuline']);
  });

  it('does not take a preposition of another language for an article', () => {
    expect(found('Julika leidet an Asthma')).toEqual(['Asthma']);
    expect(found('nota: diagnóstico de hipertensión')).toEqual(['hipertensión']);
    expect(found('he has an ulcer')).toEqual(['an ulcer']);
  });

  it('ignores medicines on stock and catalogue lines', () => {
    expect(found('Lagerartikel SKU-4411 Ibuprofen 400 mg x12')).toEqual([]);
    expect(found('Stock: Paracetamol 500 mg x32, EAN 4006381333931')).toEqual([]);
    expect(found('Inventaire : Doliprane 1000 mg, quantité 40')).toEqual([]);
  });

  it('leaves look-alikes alone', () => {
    expect(found('numéro saisi (invalide) 185104421167901')).toEqual([]);
    expect(found('at the corner of Main Street and Philip Bypass')).toEqual([]);
    expect(found('Ms Taylor asked about the terms and conditions')).toEqual([]);
    expect(found('Als het pakket niet komt, bel ons')).toEqual([]);
    expect(found('Das ist ein Zucker-Sirup, der Vertragsbruch wurde gemeldet')).toEqual([]);
  });

  it('is reported by the classifier', async () => {
    const classifier = createClassifier({ salt: 'test' });
    const result = await classifier.classify({ text: 'Kunde ist nach einer Chemotherapie nicht mobil' });
    await classifier.close?.();
    expect(JSON.stringify(result)).toContain('MEDICAL');
  });
});
