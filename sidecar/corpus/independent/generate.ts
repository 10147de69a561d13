/**
 * Independent corpus generator (see README.md). Deterministic: seeded PRNG per (language, source) cell.
 *   npx tsx sidecar/corpus/independent/generate.ts      writes dev.jsonl and test.jsonl beside this file
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { Rng } from './rng.js';
import * as ids from './ids.js';
import * as V from './values.js';
import { ID_LABELS, MED_CATALOGUE, MEDICAL, NEG_LABELS, PHRASES } from './phrases.js';
import type { Lang, Person } from './values.js';

export const SEED = 0x1dec0de;
export const SOURCES = [
  'web_lead',
  'call_transcript',
  'survey',
  'order_note',
  'marketplace',
  'handover',
  'integration_error',
  'csv_export',
  'field_value',
] as const;
export type Source = (typeof SOURCES)[number];
export const PER_CELL = 26;

export interface Rec {
  id: string;
  text: string;
  entities: Array<{ type: string; start: number; end: number; optional?: boolean }>;
  split: string;
  lang: Lang;
  source: Source;
  field?: { name: string; type: string; label: string };
  hard_negatives: Array<{ kind: string; start: number; end: number }>;
}

class B {
  text = '';
  ents: Rec['entities'] = [];
  hn: Rec['hard_negatives'] = [];
  t(s: string): this {
    this.text += s;
    return this;
  }
  e(type: string, v: string, optional = false): this {
    const start = this.text.length;
    this.text += v;
    this.ents.push(optional ? { type, start, end: this.text.length, optional: true } : { type, start, end: this.text.length });
    return this;
  }
  h(kind: string, v: string): this {
    const start = this.text.length;
    this.text += v;
    this.hn.push({ kind, start, end: this.text.length });
    return this;
  }
}

const NAT_ID_TYPE: Record<Lang, string[]> = {
  en: ['UK_NINO', 'US_SSN'],
  de: ['DE_TAX_ID'],
  fr: ['FR_NIR'],
  es: ['ES_NIF'],
  it: ['IT_FISCAL_CODE'],
  nl: ['NL_BSN'],
};
const PASSPORT_C: Record<Lang, string[]> = { en: ['GB', 'US'], de: ['DE'], fr: ['FR'], es: ['ES'], it: ['IT'], nl: ['NL'] };
const IBAN_C: Record<string, string> = { GB: 'GB', US: 'GB', DE: 'DE', AT: 'AT', CH: 'CH', FR: 'FR', BE: 'BE', ES: 'ES', MX: 'ES', IT: 'IT', NL: 'NL' };

/** Lazily generated values for one record, so the same person appears across slots. */
class Ctx {
  readonly p: Person;
  private cache = new Map<string, string>();
  constructor(
    readonly r: Rng,
    readonly lang: Lang,
  ) {
    this.p = V.person(r, lang);
  }
  once(k: string, f: () => string): string {
    if (!this.cache.has(k)) this.cache.set(k, f());
    return this.cache.get(k)!;
  }
  natIdType(): string {
    return this.once('idtype', () => (this.lang === 'en' ? (this.p.country === 'US' ? 'US_SSN' : 'UK_NINO') : this.r.pick(NAT_ID_TYPE[this.lang])));
  }
  natId(type = this.natIdType()): string {
    const r = this.r;
    const p = this.p;
    return this.once('id:' + type, () => {
      switch (type) {
        case 'DE_TAX_ID':
          return ids.formatDeTax(r, ids.deTaxId(r));
        case 'FR_NIR':
          return ids.formatNir(r, ids.frNir(r));
        case 'ES_NIF':
          return ids.esNif(r);
        case 'IT_FISCAL_CODE':
          return ids.itFiscalCode(r, p.first, p.last, p.female, p.birth);
        case 'NL_BSN':
          return ids.nlBsn(r);
        case 'UK_NINO':
          return ids.ukNino(r);
        default:
          return ids.usSsn(r);
      }
    });
  }
  badId(): string {
    const r = this.r;
    const p = this.p;
    switch (this.natIdType()) {
      case 'DE_TAX_ID':
        return ids.badDeTaxId(r);
      case 'FR_NIR':
        return ids.badFrNir(r);
      case 'ES_NIF':
        return ids.badEsNif(r);
      case 'IT_FISCAL_CODE':
        return ids.badItFiscalCode(r, p.first, p.last, p.female, p.birth);
      case 'NL_BSN':
        return ids.badNlBsn(r);
      default:
        return ids.badUsSsn(r);
    }
  }
  badIdKind(): string {
    return (
      (
        {
          DE_TAX_ID: 'de_tax_id_bad_checksum',
          FR_NIR: 'fr_nir_bad_checksum',
          ES_NIF: 'es_nif_bad_checksum',
          IT_FISCAL_CODE: 'it_fiscal_code_bad_checksum',
          NL_BSN: 'nl_bsn_bad_checksum',
        } as Record<string, string>
      )[this.natIdType()] ?? 'us_ssn_invalid'
    );
  }
  phone(): V.Phone {
    const k = this.once('ph', () => JSON.stringify(V.phone(this.r, this.p.country)));
    return JSON.parse(k) as V.Phone;
  }
  addr(): V.Address {
    return JSON.parse(this.once('addr', () => JSON.stringify(V.address(this.r, this.p)))) as V.Address;
  }
  dob(): string {
    return this.once('dob', () => V.formatDate(this.r, this.lang, this.p.birth, this.p.country === 'US'));
  }
  email(): string {
    return this.once('email', () => V.email(this.r, this.p));
  }
}

