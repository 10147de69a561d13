import { describe, expect, it } from 'vitest';
import { ENTITY_TYPES } from '../../src/contract/entities.js';
import { languageData, languageFiles, readLanguageFile, type LanguageData, type LanguageLists } from '../../src/classify/language-data.js';

const files = languageFiles().map((name) => [name, readLanguageFile(name)] as const);
const LISTS: LanguageLists[] = ['honorifics', 'particles', 'articles', 'conjunctions', 'businessIds', 'versionNames', 'versionVerbs', 'numberWords'];
/** The entity types the context words cover now: each keeps words when the files change. */
const CONTEXT_TYPES = [
  'CREDIT_CARD',
  'IBAN_CODE',
  'PHONE_NUMBER',
  'US_SSN',
  'UK_NINO',
  'DE_TAX_ID',
  'FR_NIR',
  'ES_NIF',
  'IT_FISCAL_CODE',
  'NL_BSN',
  'PASSPORT',
  'DATE_OF_BIRTH',
  'IP_ADDRESS',
  'CRYPTO',
] as const;
const repeated = (words: string[]): string[] => words.filter((w, i) => words.indexOf(w) !== i);

describe('language data files', () => {
  it('are common.json first, then the six languages (and any added since)', () => {
    expect(files[0]![0]).toBe('common');
    expect(files.map(([name]) => name)).toEqual(expect.arrayContaining(['de', 'en', 'es', 'fr', 'it', 'nl']));
  });

  it.each(files)('%s.json has the same keys as the others and only known entity types', (_, data) => {
    expect(Object.keys(data).sort()).toEqual([...LISTS, 'context'].sort());
    for (const type of Object.keys(data.context)) expect(ENTITY_TYPES, type).toContain(type);
  });

  it.each(files)('%s.json holds lower-case words, none twice in a list', (_, data: LanguageData) => {
    for (const [list, words] of [...LISTS.map((l) => [l, data[l]] as const), ...Object.entries(data.context)]) {
      expect(repeated(words!), list).toEqual([]);
      for (const w of words!) expect(w, list).toBe(w.toLowerCase());
    }
  });

  it('merge into non-empty lists for every table and every context type covered', () => {
    const merged = languageData();
    for (const list of LISTS) expect(merged[list].length, list).toBeGreaterThan(0);
    for (const type of CONTEXT_TYPES) expect(merged.context[type]?.length ?? 0, type).toBeGreaterThan(0);
    expect(repeated(merged.particles)).toEqual([]);
  });
});
