import type { EntityType } from '../contract/entities.js';
import type { Span } from './span.js';

/**
 * Context words (EN, DE, FR, ES, IT, NL) that make a nearby candidate more or less likely to be
 * personal data. Matching is on lower-cased text, on word starts; a trailing `$` asks for the whole word ("ip" but
 * not "iphone").
 */
const POSITIVE: Partial<Record<EntityType, string[]>> = {
  CREDIT_CARD: ['card', 'credit', 'visa', 'mastercard', 'amex', 'karte', 'kreditkarte', 'carte', 'tarjeta', 'carta', 'kaart', 'creditcard'],
  IBAN_CODE: ['iban', 'bank', 'konto', 'compte', 'cuenta', 'conto', 'rekening'],
  PHONE_NUMBER: ['phone', 'tel', 'mobile', 'cell', 'call', 'fax', 'telefon', 'handy', 'rufnummer', 'téléphone', 'telephone', 'portable', 'teléfono', 'telefono', 'móvil', 'movil', 'cellulare', 'telefoon', 'mobiel', 'bel ', 'whatsapp', 'sms', 'anruf', 'rückruf', 'appel', 'llamar', 'llamada', 'chiamare', 'chiamata', 'bellen', 'teruggebeld'],
  US_SSN: ['ssn', 'social security', 'social sec'],
  UK_NINO: ['nino', 'national insurance', 'ni number', 'insurance number'],
  DE_TAX_ID: ['steuer', 'steuerid', 'steuer-id', 'steueridentifikationsnummer', 'idnr', 'tin', 'tax'],
  FR_NIR: ['nir', 'sécurité sociale', 'securite sociale', 'sécu', 'insee', 'numéro de sécurité'],
  ES_NIF: ['dni', 'nie', 'nif', 'documento', 'identidad', 'extranjero'],
  IT_FISCAL_CODE: ['codice fiscale', 'cf', 'fiscale', 'tessera sanitaria'],
  NL_BSN: ['bsn', 'burgerservicenummer', 'sofinummer', 'sofi'],
  PASSPORT: ['passport', 'travel document', 'reisepass', 'pass-nr', 'passnummer', 'pass nr', 'passeport', 'pasaporte', 'passaporto', 'paspoort', 'reisdocument', '여권'],
  DATE_OF_BIRTH: ['born', 'birth', 'dob', 'd.o.b', 'birthday', 'geboren', 'geburt', 'geb.', 'né ', 'née', 'naissance', 'nacid', 'nacimiento', 'cumpleaños', 'nato ', 'nata ', 'nascita', 'geboorte', 'verjaardag'],
  IP_ADDRESS: [
    'ip$', 'ips$', 'ipv4', 'ipv6', 'ipaddr', 'address', 'host', 'server', 'client', 'gateway', 'subnet', 'netmask',
    'router', 'proxy', 'firewall', 'dns', 'vpn', 'vlan', 'localhost', 'loopback', 'link-local', 'remote', 'login',
    'logon', 'logged in', 'logged from', 'sign-in', 'signed in', 'connect', 'access', 'zugriff', 'anmeldung',
    'verbindung', 'connexion', 'accès', 'acceso', 'conexión', 'accesso', 'connessione', 'toegang', 'verbinding',
    'ingelogd',
  ],
  CRYPTO: [
    'wallet', 'bitcoin', 'btc', 'eth', 'ethereum', 'ether', 'crypto', 'krypto', 'cripto', 'metamask', 'adresse',
    'dirección', 'indirizzo', 'portemonnee', 'portefeuille', 'billetera', 'monedero', 'portafoglio',
  ],
};

/** Words that say a number is a business identifier, not personal data (whole words; `*` marks a stem). */
const BUSINESS_IDS = [
  'order', 'order no', 'invoice', 'tracking', 'sku', 'ref', 'reference', 'ticket', 'case', 'version', 'build', 'release',
  'serial', 'part', 'article', 'item', 'shipment', 'po', 'quote', 'contract', 'record', 'bestell*', 'rechnung*',
  'sendung*', 'auftrag*', 'artikel*', 'vorgang*', 'commande', 'facture', 'suivi', 'colis', 'référence', 'pedido',
  'factura', 'seguimiento', 'envío', 'albarán', 'ordine', 'fattura', 'spedizione', 'articolo', 'bestelling*',
  'factuur', 'zending', 'kenmerk', 'dossier',
];
const NUMERIC_TYPES = new Set<EntityType>([
  'CREDIT_CARD', 'PHONE_NUMBER', 'US_SSN', 'DE_TAX_ID', 'NL_BSN', 'FR_NIR', 'PASSPORT', 'DATE_OF_BIRTH',
]);

const escape = (w: string): string => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/**
 * Words matched from a word start; prefixes by default, whole words when `whole` (a trailing `*` keeps a stem) or
 * when a word ends in `$`.
 */
const wordsPattern = (words: string[], whole = false): RegExp => {
  const alternatives = words.map((w) => {
    if (w.endsWith('*')) return escape(w.slice(0, -1));
    if (w.endsWith('$')) return `${escape(w.slice(0, -1))}(?![\\p{L}])`;
    return escape(w) + (whole ? '(?![\\p{L}])' : '');
  });
  return new RegExp(`(?:^|[^\\p{L}\\p{N}])(?:${alternatives.join('|')})`, 'u');
};

const POSITIVE_RE = new Map<EntityType, RegExp>(
  Object.entries(POSITIVE).map(([t, words]) => [t as EntityType, wordsPattern(words)]),
);
const BUSINESS_RE = wordsPattern(BUSINESS_IDS, true);

/** How far before a candidate (and after it) context words are looked for, in characters. */
const BEFORE = 48;
const AFTER = 32;
const POSITIVE_BOOST = 0.35;
const BUSINESS_PENALTY = 0.45;