/** Writes one template into the builder, resolving slots to labelled values. */
function fill(b: B, c: Ctx, tpl: string): void {
  const r = c.r;
  const lang = c.lang;
  const p = c.p;
  const re = /\{([A-Z]+)(?::([a-z_]+))?\}/g;
  let last = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(tpl))) {
    b.t(tpl.slice(last, m.index));
    last = re.lastIndex;
    const [, slot, arg] = m;
    switch (slot) {
      case 'P':
        b.e('PERSON', p.display);
        break;
      case 'F':
        b.e('PERSON', p.first);
        break;
      case 'T': {
        const [f, mm, dr] = V.TITLES[lang];
        b.t((r.chance(0.2) ? dr : p.female ? f : mm) + ' ').e('PERSON', p.last);
        break;
      }
      case 'E':
        b.e('EMAIL_ADDRESS', c.email());
        break;
      case 'PH':
        b.e('PHONE_NUMBER', V.formatPhone(r, c.phone(), 'written'));
        break;
      case 'PS':
        b.e('PHONE_NUMBER', V.formatPhone(r, c.phone(), 'spoken'));
        break;
      case 'A': {
        const a = c.addr();
        b.e('LOCATION', a.oneLine + (r.chance(0.25) ? `, ${V.COUNTRY_NAMES[lang][a.country]}` : ''));
        break;
      }
      case 'C':
        b.e('LOCATION', c.addr().city);
        break;
      case 'CO':
        b.e('LOCATION', V.COUNTRY_NAMES[lang][c.addr().country]);
        break;
      case 'D':
        b.e('DATE_OF_BIRTH', c.dob());
        break;
      case 'CC':
        b.e('CREDIT_CARD', ids.formatCard(r, ids.cardNumber(r).digits));
        break;
      case 'IB':
        b.e('IBAN_CODE', ids.formatIban(r, ids.ibanFor(r, IBAN_C[p.country]!)));
        break;
      case 'IP':
        b.e('IP_ADDRESS', r.chance(0.7) ? V.ipv4(r) : V.ipv6(r));
        break;
      case 'U':
        b.e('URL', V.url(r, p, r.pick(V.SHOPS)));
        break;
      case 'PP':
        b.e('PASSPORT', ids.passport(r, r.chance(0.85) ? r.pick(PASSPORT_C[lang]) : r.pick(['DE', 'FR', 'IT', 'ES', 'NL', 'GB', 'US'])));
        break;
      case 'IDL':
        b.t(r.pick(ID_LABELS[c.natIdType()]!));
        break;
      case 'ID': {
        const t = c.natIdType();
        b.e(t, c.natId(t));
        break;
      }
      case 'M':
        b.e('MEDICAL', r.pick(MEDICAL[lang][arg!]!));
        break;
      case 'MN':
        b.e('MEDICAL', r.pick(MEDICAL[lang].neg!), true);
        break;
      case 'S':
        b.e('SECRET', V.secret(r, r.pick(['aws', 'github', 'github_pat', 'slack', 'stripe', 'google', 'jwt', 'bearer'])).value);
        break;
      case 'PW':
        b.e('SECRET', V.password(r));
        break;
      case 'BA':
        b.e('SECRET', V.basicAuthUrl(r, p));
        break;
      case 'W':
        b.e('CRYPTO', V.cryptoAddress(r));
        break;
      default:
        throw new Error(`slot ${slot}`);
    }
  }
  b.t(tpl.slice(last));
}

