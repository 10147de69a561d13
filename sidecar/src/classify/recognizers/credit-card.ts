import { luhnValid } from '../checksums.js';
import { matchAll, type Recognizer, type Span } from '../span.js';
import { followsIbanStart } from './iban.js';

/** Issuer prefixes and the lengths each issues (IIN ranges of the card networks). */
const ISSUERS: Array<{ prefix: RegExp; lengths: number[] }> = [
  { prefix: /^4/, lengths: [13, 16, 19] }, // Visa
  { prefix: /^(5[1-5]|222[1-9]|22[3-9]\d|2[3-6]\d\d|27[01]\d|2720)/, lengths: [16] }, // Mastercard
  { prefix: /^3[47]/, lengths: [15] }, // American Express
  { prefix: /^(6011|64[4-9]|65)/, lengths: [16, 17, 18, 19] }, // Discover
  { prefix: /^(30[0-5]|3095|36|38|39)/, lengths: [14, 15, 16, 17, 18, 19] }, // Diners Club
  { prefix: /^35/, lengths: [16, 17, 18, 19] }, // JCB
  { prefix: /^(2131|1800)/, lengths: [15] }, // JCB (legacy)
  { prefix: /^62/, lengths: [16, 17, 18, 19] }, // UnionPay
  { prefix: /^(50|5[6-9]|6\d)/, lengths: [12, 13, 14, 15, 16, 17, 18, 19] }, // Maestro
  { prefix: /^1/, lengths: [15] }, // UATP
  { prefix: /^0604/, lengths: [12] }, // Maestro (legacy)
];

const CANDIDATE = /(?<![\p{L}\p{N}-])\d(?:[ -]?\d){11,}(?![\p{L}\p{N}-])/gu;
/** Groups of a separated run tried as a card on their own, at most (a run is one card, or a card beside other numbers). */
const MAX_GROUPS = 24;

const CARD_WORD_BEFORE = /(?:card|carte|karte|tarjeta|carta|kaart|uatp)/i;

const issuerKnown = (digits: string): boolean => ISSUERS.some((i) => i.lengths.includes(digits.length) && i.prefix.test(digits));

/** Groups must look like a card: no separators, or one separator kind between groups of 3 to 6 digits. */
const wellGrouped = (raw: string): boolean => {
  const seps = raw.match(/[ -]/g);
  if (!seps) return true;
  if (new Set(seps).size > 1) return false;
  return raw.split(/[ -]/).every((g) => g.length >= 3 && g.length <= 6);
};

export const creditCard: Recognizer = {
  name: 'pattern:credit_card',
  needsDigit: true,
  find(text) {
    const out: Span[] = [];
    for (const m of matchAll(CANDIDATE, text)) {
      const raw = m[0];
      // The digits of an IBAN after its country code and check digits ("AT53 6277 0319 0106 8799") are no card.
      if (followsIbanStart(text, m.index)) continue;
      const card = isCard(raw) ? { start: 0, end: raw.length } : cardBesideOtherNumbers(raw);
      // UATP (airline) cards share their shape with French social security numbers (15 digits from 1): named cards only.
      if (card && raw[card.start] === '1' && !CARD_WORD_BEFORE.test(text.slice(Math.max(0, m.index + card.start - 40), m.index + card.start))) continue;
      if (card) out.push({ type: 'CREDIT_CARD', start: m.index + card.start, end: m.index + card.end, score: 0.8, detector: this.name });
    }
    return out;
  },
};

function isCard(raw: string): boolean {
  const digits = raw.replace(/[ -]/g, '');
  return digits.length <= 19 && wellGrouped(raw) && issuerKnown(digits) && luhnValid(digits) && !/^(\d)\1+$/.test(digits);
}

/**
 * A separated run that is not a card as a whole may hold one beside other numbers ("Qty 00 4111 1111 1111 1111"):
 * the longest run of whole groups that is a card, if any. A run shaped as one card of a known issuer and length whose
 * check digit fails is a mistyped card, not a shorter card followed by a number: its first groups are not tried.
 */
function cardBesideOtherNumbers(raw: string): { start: number; end: number } | undefined {
  const groups = [...raw.matchAll(/\d+/g)];
  if (groups.length < 2 || groups.length > MAX_GROUPS) return undefined;
  if (wellGrouped(raw) && issuerKnown(raw.replace(/[ -]/g, ''))) return undefined;
  for (let size = groups.length - 1; size >= 1; size -= 1) {
    for (let first = 0; first + size <= groups.length; first += 1) {
      const last = groups[first + size - 1]!;
      const start = groups[first]!.index;
      const end = last.index + last[0].length;
      if (isCard(raw.slice(start, end))) return { start, end };
    }
  }
  return undefined;
}