/** True when a business-id word (order, invoice, ...) comes right before `start`. */
export const followsBusinessWord = (lower: string, start: number): boolean =>
  BUSINESS_RE.test(lower.slice(Math.max(0, start - 24), start));

export const hasContext = (type: EntityType, lower: string, start: number, end: number): boolean => {
  const re = POSITIVE_RE.get(type);
  if (!re) return false;
  return re.test(lower.slice(Math.max(0, start - BEFORE), start)) || re.test(lower.slice(end, end + AFTER));
};

/**
 * Names of a software version (EN, DE, FR, ES, IT, NL), whole words: a dotted number right after one is a version
 * ("version 10.2.3.4", "Firmware 1.0.0.2", "SDK 2.30.1.5", "versión: 8.2.7.61").
 */
const VERSION_NAMES = [
  'version', 'ver', 'v', 'build', 'release', 'firmware', 'sdk', 'rev', 'revision', 'patch', 'hotfix',
  'versionsnummer', 'révision', 'micrologiciel', 'versión', 'revisión', 'compilación', 'versione', 'revisione',
  'rilascio', 'versie', 'versienummer', 'uitgave',
];
/** Words for updating software: a dotted number later in the same clause is probably the new version. */
const VERSION_VERBS = [
  'upgrad*', 'updat*', 'downgrad*', 'bump*', 'aktualisier*', 'upgegrad*', 'mise à jour', 'mis à jour',
  'mettre à jour', 'actualiz*', 'aggiorn*', 'bijgewerkt', 'bijwerken', 'geüpdatet', 'geüpgraded',
];
const NUMBER_WORD = '(?:\\s+(?:number|no\\.?|nr\\.?|nummer|numéro|número|numero))?';
const VERSION_NAME_BEFORE = new RegExp(`${wordsPattern(VERSION_NAMES, true).source}\\.?${NUMBER_WORD}["'\\s:=#(]*$`, 'u');
const VERSION_WORD = wordsPattern([...VERSION_NAMES, ...VERSION_VERBS], true);
/** "Chrome/120.0.0.0", "apex-ls/4.12.0.1": a product name and a slash right before. */
const PRODUCT_SLASH_BEFORE = /(?:^|[\s([{"'])\p{L}[\p{L}\p{N}._-]*\/$/u;
/** "apex-ls 4.12.0.1", "node-sass 4.1.2.3": a lower-case hyphenated package name right before. */
const PACKAGE_BEFORE = /(?:^|\s)[a-z]+(?:[-_][a-z]+)+\s+$/;
/** "Kindle Paperwhite 9.5.2.30", "PlayStation 5 10.4.4.15", "iPhone 15 Pro 6.15.1.50": a product name right before. */
const PRODUCT_WORD = '(?:[\\p{Lu}\\p{N}][\\p{L}\\p{N}]*|\\p{Ll}+\\p{Lu}[\\p{L}\\p{N}]*)';
const PRODUCT_NAME_BEFORE = new RegExp(`(?:^|[\\s(,])(?=\\S*\\p{L})${PRODUCT_WORD}(?:\\s+${PRODUCT_WORD}){1,3}\\s+$`, 'u');
/** "10.2.3.4-beta", "1.0.0.0-SNAPSHOT", "7.0.0.1+build": a pre-release or build suffix right after. */
const VERSION_SUFFIX =
  /^[-+~_](?:alpha|beta|rc|pre|preview|prerelease|snapshot|dev|nightly|canary|final|ga|lts|stable|release|build|hotfix|patch)(?!\p{L})/iu;
/** Where a clause ends: sentence punctuation or a comma before a space, or a line break. */
const CLAUSE_BREAK = /[.,;!?](?:\s|$)|\n/g;

/**
 * How sure it is that a dotted number at `start..end` is a software version rather than an IP address: `named` when
 * a version name, a product with a slash or a version suffix sits right beside it; `nearby` when an update verb or a
 * version name is in the same clause ("App auf 3.2.1.0 aktualisiert"), or a package or product name right before it;
 * null otherwise.
 */
export function versionEvidence(text: string, start: number, end: number): 'named' | 'nearby' | null {
  const before = text.slice(Math.max(0, start - BEFORE), start);
  const lower = before.toLowerCase();
  if (VERSION_NAME_BEFORE.test(lower) || PRODUCT_SLASH_BEFORE.test(before) || VERSION_SUFFIX.test(text.slice(end, end + 16))) {
    return 'named';
  }
  const clauseBefore = lower.slice(Math.max(0, ...[...lower.matchAll(CLAUSE_BREAK)].map((m) => m.index + m[0].length)));
  const after = text.slice(end, end + AFTER).toLowerCase();
  const breakAfter = after.search(CLAUSE_BREAK);
  const clauseAfter = breakAfter < 0 ? after : after.slice(0, breakAfter);
  const productBefore = PACKAGE_BEFORE.test(before) || PRODUCT_NAME_BEFORE.test(before);
  return productBefore || VERSION_WORD.test(clauseBefore) || VERSION_WORD.test(clauseAfter) ? 'nearby' : null;
}

/** Raises scores next to positive context words, lowers numeric candidates right after business-id words. */
export function applyContext(spans: Span[], text: string): Span[] {
  if (spans.length === 0) return spans;
  const lower = text.toLowerCase();
  return spans.map((s) => {
    let score = s.score;
    if (hasContext(s.type, lower, s.start, s.end)) score += POSITIVE_BOOST;
    if (NUMERIC_TYPES.has(s.type) && followsBusinessWord(lower, s.start)) score -= BUSINESS_PENALTY;
    return score === s.score ? s : { ...s, score: Math.max(0, Math.min(1, score)) };
  });
}