// ---------- look-alikes ----------
const NEG_KINDS = [
  'order_number',
  'invoice_number',
  'ticket_number',
  'sku',
  'tracking_number',
  'salesforce_id',
  'iso_timestamp',
  'version',
  'non_birth_date',
  'card_bad_checksum',
  'iban_bad_checksum',
  'id_bad_checksum',
  'vat_number',
  'hex_hash',
  'uuid',
  'base64_image',
  'invalid_phone',
  'catalogue_medicine',
  'brand_name',
  'sdi_code',
] as const;
function negValue(c: Ctx, kind: string): { kind: string; value: string } {
  const r = c.r;
  switch (kind) {
    case 'order_number':
      return { kind, value: V.orderNo(r) };
    case 'invoice_number':
      return { kind, value: V.invoiceNo(r) };
    case 'ticket_number':
      return { kind, value: V.ticketNo(r) };
    case 'sku':
      return { kind, value: V.sku(r) };
    case 'tracking_number':
      return { kind, value: V.trackingNo(r) };
    case 'salesforce_id':
      return { kind, value: V.sfId(r) };
    case 'iso_timestamp':
      return { kind, value: V.isoTimestamp(r) };
    case 'version':
      return { kind, value: V.version(r) };
    case 'non_birth_date':
      return { kind, value: V.formatDate(r, c.lang, V.recentDate(r)) };
    case 'card_bad_checksum':
      return { kind, value: ids.formatCard(r, ids.badCard(r)) };
    case 'iban_bad_checksum':
      return { kind, value: ids.formatIban(r, ids.badIban(r, r.pick(ids.IBAN_COUNTRIES))) };
    case 'id_bad_checksum':
      return { kind: c.badIdKind(), value: c.badId() };
    case 'vat_number':
      return { kind, value: V.vatNumber(r, c.lang) };
    case 'hex_hash':
      return { kind, value: V.hexHash(r) };
    case 'uuid':
      return { kind, value: V.uuid(r) };
    case 'base64_image':
      return { kind, value: V.imageB64(r) };
    case 'invalid_phone':
      return { kind, value: V.notAPhone(r) };
    case 'catalogue_medicine':
      return { kind, value: r.pick(MED_CATALOGUE) };
    case 'sdi_code':
      return { kind, value: V.sdiCode(r) };
    default:
      return { kind: 'brand_name', value: r.pick(V.BRANDS) };
  }
}
/** A look-alike in running text: label + value, or a catalogue line for brands. */
function neg(b: B, c: Ctx, kind: string): void {
  const r = c.r;
  if (kind === 'brand_name') {
    const { brand, product } = V.brandProduct(r);
    if (r.chance(0.5)) {
      b.h('brand_name', brand).t(` ${product} (`).h('sku', V.sku(r)).t(')');
    } else {
      b.t(`${r.pick(NEG_LABELS[c.lang].sku!)} `)
        .h('sku', V.sku(r))
        .t(' – ')
        .h('brand_name', brand.toUpperCase())
        .t(` ${product.toUpperCase()}`);
    }
    return;
  }
  if (kind === 'catalogue_medicine') {
    b.t(`${r.pick(NEG_LABELS[c.lang].catalogue_medicine!)} `)
      .h('sku', V.sku(r))
      .t(' ')
      .h('catalogue_medicine', r.pick(MED_CATALOGUE))
      .t(` x${r.int(2, 40)}`);
    return;
  }
  if (kind === 'sdi_code' && c.lang !== 'it') kind = 'vat_number';
  const v = negValue(c, kind);
  b.t(`${r.pick(NEG_LABELS[c.lang][kind] ?? NEG_LABELS[c.lang].id_bad_checksum!)} `).h(v.kind, v.value);
}

// ---------- facts ----------
const FACTS: Array<[string, number]> = [
  ['email', 8],
  ['phone', 8],
  ['address', 7],
  ['city', 3],
  ['dob', 5],
  ['card', 3],
  ['iban', 4],
  ['passport', 3],
  ['natid', 5],
  ['med_cond', 3],
  ['med_med', 2],
  ['med_proc', 2],
  ['med_allergy', 2],
  ['med_preg', 1],
  ['med_dis', 1],
  ['med_neg', 2],
  ['med_third', 2],
  ['secret', 3],
  ['password', 2],
  ['basic_auth', 1],
  ['crypto', 2],
  ['ip', 3],
  ['url', 3],
];
const pickFact = (r: Rng): string => {
  let n = r.float() * FACTS.reduce((a, [, w]) => a + w, 0);
  for (const [k, w] of FACTS) if ((n -= w) < 0) return k;
  return 'email';
};
function fact(b: B, c: Ctx, kind: string, spoken = false): void {
  const table = PHRASES[c.lang];
  const k = spoken && kind === 'phone' ? 'phone_spoken' : kind;
  fill(b, c, c.r.pick(table[k]!));
}
const facts = (r: Rng, n: number): string[] => {
  const out = new Set<string>();
  while (out.size < n) out.add(pickFact(r));
  return [...out];
};

