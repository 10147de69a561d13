import { writeFileSync } from 'node:fs';
import type { EntityType, FieldHint } from '../src/contract/entities.js';
import type { GoldRecord } from './gold.js';
import { SALESFORCE_CORPUS } from './gold.js';
import * as id from './identifiers.js';
import { LEXICONS, type Lang } from './lexicon.js';
import { Random } from '../src/synthetic/random.js';
import { LOG_TEMPLATES, TEMPLATES, type RecordKind } from './templates.js';

/**
 * Generates the labelled Salesforce-like corpus (Case descriptions, email-to-case, delivery notes, chat transcripts,
 * integration-log JSON and single field values) in six languages, with hard negatives. Seeded: the same seed
 * gives the same file.  npx tsx sidecar/corpus/generate.ts
 */
export const SEED = 20261123;
const LANGS: Lang[] = ['en', 'de', 'fr', 'es', 'it', 'nl'];
const TEXT_RECORDS_PER_LANG = 100;
const FIELD_RECORDS_PER_LANG = 20;

type Slot = { value: string; type: EntityType } | { value: string; negative: string };

const ascii = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
const NAT_ID: Record<Lang, { type: EntityType; make: (r: Random, valid?: boolean) => string }> = {
  en: { type: 'US_SSN', make: id.usSsn },
  de: { type: 'DE_TAX_ID', make: id.deTaxId },
  fr: { type: 'FR_NIR', make: id.frNir },
  es: { type: 'ES_NIF', make: id.esNif },
  it: { type: 'IT_FISCAL_CODE', make: id.itFiscalCode },
  nl: { type: 'NL_BSN', make: id.nlBsn },
};
const PRODUCTS = [
  'Galaxy S23 Ultra',
  'iPhone 15 Pro',
  'ThinkPad X1 Carbon',
  'Dyson V15 Detect',
  'Bosch Serie 6',
  'PlayStation 5',
  'Kindle Paperwhite',
  'Philips Hue Go',
];
const DOMAINS = ['gmail.com', 'outlook.com', 'web.de', 'orange.fr', 'libero.it', 'ziggo.nl', 'yahoo.es', 'example.org'];

class RecordBuilder {
  private readonly people: { first: string; last: string };

  constructor(
    private readonly r: Random,
    private readonly lang: Lang,
  ) {
    const lex = LEXICONS[lang];
    this.people = { first: r.pick(lex.firstNames), last: r.pick(lex.lastNames) };
  }

  private date(minYear: number, maxYear: number): string {
    return LEXICONS[this.lang].date(this.r.int(1, 28), this.r.int(1, 12), this.r.int(minYear, maxYear));
  }

  slot(name: string): Slot {
    const { r, lang } = this;
    const lex = LEXICONS[lang];
    const { first, last } = this.people;
    switch (name) {
      case 'person':
        return { value: `${first} ${last}`, type: 'PERSON' };
      case 'first':
        return { value: first, type: 'PERSON' };
      case 'email':
        return { value: `${ascii(first)}.${ascii(last)}${r.chance(0.3) ? r.int(1, 99) : ''}@${r.pick(DOMAINS)}`, type: 'EMAIL_ADDRESS' };
      case 'phone':
        return { value: id.phone(r, r.pick(lex.regions)), type: 'PHONE_NUMBER' };
      case 'card':
        return { value: id.creditCard(r), type: 'CREDIT_CARD' };
      case 'iban':
        return { value: id.iban(r, lex.ibanCountry), type: 'IBAN_CODE' };
      case 'natid':
        return { value: NAT_ID[lang].make(r), type: NAT_ID[lang].type };
      case 'dob':
        return { value: this.date(1940, 2004), type: 'DATE_OF_BIRTH' };
      case 'street':
        return { value: lex.address(r.pick(lex.streets), r.int(1, 120)), type: 'LOCATION' };
      case 'city':
        return { value: r.pick(lex.cities), type: 'LOCATION' };
      case 'ip':
        return {
          value: r.chance(0.8)
            ? `${r.int(11, 223)}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`
            : `2a02:${r.int(4096, 65535).toString(16)}:${r.int(1, 65535).toString(16)}::${r.int(1, 4095).toString(16)}`,
          type: 'IP_ADDRESS',
        };
      case 'url':
        return { value: `https://www.linkedin.com/in/${ascii(first)}-${ascii(last)}`, type: 'URL' };
      case 'passport':
        return { value: `${r.pick(['C', 'F', 'G', 'X', 'Y'])}${r.pick(['C', 'F', 'G', 'H', 'J', 'K'])}${r.digits(7)}`, type: 'PASSPORT' };
      case 'medical':
        return { value: r.pick(lex.medical), type: 'MEDICAL' };
      case 'secret':
        return { value: r.pick(['Sommer2024!', 'Blau#Haus93', 'Tr0ub4dor&3', 'Qwerty!2025', 'Paris_1789x']), type: 'SECRET' };
      case 'token':
        return {
          value: r.chance(0.5)
            ? `sk_live_${r.digits(6)}ABcdEF${r.digits(12)}`
            : `eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.${r.digits(8)}dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U`,
          type: 'SECRET',
        };
      case 'order':
        return { value: r.pick([`ORD-${r.int(2020, 2025)}-${r.digits(6)}`, `${r.int(1, 9)}${r.digits(8)}`, `#A-${r.digits(6)}`]), negative: 'order_number' };
      case 'sku':
        return { value: r.pick([`${r.pick(['AB', 'XK', 'TR'])}-${r.digits(5)}-${r.pick(['X', 'BLK', 'M'])}`, `SKU-${r.digits(6)}`]), negative: 'sku' };
      case 'tracking':
        return { value: r.pick([`1Z${r.digits(3)}AA1${r.digits(11)}`, `JJD00${r.digits(16)}`, `00${r.digits(18)}`]), negative: 'tracking_number' };
      case 'recordid':
        return { value: id.salesforceId(r, r.pick(['500', '006', '001', '003', 'a0B'])), negative: 'salesforce_id' };
      case 'invoice':
        return {
          value: r.pick([`INV-${r.int(2020, 2025)}-${r.digits(6)}`, `RE-${r.int(2020, 2025)}-${r.digits(4)}`, `F${r.int(2020, 2025)}/${r.digits(5)}`]),
          negative: 'invoice_number',
        };
      case 'timestamp':
        return {
          value: `${r.int(2020, 2025)}-0${r.int(1, 9)}-${r.int(10, 28)}T${r.int(10, 23)}:${r.int(10, 59)}:${r.int(10, 59)}${r.chance(0.5) ? '.123' : ''}Z`,
          negative: 'iso_timestamp',
        };
      case 'version':
        return {
          value: r.pick([`${r.int(1, 12)}.${r.int(0, 20)}.${r.int(0, 9)}.${r.int(0, 99)}`, `${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 9)}`]),
          negative: 'version',
        };
      case 'product':
        return { value: r.pick(PRODUCTS), negative: 'product_name' };
      case 'date':
        return { value: this.date(2020, 2025), negative: 'non_birth_date' };
      case 'badcard':
        return { value: id.creditCard(r, false), negative: 'invalid_card' };
      case 'badiban':
        return { value: id.iban(r, lex.ibanCountry, false), negative: 'invalid_iban' };
      case 'badid':
        return { value: NAT_ID[lang].make(r, false), negative: 'invalid_national_id' };
      default:
        throw new Error(`unknown slot {${name}}`);
    }
  }

