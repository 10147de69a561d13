// Slot fillers: each turns a template placeholder into text pieces, the personal ones labelled.
import type { Faker } from '@faker-js/faker';
import { ALL, CITIES, COUNTRY_NAMES, COUNTRY_OF, FOREIGN, FOREIGN_WIDE, HOME, PARTICLES, PERSON_BRANDS, PRODUCT_NOUNS, TITLES, type Lang } from './locales.js';
import type { Random as Rng } from '../../../sidecar/src/synthetic/random.js';
import { wordSurnames } from './words.js';

export type Label = 'PERSON' | 'LOCATION';
export interface Piece {
  text: string;
  label?: Label;
}

interface Ctx {
  lang: Lang;
  rng: Rng;
  home: Faker;
  names: Faker;
  augment: boolean;
  broad: boolean;
}

const word = (s: string) => s.split(/\s+/)[0] ?? s;

function casing(rng: Rng, s: string): string {
  const r = rng.next();
  if (r < 0.06) return s.toLowerCase();
  if (r < 0.1) return s.toUpperCase();
  return s;
}

function typo(rng: Rng, s: string): string {
  if (s.length < 5 || rng.next() > 0.04) return s;
  const i = 1 + rng.below(s.length - 2);
  const k = rng.below(3);
  if (k === 0) return s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2);
  if (k === 1) return s.slice(0, i) + s.slice(i + 1);
  return s.slice(0, i) + s[i] + s.slice(i);
}

/** Capitalised words that are neither people nor places. */
const ACRONYMS = [
  'IBAN',
  'VAT',
  'SKU',
  'API',
  'CRM',
  'PDF',
  'GDPR',
  'CEO',
  'ETA',
  'FAQ',
  'USB',
  'HDMI',
  'DNS',
  'VPN',
  'ID',
  'PIN',
  'OK',
  'TV',
  'BIC',
  'EAN',
  'RMA',
  'SLA',
  'KPI',
  'B2B',
  'UPS',
  'DHL',
  'CSV',
  'SSO',
  'MFA',
  'IT',
  'HR',
  'BTW',
  'MwSt',
  'TVA',
  'IVA',
];

function first(c: Ctx): string {
  return word(c.names.person.firstName());
}
/** In the broader training split, this share of surnames are ones that are also words of the language ("Koch", "Brown", "Blanc"; `wordSurnames`). */
const WORD_SURNAME_SHARE = 0.08;

function last(c: Ctx): string {
  if (c.broad && c.augment && c.rng.next() < WORD_SURNAME_SHARE) {
    const words = wordSurnames(c.lang);
    if (words.length > 0) return c.rng.pick(words);
  }
  return c.names.person.lastName();
}

function fullName(c: Ctx): Piece[] {
  const r = c.rng.next();
  const f = first(c);
  const l = last(c);
  let name: string;
  // Training split only (the dev split keeps its draws): another surname, as in compound Spanish surnames
  // (faker's Spanish surnames often hold two already) and double-barrelled names elsewhere
  if (c.augment && r < 0.55 && (c.lang === 'es' || c.rng.next() < 0.05) && c.rng.next() < 0.35) name = `${f} ${l} ${last(c)}`;
  else if (r < 0.55) name = `${f} ${l}`;
  else if (r < 0.63) name = `${f} ${c.rng.pick('ABCDEFGHJKLMNPRSTW'.split(''))}. ${l}`;
  else if (r < 0.7) name = `${f} ${word(c.names.person.firstName())} ${l}`;
  else if (r < 0.76) name = `${l}, ${f}`;
  else if (r < 0.84) name = l;
  else name = f;
  const pieces: Piece[] = [];
  if ((c.rng.next() < 0.3 && r >= 0.7 && r < 0.84) || c.rng.next() < 0.12) {
    pieces.push({ text: `${c.rng.pick(TITLES[c.lang])} ` });
  }
  pieces.push({ text: typo(c.rng, casing(c.rng, name)), label: 'PERSON' });
  return pieces;
}

function city(c: Ctx): string {
  return c.rng.next() < 0.5 ? c.rng.pick(CITIES[c.lang]) : c.home.location.city();
}

function address(c: Ctx): Piece[] {
  const loc = c.home.location;
  const street = casing(c.rng, loc.streetAddress(c.rng.next() < 0.2));
  const zip = loc.zipCode();
  const town = casing(c.rng, city(c));
  const out: Piece[] = [{ text: street, label: 'LOCATION' }];
  const sep = c.rng.pick([', ', ', ', ' - ', '\n', ' ']);
  if (c.lang === 'en' && c.rng.next() < 0.6) {
    out.push(
      { text: sep },
      { text: town, label: 'LOCATION' },
      { text: ', ' },
      { text: loc.state({ abbreviated: c.rng.next() < 0.5 }), label: 'LOCATION' },
      { text: ' ' },
      { text: zip, label: 'LOCATION' },
    );
  } else {
    out.push({ text: sep }, { text: zip, label: 'LOCATION' }, { text: ' ' }, { text: town, label: 'LOCATION' });
  }
  if (c.rng.next() < 0.25) out.push({ text: c.rng.pick([', ', '\n', ' ']) }, { text: loc.country(), label: 'LOCATION' });
  return out;
}