const L: Record<Lang, Record<string, string>> = {
  en: {
    name: 'Name',
    email: 'Email',
    msg: 'Message',
    company: 'Company',
    agent: 'Agent',
    caller: 'Caller',
    q: 'What could we do better?',
    buyer: 'Message from buyer',
    handover: 'Handover',
    open: 'open items',
    form: 'contact form',
    err: 'sync failed',
  },
  de: {
    name: 'Name',
    email: 'E-Mail',
    msg: 'Nachricht',
    company: 'Firma',
    agent: 'Agent',
    caller: 'Kunde',
    q: 'Was können wir besser machen?',
    buyer: 'Nachricht vom Käufer',
    handover: 'Übergabe',
    open: 'offene Punkte',
    form: 'Kontaktformular',
    err: 'Synchronisierung fehlgeschlagen',
  },
  fr: {
    name: 'Nom',
    email: 'E-mail',
    msg: 'Message',
    company: 'Société',
    agent: 'Conseiller',
    caller: 'Client',
    q: 'Que pourrions-nous améliorer ?',
    buyer: "Message de l'acheteur",
    handover: 'Passation',
    open: 'points ouverts',
    form: 'formulaire de contact',
    err: 'échec de synchronisation',
  },
  es: {
    name: 'Nombre',
    email: 'Correo',
    msg: 'Mensaje',
    company: 'Empresa',
    agent: 'Agente',
    caller: 'Cliente',
    q: '¿Qué podríamos mejorar?',
    buyer: 'Mensaje del comprador',
    handover: 'Traspaso',
    open: 'pendientes',
    form: 'formulario de contacto',
    err: 'fallo de sincronización',
  },
  it: {
    name: 'Nome',
    email: 'Email',
    msg: 'Messaggio',
    company: 'Azienda',
    agent: 'Operatore',
    caller: 'Cliente',
    q: 'Cosa potremmo migliorare?',
    buyer: "Messaggio dell'acquirente",
    handover: 'Passaggio di consegne',
    open: 'punti aperti',
    form: 'modulo di contatto',
    err: 'sincronizzazione fallita',
  },
  nl: {
    name: 'Naam',
    email: 'E-mail',
    msg: 'Bericht',
    company: 'Bedrijf',
    agent: 'Medewerker',
    caller: 'Klant',
    q: 'Wat kunnen we beter doen?',
    buyer: 'Bericht van koper',
    handover: 'Overdracht',
    open: 'open punten',
    form: 'contactformulier',
    err: 'synchronisatie mislukt',
  },
};
const FILLER: Record<Lang, string[]> = {
  en: ['…', 'okay', 'mhm, go on', 'right, and?', 'sorry, could you repeat that?'],
  de: ['…', 'ja', 'mhm', 'genau, und weiter?', 'Moment, nochmal bitte?'],
  fr: ['…', 'oui', "d'accord", 'hmm, je note', 'pardon, vous pouvez répéter ?'],
  es: ['…', 'sí', 'vale', 'ajá, dígame', 'perdone, ¿me lo repite?'],
  it: ['…', 'sì', 'va bene', 'mh, mi dica', 'scusi, può ripetere?'],
  nl: ['…', 'ja', 'oké', 'hm, ga verder', 'sorry, kunt u dat herhalen?'],
};
const COMPANIES = [
  'Nordlicht GmbH',
  'Atelier Brun SARL',
  'Hostal Marina S.L.',
  'Ferramenta Rossi S.r.l.',
  'Bakkerij De Molen B.V.',
  'Greenway Ltd',
  'Alpin Sport KG',
];
/** Look-alike kinds as drawn for running text (checksum look-alikes and brands weighted up). */
const NEG_POOL: string[] = [
  ...NEG_KINDS,
  'id_bad_checksum',
  'id_bad_checksum',
  'id_bad_checksum',
  'card_bad_checksum',
  'iban_bad_checksum',
  'brand_name',
  'sdi_code',
  'sdi_code',
];
const negs = (b: B, c: Ctx, n: number, sep: string): void => {
  for (let i = 0; i < n; i++) {
    b.t(sep);
    neg(b, c, c.r.pick(NEG_POOL));
  }
};

function natural(b: B, c: Ctx, n: number, sep: string, spoken = false): void {
  facts(c.r, n).forEach((k, i) => {
    if (i) b.t(sep);
    fact(b, c, k, spoken);
  });
}