  render(template: string, base: Omit<GoldRecord, 'text' | 'entities' | 'hard_negatives'>): GoldRecord {
    const record: GoldRecord = { ...base, text: '', entities: [], hard_negatives: [] };
    let text = '';
    let last = 0;
    for (const m of template.matchAll(/\{(\w+)\}/g)) {
      text += template.slice(last, m.index);
      last = m.index + m[0].length;
      const slot = this.slot(m[1]!);
      const start = text.length;
      text += slot.value;
      if ('type' in slot) record.entities.push({ type: slot.type, start, end: text.length });
      else record.hard_negatives!.push({ kind: slot.negative, start, end: text.length });
    }
    record.text = text + template.slice(last);
    return record;
  }
}

/** Single field values as the org publishes them, where the field's metadata is known. */
const FIELD_TEMPLATES: Array<{ field: FieldHint; template: string }> = [
  { field: { name: 'Email', type: 'EMAIL' }, template: '{email}' },
  { field: { name: 'MobilePhone', type: 'PHONE' }, template: '{phone}' },
  { field: { name: 'MailingStreet', type: 'TEXTAREA' }, template: '{street}' },
  { field: { name: 'FirstName', type: 'STRING' }, template: '{first}' },
  { field: { name: 'Tax_Id__c', type: 'STRING' }, template: '{natid}' },
  { field: { name: 'OrderNumber', type: 'STRING' }, template: '{order}' },
  { field: { name: 'Subject', type: 'STRING' }, template: 'Rückfrage zu {invoice}' },
  { field: { name: 'Description', type: 'TEXTAREA' }, template: '{product} {version}, {sku}' },
];

export function generateCorpus(seed = SEED): GoldRecord[] {
  const r = new Random(seed);
  const out: GoldRecord[] = [];
  const kinds: RecordKind[] = ['case', 'case', 'email', 'email', 'delivery', 'chat', 'log'];
  for (const lang of LANGS) {
    for (let n = 0; n < TEXT_RECORDS_PER_LANG; n += 1) {
      const kind = r.pick(kinds);
      const template = kind === 'log' ? r.pick(LOG_TEMPLATES) : r.pick(TEMPLATES[lang][kind]);
      out.push(
        new RecordBuilder(r, lang).render(template, { id: `sf-${lang}-${String(n).padStart(3, '0')}`, split: 'salesforce', lang, source: kind } as GoldRecord),
      );
    }
    for (let n = 0; n < FIELD_RECORDS_PER_LANG; n += 1) {
      const { field, template } = r.pick(FIELD_TEMPLATES);
      out.push(
        new RecordBuilder(r, lang).render(template, {
          id: `sf-${lang}-f${String(n).padStart(2, '0')}`,
          split: 'salesforce',
          lang,
          source: 'field',
          field,
        } as GoldRecord),
      );
    }
  }
  return out;
}

export const serialize = (records: GoldRecord[]): string => records.map((rec) => JSON.stringify(rec)).join('\n') + '\n';

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  writeFileSync(SALESFORCE_CORPUS, serialize(generateCorpus()));
  console.log(`wrote ${SALESFORCE_CORPUS}`);
}