/** Training only: a surname with a particle, a double-barrelled surname, or initials. */
function fancyName(c: Ctx): string {
  const f = first(c);
  const l = last(c);
  const r = c.rng.next();
  if (r < 0.45) {
    const particle = c.rng.pick(PARTICLES[c.lang]);
    return `${f} ${particle}${/ $/.test(particle) || !/^\p{Lu}/u.test(l) ? l : l.charAt(0).toUpperCase() + l.slice(1).toLowerCase()}`;
  }
  if (r < 0.75) return `${f} ${l}-${last(c)}`;
  const initial = () => c.rng.pick('ABCDEFGHJKLMNPRSTW'.split(''));
  return c.rng.next() < 0.5 ? `${initial()}. ${initial()}. ${l}` : `${f.charAt(0)}. ${l}`;
}

/**
 * Training only: a postal address laid out as its country writes it (US `City, ST 12345`, UK `City POSTCODE`,
 * Italy `CAP Città (PR)`, Mexico with the colonia, the rest `street, postcode city`), on one line or on several,
 * sometimes with the country. Street, postcode, city, region and country are each their own span.
 */
function postal(c: Ctx, lines: boolean): Piece[] {
  const loc = c.home.location;
  const country = COUNTRY_OF.get(c.home) ?? 'DE';
  const r = c.rng;
  const L = (text: string): Piece => ({ text: casing(r, text), label: 'LOCATION' });
  const T = (text: string): Piece => ({ text });
  const town = city(c);
  const zip = loc.zipCode();
  let street = loc.streetAddress(r.next() < 0.15);
  if (country === 'AT' && r.next() < 0.4) street += `/${1 + r.below(9)}/${1 + r.below(30)}`;
  if (country === 'ES' && r.next() < 0.4) street += `, ${1 + r.below(8)}º ${r.pick(['A', 'B', 'C', 'izq.', 'dcha.'])}`;
  if (country === 'MX') street += `, Col. ${r.pick(['Centro', 'Del Valle', 'Roma Norte', 'Condesa', 'Polanco', 'Narvarte', 'Juárez', 'San Rafael'])}`;
  const br = lines ? '\n' : ', ';
  const out: Piece[] = [L(street), T(br)];
  const prefix =
    !lines && r.next() < 0.1
      ? ({ DE: 'D-', AT: 'A-', CH: 'CH-', FR: 'F-', BE: 'B-', NL: 'NL-', IT: 'I-', ES: 'E-' } as Record<string, string>)[country]
      : undefined;
  if (country === 'US') out.push(L(town), T(', '), L(loc.state({ abbreviated: true })), T(' '), L(zip));
  else if (country === 'GB' || country === 'IE') out.push(L(town), T(lines && r.next() < 0.5 ? '\n' : ' '), L(zip));
  else if (country === 'IT') out.push(L(zip), T(' '), L(town), T(' ('), L(loc.state({ abbreviated: true })), T(')'));
  else if (country === 'MX') out.push(L(zip), T(' '), L(town), T(', '), L(loc.state({ abbreviated: r.next() < 0.5 })));
  else out.push(L((prefix ?? '') + zip), T(' '), L(town));
  if (r.next() < 0.3) out.push(T(lines ? '\n' : ', '), L(r.pick(COUNTRY_NAMES[c.lang][country] ?? [loc.country()])));
  return out;
}

function productLike(c: Ctx): string {
  const r = c.rng.next();
  if (r < 0.35) return `${first(c)} ${c.rng.pick(PRODUCT_NOUNS)}`;
  if (r < 0.5) return `${c.rng.pick(['Model', 'Série', 'Serie', 'Line', 'Modell'])} ${first(c)}`;
  if (r < 0.6) return `${c.home.location.street()} ${c.rng.pick(PRODUCT_NOUNS)}`;
  return c.home.commerce.productName();
}

function sku(c: Ctx): string {
  const n = 10 + c.rng.below(990);
  const streetWord = word(c.home.location.street()).toUpperCase().slice(0, 8);
  return c.rng.pick([
    `${streetWord}-${n}`,
    `ST-${n}-${c.rng.pick(['A', 'B', 'X'])}`,
    `${c.rng.pick(['Main', 'Park', 'Ring', 'Rue', 'Via', 'Calle', 'Laan'])}${n}`,
    `AVE-${n}`,
    `${c.home.string.alphanumeric({ length: 3, casing: 'upper' })}-${n}`,
    `SKU ${n}${c.rng.pick(['', 'B', 'XL'])}`,
  ]);
}