// ---------- sources ----------
function build(source: Source, c: Ctx): { b: B; field?: Rec['field'] } {
  const b = new B();
  const r = c.r;
  const l = L[c.lang];
  switch (source) {
    case 'web_lead': {
      b.t(`Web-to-Lead (${l.form})\n${l.name}: `).e('PERSON', r.chance(0.5) ? c.p.display : `${c.p.first} ${c.p.last}`);
      b.t(`\n${l.email}: `).e('EMAIL_ADDRESS', c.email());
      b.t(`\n${l.company}: ${r.pick(COMPANIES)}\n${l.msg}: `);
      natural(b, c, r.int(1, 2), ' ');
      if (r.chance(0.4)) negs(b, c, 1, '\n');
      return { b };
    }
    case 'call_transcript': {
      b.t(`${l.agent}: ${r.pick(FILLER[c.lang])}\n${l.caller}: `);
      fill(b, c, r.pick(PHRASES[c.lang].name!));
      for (const k of facts(r, r.int(1, 3))) {
        b.t(`\n${l.agent}: ${r.pick(FILLER[c.lang])}\n${l.caller}: `);
        fact(b, c, k, true);
      }
      if (r.chance(0.3)) {
        b.t(`\n${l.agent}: `);
        neg(b, c, r.pick(NEG_POOL));
      }
      return { b };
    }
    case 'survey': {
      b.t(`NPS ${r.int(0, 10)}/10 — ${l.q}\n`);
      natural(b, c, r.int(1, 2), ' ');
      if (r.chance(0.5)) negs(b, c, 1, ' ');
      return { b };
    }
    case 'order_note': {
      neg(b, c, 'order_number');
      b.t(' · ');
      neg(b, c, r.pick(['brand_name', 'sku', 'catalogue_medicine']));
      b.t('\n');
      natural(b, c, r.int(1, 2), '\n');
      negs(b, c, r.int(0, 2), '\n');
      if (c.lang === 'it' && r.chance(0.35)) {
        b.t('\n');
        neg(b, c, 'sdi_code');
      }
      if (r.chance(0.15)) {
        b.t('\n');
        neg(b, c, 'invalid_phone');
      }
      return { b };
    }
    case 'marketplace': {
      b.t(`[${r.pick(['Amazon', 'eBay', 'Zalando', 'Kaufland', 'Cdiscount', 'Etsy', 'ManoMano'])}] ${l.buyer}:\n`);
      natural(b, c, r.int(1, 3), ' ');
      if (r.chance(0.5)) negs(b, c, 1, ' ');
      b.t('\n-- ');
      b.e('PERSON', r.chance(0.5) ? c.p.first : c.p.display);
      return { b };
    }
    case 'handover': {
      b.t(`${l.handover} ${r.pick(['early', 'late', '06-14', '14-22'])} — ${l.open}:\n- `);
      fill(b, c, r.pick(PHRASES[c.lang].name!));
      for (const k of facts(r, r.int(1, 3))) {
        b.t('\n- ');
        fact(b, c, k);
      }
      negs(b, c, r.int(0, 2), '\n- ');
      return { b };
    }
    case 'integration_error':
      return { b: r.chance(0.5) ? jsonPayload(c) : kvLog(c) };
    case 'csv_export':
      return { b: csvRows(c) };
    case 'field_value':
      return fieldValue(c);
  }
}

