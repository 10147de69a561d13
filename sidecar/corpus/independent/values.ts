/** Value sources: people, addresses, phones, dates, secrets and look-alikes, per language/country. Own lists + faker locale data. */
import * as F from '@faker-js/faker';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Rng } from './rng.js';
import * as ids from './ids.js';

export type Lang = 'en' | 'de' | 'fr' | 'es' | 'it' | 'nl';
export const LANGS: Lang[] = ['en', 'de', 'fr', 'es', 'it', 'nl'];
export type Country = 'GB' | 'US' | 'DE' | 'AT' | 'CH' | 'FR' | 'BE' | 'ES' | 'MX' | 'IT' | 'NL';

const clean = (xs: unknown): string[] =>
  (Array.isArray(xs) ? (xs as string[]) : []).filter((x) => typeof x === 'string' && !x.includes('{{') && /^[\p{L}' -]+$/u.test(x));
// faker's locale definitions are untyped JSON-like trees read by path here.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const loc = (name: string): any => (F as any)[name];
function namePool(locale: string, fallback = 'en'): { female: string[]; male: string[]; last: string[] } {
  const p = loc(locale).person ?? loc(fallback).person;
  const fn = p.first_name ?? loc(fallback).person.first_name;
  const ln = p.last_name ?? loc(fallback).person.last_name;
  const female = clean(fn.female ?? fn.generic);
  const male = clean(fn.male ?? fn.generic);
  return { female: female.slice(0, 400), male: male.slice(0, 400), last: clean(ln.generic ?? ln).slice(0, 600) };
}
const POOLS: Record<string, ReturnType<typeof namePool>> = {};
const pool = (l: string): ReturnType<typeof namePool> => (POOLS[l] ??= namePool(l));
const LOCALE_OF: Record<string, string> = {
  GB: 'en',
  US: 'en',
  DE: 'de',
  AT: 'de_AT',
  CH: 'de_CH',
  CHfr: 'fr_CH',
  FR: 'fr',
  BE: 'fr',
  BEnl: 'nl_BE',
  ES: 'es',
  MX: 'es_MX',
  IT: 'it',
  NL: 'nl',
};

export const COUNTRIES_OF: Record<Lang, Array<[Country, number]>> = {
  en: [
    ['GB', 6],
    ['US', 4],
  ],
  de: [
    ['DE', 6],
    ['AT', 2],
    ['CH', 2],
  ],
  fr: [
    ['FR', 6],
    ['BE', 2],
    ['CH', 2],
  ],
  es: [
    ['ES', 7],
    ['MX', 3],
  ],
  it: [['IT', 10]],
  nl: [
    ['NL', 7],
    ['BE', 3],
  ],
};
const weighted = <T>(r: Rng, xs: Array<[T, number]>): T => {
  let n = r.float() * xs.reduce((a, [, w]) => a + w, 0);
  for (const [x, w] of xs) {
    if ((n -= w) < 0) return x;
  }
  return xs[0]![0];
};

const PARTICLES: Record<Lang, string[]> = {
  en: ["O'", 'Mc', 'St. '],
  de: ['von ', 'von der ', 'zu ', 'vom '],
  fr: ['de ', 'du ', 'Le ', "d'"],
  es: ['de la ', 'del ', 'de '],
  it: ['De ', 'Di ', 'Della ', 'Lo '],
  nl: ['van ', 'van der ', 'de ', 'van den ', 'ten '],
};
const HYPH_FIRST: Record<Lang, string[]> = {
  en: ['Mary-Kate', 'Anne-Marie', 'Billy-Joe'],
  de: ['Hans-Peter', 'Karl-Heinz', 'Anna-Lena', 'Marie-Luise'],
  fr: ['Jean-Luc', 'Marie-Claire', 'Pierre-Yves', 'Anne-Sophie'],
  es: ['José-Manuel', 'María-José'],
  it: ['Gian-Luca', 'Anna-Maria'],
  nl: ['Jan-Willem', 'Anne-Fleur', 'Pieter-Jan'],
};

export interface Person {
  first: string;
  last: string;
  female: boolean;
  country: Country;
  lang: Lang;
  display: string;
  birth: { y: number; m: number; d: number };
}

export function person(r: Rng, lang: Lang, country?: Country): Person {
  const c = country ?? weighted(r, COUNTRIES_OF[lang]);
  const key = c === 'CH' && lang === 'fr' ? 'CHfr' : c === 'BE' && lang === 'nl' ? 'BEnl' : c;
  const p = pool(LOCALE_OF[key]!);
  const female = r.chance(0.5);
  let first = r.pick(female ? p.female : p.male);
  let last = r.pick(p.last);
  const style = r.int(0, 9);
  if (c === 'ES' || c === 'MX') {
    if (r.chance(0.6)) last = `${last} ${r.pick(p.last)}`;
  }
  if (style === 0) last = r.pick(PARTICLES[lang]) + last;
  if (style === 1) last = `${last}-${r.pick(p.last)}`;
  if (style === 2) first = r.pick(HYPH_FIRST[lang]);
  let display = `${first} ${last}`;
  if (style === 3) display = `${first[0]}. ${last}`;
  if (style === 4) display = `${first[0]}. ${r.chars('ABCDEFGHJKLMNPRSTW', 1)}. ${last}`;
  const birth = { y: r.int(1941, 2004), m: r.int(1, 12), d: r.int(1, 28) };
  return { first, last, female, country: c, lang, display, birth };
}
export const TITLES: Record<Lang, [string, string, string]> = {
  en: ['Mrs', 'Mr', 'Dr.'],
  de: ['Frau', 'Herr', 'Dr.'],
  fr: ['Mme', 'M.', 'Dr'],
  es: ['Sra.', 'Sr.', 'Dr.'],
  it: ['Sig.ra', 'Sig.', 'Dott.'],
  nl: ['mevrouw', 'meneer', 'dr.'],
};

const deaccent = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss');
const DOMAINS: Record<Country, string[]> = {
  GB: ['btinternet.com', 'yahoo.co.uk', 'outlook.com', 'gmail.com'],
  US: ['gmail.com', 'yahoo.com', 'icloud.com', 'comcast.net'],
  DE: ['web.de', 'gmx.de', 't-online.de', 'posteo.de', 'gmail.com'],
  AT: ['gmx.at', 'aon.at', 'chello.at'],
  CH: ['bluewin.ch', 'gmx.ch', 'sunrise.ch'],
  FR: ['orange.fr', 'free.fr', 'laposte.net', 'sfr.fr'],
  BE: ['skynet.be', 'telenet.be', 'proximus.be'],
  ES: ['telefonica.net', 'hotmail.es', 'yahoo.es', 'gmail.com'],
  MX: ['prodigy.net.mx', 'hotmail.com', 'gmail.com'],
  IT: ['libero.it', 'virgilio.it', 'tiscali.it', 'alice.it'],
  NL: ['ziggo.nl', 'kpnmail.nl', 'xs4all.nl', 'planet.nl'],
};
export function email(r: Rng, p: Person): string {
  const f = deaccent(p.first)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  const l = deaccent(p.last)
    .toLowerCase()
    .replace(/[^a-z]/g, '');
  const local = r.pick([`${f}.${l}`, `${f[0]}${l}`, `${l}${r.int(1, 99)}`, `${f}_${l}`, `${f}.${l}${r.int(60, 99)}`]);
  return `${local}@${r.pick(DOMAINS[p.country])}`;
}
export const companyEmail = (r: Rng, p: Person, domain: string): string =>
  `${deaccent(p.first)
    .toLowerCase()
    .replace(/[^a-z]/g, '')}.${deaccent(p.last)
    .toLowerCase()
    .replace(/[^a-z]/g, '')}@${domain}`;

// ---------- addresses ----------
const STREETS: Record<string, string[]> = {
  FR: [
    'rue de la République',
    'avenue Victor Hugo',
    'rue des Lilas',
    'boulevard Jean Jaurès',
    'rue du Moulin',
    'place de la Gare',
    'rue Pasteur',
    'allée des Écoles',
    'rue Gambetta',
    'impasse Voltaire',
    'chemin du Château',
    'rue Saint-Michel',
  ],
  BEfr: ['Rue de la Loi', 'Avenue Louise', 'Chaussée de Wavre', 'Rue Haute', "Boulevard d'Avroy"],
  CHfr: ['Rue du Rhône', 'Avenue de la Gare', 'Chemin des Vignes', 'Rue de Lausanne'],
  ES: [
    'Calle Mayor',
    'Calle de Alcalá',
    'Gran Vía',
    'Avenida de la Constitución',
    'Calle del Sol',
    'Paseo de San Vicente',
    'Calle de Goya',
    'Calle Real',
    'Plaza de Cervantes',
    'Avenida Colón',
    'Calle de la Paz',
    'Calle de Serrano',
  ],
  MX: ['Av. Insurgentes Sur', 'Calle Durango', 'Av. Juárez', 'Calle Hidalgo', 'Av. Revolución', 'Calle Morelos'],
  IT: [
    'Via Roma',
    'Via Garibaldi',
    'Corso Mazzini',
    'Via Cavour',
    'Viale Dante Alighieri',
    'Corso Vittorio Emanuele II',
    'Via dei Mille',
    'Piazza della Repubblica',
    'Via XX Settembre',
    'Via San Francesco',
    'Via Manzoni',
    'Viale Verdi',
  ],
  NL: [
    'Kerkstraat',
    'Dorpsstraat',
    'Stationsweg',
    'Keizersgracht',
    'Prinsengracht',
    'Molenweg',
    'Julianalaan',
    'Beatrixstraat',
    'Schoolstraat',
    'Marktplein',
    'Oranjelaan',
    'Lindenlaan',
  ],
  BEnl: ['Kerkstraat', 'Veldstraat', 'Meir', 'Steenweg', 'Grote Markt', 'Bondgenotenlaan'],
};
const CITIES: Record<string, Array<[string, string]>> = {
  DE: [
    ['10115', 'Berlin'],
    ['80331', 'München'],
    ['20095', 'Hamburg'],
    ['50667', 'Köln'],
    ['60311', 'Frankfurt am Main'],
    ['70173', 'Stuttgart'],
    ['04109', 'Leipzig'],
    ['01067', 'Dresden'],
    ['28195', 'Bremen'],
    ['90402', 'Nürnberg'],
    ['30159', 'Hannover'],
    ['44135', 'Dortmund'],
    ['53111', 'Bonn'],
    ['79098', 'Freiburg im Breisgau'],
  ],
  AT: [
    ['1010', 'Wien'],
    ['1070', 'Wien'],
    ['8010', 'Graz'],
    ['4020', 'Linz'],
    ['5020', 'Salzburg'],
    ['6020', 'Innsbruck'],
    ['9020', 'Klagenfurt'],
  ],
  CH: [
    ['8001', 'Zürich'],
    ['3011', 'Bern'],
    ['4051', 'Basel'],
    ['6003', 'Luzern'],
    ['9000', 'St. Gallen'],
    ['8400', 'Winterthur'],
  ],
  CHfr: [
    ['1204', 'Genève'],
    ['1003', 'Lausanne'],
    ['2000', 'Neuchâtel'],
    ['1700', 'Fribourg'],
  ],
  FR: [
    ['75011', 'Paris'],
    ['69002', 'Lyon'],
    ['13001', 'Marseille'],
    ['31000', 'Toulouse'],
    ['33000', 'Bordeaux'],
    ['59000', 'Lille'],
    ['44000', 'Nantes'],
    ['67000', 'Strasbourg'],
    ['34000', 'Montpellier'],
    ['06000', 'Nice'],
  ],
  BEfr: [
    ['1000', 'Bruxelles'],
    ['4000', 'Liège'],
    ['5000', 'Namur'],
    ['6000', 'Charleroi'],
  ],
  BEnl: [
    ['9000', 'Gent'],
    ['2000', 'Antwerpen'],
    ['3000', 'Leuven'],
    ['8000', 'Brugge'],
  ],
  ES: [
    ['28013', 'Madrid'],
    ['08001', 'Barcelona'],
    ['46001', 'Valencia'],
    ['41001', 'Sevilla'],
    ['50001', 'Zaragoza'],
    ['29001', 'Málaga'],
    ['48001', 'Bilbao'],
    ['15001', 'A Coruña'],
  ],
  MX: [
    ['06600', 'Ciudad de México'],
    ['44100', 'Guadalajara'],
    ['64000', 'Monterrey'],
    ['72000', 'Puebla'],
  ],
  IT: [
    ['00184', 'Roma|RM'],
    ['20121', 'Milano|MI'],
    ['10121', 'Torino|TO'],
    ['80133', 'Napoli|NA'],
    ['40121', 'Bologna|BO'],
    ['50122', 'Firenze|FI'],
    ['90133', 'Palermo|PA'],
    ['30121', 'Venezia|VE'],
    ['16121', 'Genova|GE'],
  ],
  NL: [
    ['1015', 'Amsterdam'],
    ['3011', 'Rotterdam'],
    ['2511', 'Den Haag'],
    ['3511', 'Utrecht'],
    ['5611', 'Eindhoven'],
    ['9711', 'Groningen'],
    ['6511', 'Nijmegen'],
  ],
  GB: [
    ['SW1A', 'London'],
    ['EC1A', 'London'],
    ['N1', 'London'],
    ['M1', 'Manchester'],
    ['B1', 'Birmingham'],
    ['LS1', 'Leeds'],
    ['BS1', 'Bristol'],
    ['EH1', 'Edinburgh'],
    ['G1', 'Glasgow'],
  ],
  US: [
    ['62704', 'Springfield|IL'],
    ['78701', 'Austin|TX'],
    ['97205', 'Portland|OR'],
    ['80202', 'Denver|CO'],
    ['02108', 'Boston|MA'],
    ['98101', 'Seattle|WA'],
    ['60601', 'Chicago|IL'],
  ],
};
export const COUNTRY_NAMES: Record<Lang, Record<Country, string>> = {
  en: {
    GB: 'United Kingdom',
    US: 'USA',
    DE: 'Germany',
    AT: 'Austria',
    CH: 'Switzerland',
    FR: 'France',
    BE: 'Belgium',
    ES: 'Spain',
    MX: 'Mexico',
    IT: 'Italy',
    NL: 'the Netherlands',
  },
  de: {
    GB: 'Großbritannien',
    US: 'USA',
    DE: 'Deutschland',
    AT: 'Österreich',
    CH: 'Schweiz',
    FR: 'Frankreich',
    BE: 'Belgien',
    ES: 'Spanien',
    MX: 'Mexiko',
    IT: 'Italien',
    NL: 'Niederlande',
  },
  fr: {
    GB: 'Royaume-Uni',
    US: 'États-Unis',
    DE: 'Allemagne',
    AT: 'Autriche',
    CH: 'Suisse',
    FR: 'France',
    BE: 'Belgique',
    ES: 'Espagne',
    MX: 'Mexique',
    IT: 'Italie',
    NL: 'Pays-Bas',
  },
  es: {
    GB: 'Reino Unido',
    US: 'Estados Unidos',
    DE: 'Alemania',
    AT: 'Austria',
    CH: 'Suiza',
    FR: 'Francia',
    BE: 'Bélgica',
    ES: 'España',
    MX: 'México',
    IT: 'Italia',
    NL: 'Países Bajos',
  },
  it: {
    GB: 'Regno Unito',
    US: 'Stati Uniti',
    DE: 'Germania',
    AT: 'Austria',
    CH: 'Svizzera',
    FR: 'Francia',
    BE: 'Belgio',
    ES: 'Spagna',
    MX: 'Messico',
    IT: 'Italia',
    NL: 'Paesi Bassi',
  },
  nl: {
    GB: 'Verenigd Koninkrijk',
    US: 'Verenigde Staten',
    DE: 'Duitsland',
    AT: 'Oostenrijk',
    CH: 'Zwitserland',
    FR: 'Frankrijk',
    BE: 'België',
    ES: 'Spanje',
    MX: 'Mexico',
    IT: 'Italië',
    NL: 'Nederland',
  },
};
export interface Address {
  street: string;
  cityLine: string;
  city: string;
  postcode: string;
  oneLine: string;
  country: Country;
}
export function address(r: Rng, p: Person): Address {
  const c = p.country;
  const lang = p.lang;
  const key = c === 'CH' && lang === 'fr' ? 'CHfr' : c === 'BE' ? (lang === 'nl' ? 'BEnl' : 'BEfr') : c;
  const [pc, cityRaw] = r.pick(CITIES[key]!);
  const [city, region] = cityRaw.split('|') as [string, string | undefined];
  const no = String(r.int(1, 180)) + (r.chance(0.1) ? r.pick(['a', 'b', 'A']) : '');
  let street: string;
  let cityLine: string;
  let postcode = pc;
  switch (key) {
    case 'DE':
      street = `${r.pick(clean(loc('de').location.street_name).concat(['Hauptstraße', 'Lindenallee', 'Am Markt']))} ${no}`;
      cityLine = `${pc} ${city}`;
      break;
    case 'AT':
      street = `${r.pick(clean(loc('de_AT').location.street_name).concat(['Mariahilfer Straße', 'Landstraßer Hauptstraße']))} ${no}${r.chance(0.4) ? `/${r.int(1, 9)}/${r.int(1, 30)}` : ''}`;
      cityLine = `${pc} ${city}`;
      break;
    case 'CH':
      street = `${r.pick(clean(loc('de_CH').location.street_name))} ${no}`;
      cityLine = `${pc} ${city}`;
      break;
    case 'FR':
      street = `${no}${r.chance(0.15) ? ' bis' : ''} ${r.pick(STREETS.FR!)}`;
      cityLine = `${pc} ${city}`;
      break;
    case 'ES':
      street = `${r.pick(STREETS.ES!)}, ${no}${r.chance(0.5) ? `, ${r.int(1, 8)}º ${r.pick(['A', 'B', 'C', 'izq.', 'dcha.'])}` : ''}`;
      cityLine = `${pc} ${city}`;
      break;
    case 'MX':
      street = `${r.pick(STREETS.MX!)} ${no}, Col. ${r.pick(['Centro', 'Juárez', 'Roma Norte', 'Del Valle', 'Americana'])}`;
      cityLine = `${pc} ${city}`;
      break;
    case 'IT':
      street = `${r.pick(STREETS.IT!)} ${no}`;
      cityLine = `${pc} ${city} (${region})`;
      break;
    case 'NL':
      street = `${r.pick(STREETS.NL!)} ${no}`;
      postcode = `${pc} ${r.chars('ABCDEGHJKLMNPRSTVWXZ', 2)}`;
      cityLine = `${postcode} ${city}`;
      break;
    case 'GB':
      street = `${no} ${r.pick(clean(loc('en_GB').location.street_name))}`;
      postcode = `${pc} ${r.int(1, 9)}${r.chars('ABDEFGHJLNPQRSTUWXYZ', 2)}`;
      cityLine = `${city} ${postcode}`;
      break;
    case 'US':
      street = `${r.int(100, 9999)} ${r.pick(clean(loc('en_US').location.street_name).filter((s) => !/^\d/.test(s)))}`;
      cityLine = `${city}, ${region} ${pc}`;
      break;
    default:
      street = `${r.pick(STREETS[key]!)} ${no}`;
      cityLine = `${pc} ${city}`;
  }
  const oneLine = c === 'US' || c === 'GB' ? `${street}, ${cityLine}` : `${street}, ${cityLine}`;
  return { street, cityLine, city, postcode, oneLine, country: c };
}

// ---------- phones ----------
const CC: Record<Country, string> = { GB: '44', US: '1', DE: '49', AT: '43', CH: '41', FR: '33', BE: '32', ES: '34', MX: '52', IT: '39', NL: '31' };
const NSN: Record<Country, Array<() => string>> = {} as never;
function nsnCandidates(r: Rng, c: Country): string {
  switch (c) {
    case 'DE':
      return r.chance(0.6)
        ? r.pick(['151', '152', '157', '160', '162', '170', '171', '172', '176', '177', '179']) + r.digits(r.int(7, 8))
        : r.pick(['30', '40', '89', '69', '221']) + r.digits(r.int(7, 8));
    case 'AT':
      return r.pick(['664' + r.digits(7), '676' + r.digits(7), '1' + r.digits(7), '316' + r.digits(6)]);
    case 'CH':
      return r.pick(['76', '78', '79', '44', '31', '22', '61']) + r.digits(7);
    case 'FR':
      return String(r.pick([6, 7, 1, 2, 3, 4, 5])) + r.digits(8);
    case 'BE':
      return r.chance(0.6)
        ? r.pick(['470', '471', '472', '475', '476', '477', '478', '479', '484', '485', '486', '494', '495', '496', '497', '498', '499']) + r.digits(6)
        : '2' + r.digits(7);
    case 'ES':
      return String(r.pick([6, 6, 9])) + r.digits(8);
    case 'MX':
      return r.pick(['55', '33', '81']) + r.digits(8);
    case 'IT':
      return r.chance(0.6)
        ? r.pick(['320', '328', '333', '338', '340', '347', '349', '366', '388', '393']) + r.digits(7)
        : r.pick(['06', '02']) + r.digits(r.int(6, 8));
    case 'NL':
      return r.chance(0.6) ? '6' + r.digits(8) : r.pick(['20', '10', '30', '70']) + r.digits(7);
    case 'GB':
      return r.chance(0.6) ? '7' + r.pick(['4', '5', '7', '8', '9']) + r.digits(8) : '20' + r.pick(['7', '3', '8']) + r.digits(7);
    case 'US':
      return r.pick(['212', '312', '415', '503', '617', '702', '303', '206', '512']) + String(r.int(2, 9)) + r.digits(2) + r.digits(4);
  }
}
void NSN;
export interface Phone {
  nsn: string;
  country: Country;
  national: string;
  intl: string;
  e164: string;
}
export function phone(r: Rng, c: Country): Phone {
  for (;;) {
    const nsn = nsnCandidates(r, c);
    const p = parsePhoneNumberFromString('+' + CC[c] + nsn);
    if (p && p.isValid() && p.country === c) return { nsn, country: c, national: p.formatNational(), intl: p.formatInternational(), e164: p.number };
  }
}
/** A phone rendering; `spoken` groups digits the way people read them out. */
export function formatPhone(r: Rng, ph: Phone, style: 'written' | 'spoken'): string {
  const trunk = ['ES', 'IT', 'US', 'MX'].includes(ph.country) ? '' : '0';
  const natDigits = (ph.country === 'IT' || ph.country === 'ES' ? '' : trunk) + ph.nsn;
  if (style === 'spoken') {
    const k = r.int(0, 2);
    if (k === 0) return natDigits.match(/.{1,2}/g)!.join(' ');
    if (k === 1)
      return `${natDigits.slice(0, 4)} - ${natDigits
        .slice(4)
        .match(/.{1,3}/g)!
        .join(' ')}`;
    return `+${CC[ph.country]} ${ph.nsn.split('').join(' ')}`;
  }
  const k = r.int(0, 5);
  if (k === 0) return ph.national;
  if (k === 1) return ph.intl;
  if (k === 2) return ph.e164;
  if (k === 3) return ph.intl.replace(/ /g, '-').replace('-', ' ');
  if (k === 4 && ph.country !== 'US' && trunk) return `+${CC[ph.country]} (0)${ph.nsn.slice(0, 3)} ${ph.nsn.slice(3)}`;
  if (ph.country === 'DE') return `${natDigits.slice(0, 4)}/${natDigits.slice(4)}`;
  if (ph.country === 'US') return `${ph.nsn.slice(0, 3)}.${ph.nsn.slice(3, 6)}.${ph.nsn.slice(6)}`;
  return `00${CC[ph.country]} ${ph.nsn}`;
}
export function notAPhone(r: Rng): string {
  for (;;) {
    const c = r.pick(Object.keys(CC) as Country[]);
    const s = r.chance(0.5) ? `+${CC[c]} ${r.digits(r.int(2, 3))} ${r.digits(2)}` : `+${CC[c]} 0${r.digits(2)} ${r.digits(12)}`;
    const p = parsePhoneNumberFromString(s.replace(/ /g, ''));
    if (!p || !p.isValid()) return s;
  }
}

// ---------- dates ----------
const MONTHS: Record<Lang, string[]> = {
  en: ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'],
  de: ['Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September', 'Oktober', 'November', 'Dezember'],
  fr: ['janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre', 'octobre', 'novembre', 'décembre'],
  es: ['enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre', 'octubre', 'noviembre', 'diciembre'],
  it: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
  nl: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
};
const p2 = (n: number): string => String(n).padStart(2, '0');
export function formatDate(r: Rng, lang: Lang, d: { y: number; m: number; d: number }, us = false): string {
  const k = r.int(0, 2);
  if (k === 2) return `${d.y}-${p2(d.m)}-${p2(d.d)}`;
  if (k === 1) {
    const mn = MONTHS[lang][d.m - 1];
    return lang === 'en'
      ? us
        ? `${mn} ${d.d}, ${d.y}`
        : `${d.d} ${mn} ${d.y}`
      : lang === 'de'
        ? `${d.d}. ${mn} ${d.y}`
        : lang === 'es'
          ? `${d.d} de ${mn} de ${d.y}`
          : `${d.d} ${mn} ${d.y}`;
  }
  if (lang === 'en') return us ? `${p2(d.m)}/${p2(d.d)}/${d.y}` : `${p2(d.d)}/${p2(d.m)}/${d.y}`;
  if (lang === 'de') return `${p2(d.d)}.${p2(d.m)}.${d.y}`;
  if (lang === 'nl') return `${p2(d.d)}-${p2(d.m)}-${d.y}`;
  return `${p2(d.d)}/${p2(d.m)}/${d.y}`;
}
export const recentDate = (r: Rng): { y: number; m: number; d: number } => ({ y: r.int(2022, 2025), m: r.int(1, 12), d: r.int(1, 28) });
export const isoTimestamp = (r: Rng): string => {
  const d = recentDate(r);
  return `${d.y}-${p2(d.m)}-${p2(d.d)}T${p2(r.int(0, 23))}:${p2(r.int(0, 59))}:${p2(r.int(0, 59))}${r.pick(['Z', '.000Z', '+01:00', '+0200'])}`;
};

// ---------- network, urls ----------
export function ipv4(r: Rng): string {
  return `${r.pick([31, 46, 62, 78, 81, 84, 89, 91, 95, 109, 176, 185, 188, 193, 212, 213, 217, 10, 192])}.${r.int(0, 255)}.${r.int(0, 255)}.${r.int(1, 254)}`;
}
export function ipv6(r: Rng): string {
  const h = (): string => r.int(0, 0xffff).toString(16);
  const pre = r.pick(['2a02:810d', '2001:16b8', '2a01:e0a', '2003:e2', '2a00:23c5', '2001:1c00']);
  return r.chance(0.5) ? `${pre}:${h()}:${h()}:${h()}:${h()}:${h()}:${h()}` : `${pre}:${h()}::${h()}:${h()}`;
}
const slug = (p: Person): string =>
  deaccent(`${p.first}-${p.last}`)
    .toLowerCase()
    .replace(/[^a-z-]+/g, '-');
export function url(r: Rng, p: Person, shop: string): string {
  return r.pick([
    `https://www.linkedin.com/in/${slug(p)}-${r.chars('0123456789abcdef', 6)}`,
    `https://${shop}/account/orders?customer=${r.digits(7)}`,
    `https://calendly.com/${slug(p)}/30min`,
    `https://drive.google.com/file/d/${r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-', 28)}/view`,
    `http://www.${deaccent(p.last)
      .toLowerCase()
      .replace(/[^a-z]/g, '')}-${r.pick(['design', 'immobilien', 'consulting', 'bakery', 'studio'])}.${r.pick(['de', 'fr', 'es', 'it', 'nl', 'co.uk', 'com'])}`,
    `https://www.instagram.com/${deaccent(p.first)
      .toLowerCase()
      .replace(/[^a-z]/g, '')}_${r.int(10, 99)}/`,
  ]);
}
export const SHOPS = [
  'shop.nordwind-outdoor.de',
  'www.maison-lumiere.fr',
  'tienda.solymar.es',
  'negozio.bellacasa.it',
  'winkel.fietsplaats.nl',
  'store.harbourline.co.uk',
  'www.alpenglanz.at',
];

// ---------- secrets, crypto ----------
const AN = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const b64url = (s: string | Uint8Array): string => Buffer.from(s).toString('base64url');
export function secret(r: Rng, kind?: string): { kind: string; value: string } {
  const k = kind ?? r.pick(['aws', 'github', 'github_pat', 'slack', 'stripe', 'google', 'jwt', 'bearer', 'private_key']);
  switch (k) {
    case 'aws':
      return { kind: k, value: 'AKIA' + r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16) };
    case 'github':
      return { kind: k, value: 'ghp_' + r.chars(AN, 36) };
    case 'github_pat':
      return { kind: k, value: 'github_pat_11' + r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 20) + '_' + r.chars(AN, 59) };
    case 'slack':
      return { kind: k, value: `xoxb-${r.digits(12)}-${r.digits(13)}-${r.chars(AN, 24)}` };
    case 'stripe':
      return { kind: k, value: 'sk_live_' + r.chars(AN, r.pick([24, 99])) };
    case 'google':
      return { kind: k, value: 'AIza' + r.chars(AN + '_-', 35) };
    case 'jwt':
      return {
        kind: k,
        value: `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(JSON.stringify({ sub: r.digits(8), iat: 1700000000 + r.int(0, 50000000), scope: 'orders:read' }))}.${b64url(r.bytes(32))}`,
      };
    case 'bearer':
      return { kind: k, value: r.chars(AN + '-._', r.int(32, 48)) };
    case 'private_key': {
      const lines = Array.from({ length: r.int(3, 5) }, () => Buffer.from(r.bytes(48)).toString('base64'));
      const t = r.pick(['RSA PRIVATE KEY', 'PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'EC PRIVATE KEY']);
      return { kind: k, value: `-----BEGIN ${t}-----\n${lines.join('\n')}\n-----END ${t}-----` };
    }
    case 'aws_secret':
      return { kind: k, value: r.chars(AN + '/+', 40) };
    default:
      throw new Error(k);
  }
}
const WORDS = ['Sommer', 'Katze', 'soleil', 'Bicicleta', 'gatto', 'fiets', 'Dragon', 'Winter', 'Fußball', 'Lapin', 'Mariposa', 'Luna', 'Tulp', 'Monkey'];
export const password = (r: Rng): string =>
  r.pick([
    `${r.pick(WORDS)}${r.int(1960, 2025)}${r.pick(['!', '?', '#', '$', '.', ''])}`,
    r.chars(AN + '!#%&*+-=?@^_', r.int(10, 16)),
    `${r.pick(WORDS).toLowerCase()}_${r.pick(WORDS).toLowerCase()}${r.int(1, 99)}`,
  ]);
export const basicAuthUrl = (r: Rng, p: Person): string =>
  `https://${deaccent(p.first)
    .toLowerCase()
    .replace(
      /[^a-z]/g,
      '',
    )}:${password(r).replace(/[@/:?#%]/g, 'x')}@${r.pick(['sftp.partner-logistik.de', 'ftp.exports.example-erp.com', 'api.lagerwelt.at', 'dav.archivio-clienti.it'])}/${r.pick(['exports', 'upload', 'feeds/orders.csv'])}`;
export const cryptoAddress = (r: Rng): string => r.pick([ids.btcBase58, ids.btcBech32, ids.ethAddress])(r);

// ---------- look-alikes (hard negatives) ----------
export const orderNo = (r: Rng): string =>
  r.pick([
    `SO-${r.int(2022, 2025)}-${r.digits(6)}`,
    `#${r.int(100000, 999999)}`,
    `${r.pick(['A', 'B', 'W'])}${r.digits(9)}`,
    `ORD${r.digits(8)}`,
    `${r.digits(3)}-${r.digits(7)}-${r.digits(7)}`,
  ]);
export const invoiceNo = (r: Rng): string =>
  r.pick([`INV-${r.int(2022, 2025)}-${r.digits(5)}`, `RE${r.digits(8)}`, `FA${r.int(22, 25)}/${r.digits(6)}`, `F-${r.digits(4)}-${r.digits(4)}`]);
export const ticketNo = (r: Rng): string => r.pick([`CS-${r.digits(6)}`, `TKT-${r.digits(5)}`, `INC${r.digits(7)}`, `Case ${r.digits(8)}`]);
export const sku = (r: Rng): string =>
  r.pick([
    `${r.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 3)}-${r.digits(5)}-${r.chars('SMLX', 1)}`,
    `SKU${r.digits(7)}`,
    `${r.digits(4)}.${r.digits(3)}.${r.digits(2)}`,
    `${r.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 2)}${r.digits(4)}${r.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 2)}`,
  ]);
export const trackingNo = (r: Rng): string =>
  r.pick([
    `1Z${r.chars('0123456789ABCDEFGHJKLMNPRSTUVWXYZ', 16)}`,
    `00340434${r.digits(12)}`,
    `JJD${r.digits(15)}`,
    `${r.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 2)}${r.digits(9)}${r.pick(['DE', 'FR', 'NL', 'IT', 'ES', 'GB'])}`,
    `3S${r.chars('ABCDEFGHJKLMNPRSTUVWXYZ', 4)}${r.digits(8)}`,
  ]);
export const sfId = (r: Rng): string =>
  r.pick(['001', '003', '005', '006', '00Q', '500', '801', 'a0B']) +
  r.chars('0123456789', 2) +
  r.chars(AN, 10) +
  (r.chance(0.5) ? r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 3) : '');
export const version = (r: Rng): string =>
  r.pick([
    `v${r.int(1, 9)}.${r.int(0, 30)}.${r.int(0, 20)}`,
    `${r.int(1, 20)}.${r.int(0, 9)}.${r.int(0, 99)}.${r.int(100, 9999)}`,
    `${r.int(1, 9)}.${r.int(0, 12)}.${r.int(0, 9)}-rc.${r.int(1, 5)}`,
    `API v${r.int(50, 62)}.0`,
  ]);
export const BRANDS = [
  "Ben & Jerry's",
  'Hugo Boss',
  'Tommy Hilfiger',
  'Dr. Oetker',
  'Marco Polo',
  'Calvin Klein',
  'Ralph Lauren',
  'Karl Lagerfeld',
  'Giorgio Armani',
  'Paul Smith',
  'Ted Baker',
  'Jack Wolfskin',
  'Tom Tailor',
  "Marc O'Polo",
  'Louis Vuitton',
  'Salvatore Ferragamo',
  'Jean Paul Gaultier',
  'Carolina Herrera',
  'Massimo Dutti',
  'Dr. Martens',
  'Jil Sander',
  'Tom Ford',
  'Michael Kors',
  'Kate Spade',
  'Stella McCartney',
  'Vivienne Westwood',
  'Christian Louboutin',
  'Emilio Pucci',
  'Sergio Tacchini',
  'Gerry Weber',
  'Bruno Banani',
  'Hans Natur',
];
const FASHION = ['Eau de Toilette 100 ml', 'Polo Shirt', 'Wool Scarf', 'Leather Belt', 'Sneaker Low', 'Slim Fit Jeans'];
const PRODUCTS_OF: Record<string, string[]> = {
  "Ben & Jerry's": ['Cookie Dough 465 ml', 'Chunky Monkey 465 ml'],
  'Dr. Oetker': ['Backpulver 6er', 'Pizza Ristorante Mozzarella'],
  'Marco Polo': ['Trolley 75 cm', 'Kabinenkoffer 55 cm'],
  'Jack Wolfskin': ['Hardshell Jacket', 'Daypack 22 l'],
  'Dr. Martens': ['Chelsea Boots', '1460 Boots'],
  'Hans Natur': ['Bio-Bettwäsche', 'Wollwalk-Jacke'],
};
/** A brand that looks like a person's name, with a product that fits it. */
export function brandProduct(r: Rng): { brand: string; product: string } {
  const brand = r.pick(BRANDS);
  return { brand, product: r.pick(PRODUCTS_OF[brand] ?? FASHION) };
}
export const sdiCode = (r: Rng): string => r.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', 7);
export function vatNumber(r: Rng, lang: Lang): string {
  switch (lang) {
    case 'de':
      return `DE${r.int(1, 3)}${r.digits(8)}`;
    case 'fr':
      return `FR${r.digits(2)}${r.digits(9)}`;
    case 'es':
      return `ES${r.chars('ABCDEFGHJ', 1)}${r.digits(8)}`;
    case 'it':
      return `IT${r.digits(11)}`;
    case 'nl':
      return `NL${r.digits(9)}B${r.digits(2)}`;
    default:
      return r.chance(0.5) ? `GB${r.digits(9)}` : `EU${r.digits(9)}`;
  }
}
export const hexHash = (r: Rng): string => r.chars('0123456789abcdef', r.pick([40, 64, 32]));
export const uuid = (r: Rng): string => {
  const h = r.chars('0123456789abcdef', 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'[r.int(0, 3)]}${h.slice(17, 20)}-${h.slice(20)}`;
};
export const imageB64 = (r: Rng): string =>
  `data:image/${r.pick(['png', 'jpeg'])};base64,${r.pick(['iVBORw0KGgoAAAANSUhEUgAA', '/9j/4AAQSkZJRgABAQAAAQABAAD'])}${Buffer.from(r.bytes(r.int(24, 45))).toString('base64')}`;