function email(c: Ctx): string {
  const f = c.names.person.firstName();
  const l = c.names.person.lastName();
  const r = c.rng.next();
  if (r < 0.4) return c.home.internet.email({ firstName: f, lastName: l });
  if (r < 0.7) return `${f}.${l}@${c.home.internet.domainName()}`.toLowerCase().replace(/\s+/g, '');
  return c.home.internet.email();
}

/**
 * `augment` (the training split) adds variations the dev split does not draw, so that the dev split stays comparable;
 * `broad` (the broader training corpus, `--broad`) adds names with particles, double-barrelled names and initials.
 */
export function makeSlots(lang: Lang, rng: Rng, augment = false, broad = false): Record<string, () => Piece[]> {
  const home = rng.pick(HOME[lang]);
  const names = rng.next() < 0.7 ? rng.pick(HOME[lang]) : rng.pick(rng.next() < 0.7 ? (broad && augment ? FOREIGN_WIDE : FOREIGN) : ALL);
  const c: Ctx = { lang, rng, home, names, augment, broad };
  const t = (f: () => string) => () => [{ text: f() }];
  const p = (f: () => string, label: Label) => () => [{ text: f(), label }];
  return {
    per: () => fullName(c),
    per2: () => fullName({ ...c, names: rng.pick(ALL) }),
    first: p(() => casing(rng, first(c)), 'PERSON'),
    last: p(() => casing(rng, last(c)), 'PERSON'),
    fl: p(() => typo(rng, casing(rng, broad && rng.next() < 0.08 ? fancyName(c) : `${first(c)} ${last(c)}`)), 'PERSON'),
    title: t(() => rng.pick(TITLES[lang])),
    city: p(() => casing(rng, city(c)), 'LOCATION'),
    street: p(() => casing(rng, home.location.streetAddress(rng.next() < 0.15)), 'LOCATION'),
    post: p(() => home.location.zipCode(), 'LOCATION'),
    country: p(() => home.location.country(), 'LOCATION'),
    addr: () => address(c),
    company: t(() => home.company.name()),
    product: t(() => productLike(c)),
    sku: t(() => sku(c)),
    email: t(() => email(c)),
    user: t(() => home.internet.username().toLowerCase()),
    phone: t(() => home.phone.number()),
    // A fixed reference date: the corpus is a function of the seed alone, whenever it is generated.
    date: t(() => home.date.recent({ days: 400, refDate: '2026-11-01T00:00:00Z' }).toISOString().slice(0, 10)),
    time: t(() => `${String(rng.below(24)).padStart(2, '0')}:${String(rng.below(60)).padStart(2, '0')}`),
    order: t(() => `${rng.pick(['ORD', 'SO', 'PO', '#', 'A'])}-${100000 + rng.below(899999)}`),
    case: t(() => String(1000000 + rng.below(8999999)).padStart(8, '0')),
    amount: t(() => `${(rng.below(200000) / 100).toFixed(2)}`),
    qty: t(() => String(1 + rng.below(50))),
    id: t(() => `${rng.pick(['003', '005', '001', '00Q', '500'])}${home.string.alphanumeric(15)}`),
    ip: t(() => home.internet.ipv4()),
    url: t(() => home.internet.url()),
    job: t(() => home.person.jobTitle()),
    brand: t(() => home.company.name().split(/[\s,-]/)[0] ?? 'Acme'),
    acronym: t(() => rng.pick(ACRONYMS)),
    // training only (record shapes, `shapes.ts`)
    postal: () => postal(c, false),
    postaln: () => postal(c, true),
    LF: p(() => (rng.next() < 0.75 ? `${last(c)}, ${first(c)}`.toUpperCase() : `${last(c)}, ${first(c)}`), 'PERSON'),
    FLC: p(() => (rng.next() < 0.15 ? fancyName(c) : `${first(c)} ${last(c)}`).toUpperCase(), 'PERSON'),
    FIRST: p(() => first(c).toUpperCase(), 'PERSON'),
    LAST: p(() => last(c).toUpperCase(), 'PERSON'),
    CITY: p(() => city(c).toUpperCase(), 'LOCATION'),
    brandp: t(() => rng.pick(PERSON_BRANDS)),
    num: t(() => String(100 + rng.below(rng.next() < 0.5 ? 9900 : 999900))),
    iban: t(
      () => `${rng.pick(['DE', 'FR', 'ES', 'IT', 'NL', 'BE', 'AT', 'CH'])}${rng.digits(2)} ${rng.digits(4)} ${rng.digits(4)} ${rng.digits(4)} ${rng.digits(2)}`,
    ),
    BRANDP: t(() => rng.pick(PERSON_BRANDS).toUpperCase()),
  };
}