function jsonPayload(c: Ctx): B {
  const b = new B();
  const r = c.r;
  const p = c.p;
  b.t(`{"status":${r.pick([400, 409, 422, 500, 502])},"error":"${L[c.lang].err}","requestId":"`).h('uuid', V.uuid(r));
  b.t('","record":{"Id":"').h('salesforce_id', V.sfId(r)).t('"');
  const fields = r
    .shuffle(['name', 'email', 'phone', 'street', 'city', 'birthdate', 'ip', 'iban', 'token', 'ts', 'ver', 'id'] as string[])
    .slice(0, r.int(3, 6));
  for (const f of fields) {
    b.t(',');
    switch (f) {
      case 'name':
        b.t('"FirstName":"').e('PERSON', p.first).t('","LastName":"').e('PERSON', p.last).t('"');
        break;
      case 'email':
        b.t('"Email":"').e('EMAIL_ADDRESS', c.email()).t('"');
        break;
      case 'phone':
        b.t('"Phone":"')
          .e('PHONE_NUMBER', r.chance(0.5) ? c.phone().e164 : c.phone().intl)
          .t('"');
        break;
      case 'street':
        b.t('"MailingStreet":"').e('LOCATION', c.addr().street).t('"');
        break;
      case 'city':
        b.t('"MailingCity":"').e('LOCATION', c.addr().city).t('"');
        break;
      case 'birthdate':
        b.t('"Birthdate":"')
          .e('DATE_OF_BIRTH', `${p.birth.y}-${String(p.birth.m).padStart(2, '0')}-${String(p.birth.d).padStart(2, '0')}`)
          .t('"');
        break;
      case 'ip':
        b.t('"clientIp":"')
          .e('IP_ADDRESS', r.chance(0.6) ? V.ipv4(r) : V.ipv6(r))
          .t('"');
        break;
      case 'iban':
        b.t('"IBAN__c":"').e('IBAN_CODE', ids.ibanFor(r, IBAN_C[p.country]!)).t('"');
        break;
      case 'token':
        b.t(`"${r.pick(['apiKey', 'access_token', 'authorization'])}":"`)
          .e('SECRET', V.secret(r, r.pick(['aws', 'github', 'slack', 'stripe', 'google', 'jwt'])).value)
          .t('"');
        break;
      case 'ts':
        b.t('"LastModifiedDate":"').h('iso_timestamp', V.isoTimestamp(r)).t('"');
        break;
      case 'ver':
        b.t('"clientVersion":"').h('version', V.version(r)).t('"');
        break;
      case 'id': {
        const t = c.natIdType();
        b.t(
          `"${({ DE_TAX_ID: 'SteuerId__c', FR_NIR: 'NIR__c', ES_NIF: 'DNI__c', IT_FISCAL_CODE: 'CodiceFiscale__c', NL_BSN: 'BSN__c', UK_NINO: 'NINO__c', US_SSN: 'SSN__c' } as Record<string, string>)[t]}":"`,
        )
          .e(t, c.natId(t).replace(/ /g, ''))
          .t('"');
        break;
      }
    }
  }
  b.t('}}');
  return b;
}
function kvLog(c: Ctx): B {
  const b = new B();
  const r = c.r;
  const p = c.p;
  b.h('iso_timestamp', V.isoTimestamp(r)).t(` ${r.pick(['ERROR', 'WARN'])} ${r.pick(['sync.contact', 'webhook.order', 'payment.capture', 'sftp.export'])} `);
  b.t('record=').h('salesforce_id', V.sfId(r));
  const caps = r.chance(0.5);
  b.t(' customer="');
  if (caps && r.chance(0.5)) b.e('PERSON', `${p.last.toUpperCase()}, ${p.first.toUpperCase()}`);
  else b.e('PERSON', caps ? `${p.first} ${p.last}`.toUpperCase() : `${p.first} ${p.last}`);
  b.t('"');
  const keys = r.shuffle(['email', 'ip', 'token', 'password', 'card', 'phone', 'hash', 'ver', 'basic', 'wallet'] as string[]).slice(0, r.int(2, 4));
  for (const k of keys) {
    b.t(' ');
    switch (k) {
      case 'email':
        b.t('email=').e('EMAIL_ADDRESS', c.email());
        break;
      case 'ip':
        b.t('src_ip=').e('IP_ADDRESS', r.chance(0.6) ? V.ipv4(r) : V.ipv6(r));
        break;
      case 'token':
        b.t(r.pick(['api_key=', 'token=', 'aws_access_key_id='])).e(
          'SECRET',
          V.secret(r, r.pick(['aws', 'github', 'github_pat', 'slack', 'stripe', 'google'])).value,
        );
        break;
      case 'password':
        b.t(r.pick(['password=', 'pwd=', 'passwd='])).e('SECRET', V.password(r));
        break;
      case 'card':
        b.t('pan=').e('CREDIT_CARD', ids.cardNumber(r).digits);
        break;
      case 'phone':
        b.t('msisdn=').e('PHONE_NUMBER', c.phone().e164);
        break;
      case 'hash':
        b.t('payload_sha256=').h('hex_hash', r.chars('0123456789abcdef', 64));
        break;
      case 'ver':
        b.t('agent=leakbridge/').h('version', `${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 20)}`);
        break;
      case 'basic':
        b.t('target=').e('SECRET', V.basicAuthUrl(r, p));
        break;
      case 'wallet':
        b.t('payout_wallet=').e('CRYPTO', V.cryptoAddress(r));
        break;
    }
  }
  b.t(` msg="${L[c.lang].err}"`);
  return b;
}
function csvRows(c: Ctx): B {
  const b = new B();
  const r = c.r;
  const cols = [
    'Id',
    'FirstName',
    'LastName',
    ...r
      .shuffle([
        'Email',
        'MobilePhone',
        'MailingStreet',
        'MailingPostalCode',
        'MailingCity',
        'Birthdate',
        'CreatedDate',
        'IBAN__c',
        'OrderNumber__c',
        'Tax_Id__c',
      ] as string[])
      .slice(0, r.int(3, 5)),
  ];
  const sep = r.pick([';', ',', '\t']);
  b.t(cols.join(sep));
  const rows = r.int(1, 3);
  for (let i = 0; i < rows; i++) {
    const cc = i === 0 ? c : new Ctx(r, c.lang);
    const p = cc.p;
    b.t('\n');
    cols.forEach((col, j) => {
      if (j) b.t(sep);
      switch (col) {
        case 'Id':
          b.h('salesforce_id', V.sfId(r));
          break;
        case 'FirstName':
          b.e('PERSON', p.first);
          break;
        case 'LastName':
          b.e('PERSON', p.last);
          break;
        case 'Email':
          b.e('EMAIL_ADDRESS', cc.email());
          break;
        case 'MobilePhone':
          b.e('PHONE_NUMBER', cc.phone().intl);
          break;
        case 'MailingStreet': {
          const s = cc.addr().street;
          if (s.includes(sep) || s.includes(',')) b.t('"').e('LOCATION', s).t('"');
          else b.e('LOCATION', s);
          break;
        }
        case 'MailingPostalCode':
          b.e('LOCATION', cc.addr().postcode);
          break;
        case 'MailingCity':
          b.e('LOCATION', cc.addr().city);
          break;
        case 'Birthdate':
          b.e('DATE_OF_BIRTH', `${p.birth.y}-${String(p.birth.m).padStart(2, '0')}-${String(p.birth.d).padStart(2, '0')}`);
          break;
        case 'CreatedDate':
          b.h('iso_timestamp', V.isoTimestamp(r));
          break;
        case 'IBAN__c':
          b.e('IBAN_CODE', ids.ibanFor(r, IBAN_C[p.country]!));
          break;
        case 'OrderNumber__c':
          b.h('order_number', V.orderNo(r).replace(/[,;]/g, ''));
          break;
        case 'Tax_Id__c': {
          const t = cc.natIdType();
          b.e(t, cc.natId(t).replace(/ /g, ''));
          break;
        }
      }
    });
  }
  return b;
}

