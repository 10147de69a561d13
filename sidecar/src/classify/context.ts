import type { EntityType } from '../contract/entities.js';
import type { Span } from './span.js';

/**
 * Context words (EN, DE, FR, ES, IT, NL) that make a nearby candidate more or less likely to be
 * personal data. Matching is on lower-cased text, on word starts.
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
  IP_ADDRESS: ['ip', 'ipv4', 'ipv6', 'address', 'host', 'server', 'client'],
  CRYPTO: ['wallet', 'bitcoin', 'btc', 'eth', 'ethereum', 'crypto', 'adresse', 'dirección', 'indirizzo', 'portemonnee'],
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
/** Words matched from a word start; prefixes by default, whole words when `whole` (a trailing `*` keeps a stem). */
const wordsPattern = (words: string[], whole = false): RegExp => {
  const alternatives = words.map((w) => (w.endsWith('*') ? escape(w.slice(0, -1)) : escape(w) + (whole ? '(?![\\p{L}])' : '')));
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