const FIELD_LABEL: Record<string, Record<Lang, string>> = {
  LastName: { en: 'Last Name', de: 'Nachname', fr: 'Nom', es: 'Apellidos', it: 'Cognome', nl: 'Achternaam' },
  Birthdate: { en: 'Birthdate', de: 'Geburtsdatum', fr: 'Date de naissance', es: 'Fecha de nacimiento', it: 'Data di nascita', nl: 'Geboortedatum' },
  MailingAddress: { en: 'Mailing Address', de: 'Postanschrift', fr: 'Adresse postale', es: 'Dirección postal', it: 'Indirizzo postale', nl: 'Postadres' },
  Description: { en: 'Description', de: 'Beschreibung', fr: 'Description', es: 'Descripción', it: 'Descrizione', nl: 'Omschrijving' },
  Invoice_Date__c: { en: 'Invoice Date', de: 'Rechnungsdatum', fr: 'Date de facture', es: 'Fecha de factura', it: 'Data fattura', nl: 'Factuurdatum' },
};
function fieldValue(c: Ctx): { b: B; field: NonNullable<Rec['field']> } {
  const b = new B();
  const r = c.r;
  const p = c.p;
  const lang = c.lang;
  const kind = r.pick([
    'LastName',
    'Name',
    'Email',
    'MobilePhone',
    'Birthdate',
    'MailingAddress',
    'Description',
    'Tax_Id__c',
    'Passport_Number__c',
    'IBAN__c',
    'Website',
    'Last_Login_IP__c',
    'API_Key__c',
    'Wallet__c',
    'OrderNumber',
    'Id',
    'Invoice_Date__c',
    'Tracking_Number__c',
    'VAT_or_SDI__c',
    'Product_Name__c',
    'Checksum__c',
    'Tax_Id_bad',
    'Card_Number__c',
    'Notes__c',
  ]);
  const lab = (k: string, d: string): string => FIELD_LABEL[k]?.[lang] ?? d;
  switch (kind) {
    case 'LastName':
      b.e('PERSON', p.last);
      return { b, field: { name: 'LastName', type: 'STRING', label: lab('LastName', '') } };
    case 'Name':
      b.e('PERSON', r.chance(0.3) ? `${p.last}, ${p.first}` : p.display);
      return { b, field: { name: 'Name', type: 'STRING', label: 'Full Name' } };
    case 'Email':
      b.e('EMAIL_ADDRESS', c.email());
      return { b, field: { name: 'Email', type: 'EMAIL', label: 'Email' } };
    case 'MobilePhone':
      b.e('PHONE_NUMBER', V.formatPhone(r, c.phone(), 'written'));
      return { b, field: { name: 'MobilePhone', type: 'PHONE', label: 'Mobile' } };
    case 'Birthdate':
      b.e('DATE_OF_BIRTH', c.dob());
      return { b, field: { name: 'Birthdate', type: 'DATE', label: lab('Birthdate', '') } };
    case 'MailingAddress': {
      const a = c.addr();
      b.e('LOCATION', `${a.street}\n${a.cityLine}`);
      if (r.chance(0.6)) b.t('\n').e('LOCATION', V.COUNTRY_NAMES[lang][a.country]);
      return { b, field: { name: 'MailingAddress', type: 'TEXTAREA', label: lab('MailingAddress', '') } };
    }
    case 'Description':
      fact(b, c, r.pick(['med_cond', 'med_med', 'med_proc', 'med_allergy', 'med_preg', 'med_dis', 'med_neg', 'med_third']));
      return { b, field: { name: 'Description', type: 'TEXTAREA', label: lab('Description', '') } };
    case 'Tax_Id__c': {
      const t = c.natIdType();
      b.e(t, c.natId(t));
      return { b, field: { name: 'Tax_Id__c', type: 'STRING', label: ID_LABELS[t]![0]! } };
    }
    case 'Tax_Id_bad': {
      const v = c.badId();
      b.h(c.badIdKind(), v);
      return { b, field: { name: 'Tax_Id__c', type: 'STRING', label: ID_LABELS[c.natIdType()]![0]! } };
    }
    case 'Passport_Number__c':
      b.e('PASSPORT', ids.passport(r, r.pick(PASSPORT_C[lang])));
      return {
        b,
        field: {
          name: 'Passport_Number__c',
          type: 'STRING',
          label: { en: 'Passport Number', de: 'Reisepassnummer', fr: 'N° de passeport', es: 'N.º de pasaporte', it: 'Numero passaporto', nl: 'Paspoortnummer' }[
            lang
          ],
        },
      };
    case 'IBAN__c':
      b.e('IBAN_CODE', ids.formatIban(r, ids.ibanFor(r, IBAN_C[p.country]!)));
      return { b, field: { name: 'IBAN__c', type: 'STRING', label: 'IBAN' } };
    case 'Card_Number__c':
      if (r.chance(0.5)) {
        b.e('CREDIT_CARD', ids.formatCard(r, ids.cardNumber(r).digits));
      } else {
        b.h('card_bad_checksum', ids.formatCard(r, ids.badCard(r)));
      }
      return { b, field: { name: 'Card_Number__c', type: 'STRING', label: 'Card' } };
    case 'Website':
      b.e('URL', V.url(r, p, r.pick(V.SHOPS)));
      return { b, field: { name: 'Website', type: 'URL', label: 'Website' } };
    case 'Last_Login_IP__c':
      b.e('IP_ADDRESS', r.chance(0.5) ? V.ipv4(r) : V.ipv6(r));
      return { b, field: { name: 'Last_Login_IP__c', type: 'STRING', label: 'Last login IP' } };
    case 'API_Key__c': {
      const s = V.secret(r, r.pick(['aws', 'github', 'github_pat', 'slack', 'stripe', 'google', 'jwt', 'private_key']));
      b.e('SECRET', s.value);
      return { b, field: { name: 'API_Key__c', type: s.kind === 'private_key' ? 'TEXTAREA' : 'STRING', label: 'API key' } };
    }
    case 'Wallet__c':
      b.e('CRYPTO', V.cryptoAddress(r));
      return { b, field: { name: 'Wallet__c', type: 'STRING', label: 'Payout wallet' } };
    case 'OrderNumber':
      b.h('order_number', V.orderNo(r));
      return { b, field: { name: 'OrderNumber', type: 'STRING', label: 'Order Number' } };
    case 'Id':
      b.h('salesforce_id', V.sfId(r));
      return { b, field: { name: 'Id', type: 'ID', label: 'Record ID' } };
    case 'Invoice_Date__c':
      b.h('non_birth_date', V.formatDate(r, lang, V.recentDate(r)));
      return { b, field: { name: 'Invoice_Date__c', type: 'DATE', label: lab('Invoice_Date__c', '') } };
    case 'Tracking_Number__c':
      b.h('tracking_number', V.trackingNo(r));
      return { b, field: { name: 'Tracking_Number__c', type: 'STRING', label: 'Tracking' } };
    case 'VAT_or_SDI__c':
      if (lang === 'it' && r.chance(0.6)) {
        b.h('sdi_code', V.sdiCode(r));
        return { b, field: { name: 'Codice_SDI__c', type: 'STRING', label: 'Codice destinatario' } };
      }
      b.h('vat_number', V.vatNumber(r, lang));
      return { b, field: { name: 'VAT_Number__c', type: 'STRING', label: 'VAT' } };
    case 'Product_Name__c':
      {
        const bp = V.brandProduct(r);
        b.h('brand_name', bp.brand).t(` ${bp.product}`);
      }
      return { b, field: { name: 'Product_Name__c', type: 'STRING', label: 'Product' } };
    case 'Checksum__c':
      if (r.chance(0.5)) b.h('hex_hash', V.hexHash(r));
      else b.h('base64_image', V.imageB64(r));
      return { b, field: { name: 'Attachment_Ref__c', type: 'STRING', label: 'Attachment' } };
    default:
      natural(b, c, 1, ' ');
      return { b, field: { name: 'Notes__c', type: 'TEXTAREA', label: 'Notes' } };
  }
}

// ---------- corpus ----------
const cellSeed = (lang: string, source: string): number => createHash('sha256').update(`${SEED}:${lang}:${source}`).digest().readUInt32BE(0);

export function generate(): { dev: Rec[]; test: Rec[] } {
  const dev: Rec[] = [];
  const test: Rec[] = [];
  const seen = new Set<string>();
  for (const lang of V.LANGS) {
    for (const source of SOURCES) {
      const r = new Rng(cellSeed(lang, source));
      let k = 0;
      while (k < PER_CELL) {
        const c = new Ctx(r, lang);
        const { b, field } = build(source, c);
        if (seen.has(b.text)) continue;
        seen.add(b.text);
        // split rule: alternate within each (language, source) cell, decided before anything is written
        const split = k % 2 === 0 ? 'dev' : 'test';
        const rec: Rec = {
          id: `ind-${lang}-${source}-${String(k).padStart(3, '0')}`,
          text: b.text,
          entities: b.ents,
          split,
          lang,
          source,
          ...(field ? { field } : {}),
          hard_negatives: b.hn,
        };
        (split === 'dev' ? dev : test).push(rec);
        k++;
      }
    }
  }
  return { dev, test };
}
export const serialize = (recs: Rec[]): string => recs.map((r) => JSON.stringify(r)).join('\n') + '\n';
export const HERE = dirname(fileURLToPath(import.meta.url));

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { dev, test } = generate();
  writeFileSync(join(HERE, 'dev.jsonl'), serialize(dev));
  writeFileSync(join(HERE, 'test.jsonl'), serialize(test));
  console.log(`dev ${dev.length}, test ${test.length}`);
}
