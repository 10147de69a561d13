import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { followsBusinessWord, hasContext } from '../context.js';
import { guessLanguage, type Language } from '../language.js';
import { matchAll, type Recognizer, type Span } from '../span.js';
import { followsIbanStart } from './iban.js';

const CANDIDATE = /(?<![\p{L}\p{N}+/.:-])(?:\+|00)?\(?\d[\d \t().\-/]{4,22}\d(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,5})?(?![\p{L}\p{N}]|[.:/-]\d)/gu;
/** Words that often precede a number someone can be reached on, too vague to raise a score on their own. */
const REACH_WORDS =
  /(?:^|[^\p{L}])(?:number|nummer|numéro|número|numero|messages?|answering|reach|contact|registered|erreichbar|joindre|contactar|contattare|bereikbaar)[^\p{L}]*(?:\p{L}+[^\p{L}\d]+){0,3}$/u;
const DATE_LIKE = /^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$/;
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

const REGION_OF: Record<Language, CountryCode> = { en: 'US', de: 'DE', fr: 'FR', es: 'ES', it: 'IT', nl: 'NL' };
const HOME_REGIONS: CountryCode[] = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL'];
/** Next to a phone context word a foreign national format is plausible: these are tried as well. */
const OTHER_REGIONS: CountryCode[] = ['BE', 'AT', 'CH', 'IE', 'PT', 'CA', 'AU', 'IL', 'IN', 'CN', 'JP', 'BR', 'MX', 'PL', 'SE'];

type Shape = 'international' | 'national' | 'digits' | 'ambiguous';

/**
 * International numbers carry their region. A national number needs a trunk prefix or an area code in
 * parentheses, three or more groups, or ten digits; two short groups ("17151 2450 Crown St") are house numbers.
 * A bare run of ten or more digits may as well be another identifier: it scores lower than checksummed ones.
 */
function shapeOf(raw: string, digits: string): Shape {
  if (/^(\+|00)/.test(raw)) return 'international';
  const groups = raw.split(/[ \t().\-/]+/).filter(Boolean).length;
  if (groups === 1) return digits.length >= 10 ? 'digits' : 'ambiguous';
  if (/^[0(]/.test(raw) || groups >= 3 || digits.length >= 10) return 'national';
  return 'ambiguous';
}

/**
 * Regions whose national numbers are always written with the trunk prefix 0 (030 …, 06 …, 020 …): there one bare
 * run of digits without it is another identifier, though libphonenumber accepts it ("33609418726" parses as a
 * German number, and is an 11-digit tax id that fails its check digit).
 */
const TRUNK_ZERO: ReadonlySet<CountryCode> = new Set(['DE', 'AT', 'CH', 'FR', 'BE', 'NL', 'GB', 'IE', 'SE']);
/** Numbers written with dots only are grouped in pairs after the first group (01.23.45.67.89, 0475.12.34.56). */
const DOTTED_PAIRS = /^\(?\d{2,4}\)?(?:\.\d{2})+$/;

function parsed(candidate: string, regions: CountryCode[], possibleIsEnough: boolean, bareRun = false): boolean {
  for (const region of regions) {
    if (bareRun && TRUNK_ZERO.has(region)) continue;
    const number = parsePhoneNumberFromString(candidate, region);
    // The cheap length check first: validation matches the number against the region's patterns.
    if ((possibleIsEnough && number?.isPossible()) || number?.isValid()) return true;
  }
  return false;
}

const SCORE: Record<Shape, number> = { international: 0.75, national: 0.55, digits: 0.5, ambiguous: 0.3 };

/**
 * Phone numbers parsed and validated per region (libphonenumber metadata): first in the region of the text's
 * language (and the US); in the other home regions when the number is written with a trunk prefix and groups
 * or follows a word about reaching someone; in the wider list only after such a word.
 */
export const phone: Recognizer = {
  name: 'pattern:phone',
  needsDigit: true,
  find(text) {
    const out: Span[] = [];
    let regions: CountryCode[] | null = null;
    let lower: string | null = null;
    for (const m of matchAll(CANDIDATE, text)) {
      const raw = m[0].trimEnd();
      const digits = raw.replace(/(?:x|ext\.?)[ \t]?\d+$/, '').replace(/\D/g, '');
      if (digits.length < 7 || digits.length > 15 || DATE_LIKE.test(raw) || DOTTED_QUAD.test(raw)) continue;
      if (followsIbanStart(text, m.index)) continue;
      const shape = shapeOf(raw, digits);
      if (shape !== 'international' && digits.length > 12) continue;
      const candidate = raw.replace(/^00/, '+').replace('(0)', '');
      lower ??= text.toLowerCase();
      const end = m.index + raw.length;
      let valid: boolean;
      if (shape === 'international') {
        // The region is written in the number: context words only keep one that follows a business-id word.
        if (followsBusinessWord(lower, m.index) && !hasContext('PHONE_NUMBER', lower, m.index, end)) continue;
        valid = parsed(candidate, ['US'], true);
      } else {
        const context = hasContext('PHONE_NUMBER', lower, m.index, end);
        if ((shape === 'ambiguous' || followsBusinessWord(lower, m.index)) && !context) continue;
        // Dotted runs that are not in pairs are versions and article numbers (13.5.99.5471, 8759.515.32); one with a
        // single digit after its first group is a version even beside a phone word ("clientVersion":"1.7.27.1339").
        if (/^[\d().]+$/.test(raw) && raw.includes('.') && !DOTTED_PAIRS.test(raw) && (!context || /\.\d(?:\.|$)/.test(raw))) continue;
        const reachable = context || REACH_WORDS.test(lower.slice(Math.max(0, m.index - 40), m.index));
        if (regions === null) {
          const lang = guessLanguage(text);
          regions = lang && lang !== 'en' ? [REGION_OF[lang], 'US'] : ['US', 'GB'];
        }
        const home = regions;
        const bareRun = shape === 'digits' && !raw.startsWith('0');
        // A bare run of digits is read in the text's own regions only: a foreign number is written with its country code.
        const wider = (!bareRun && (reachable || /^0\d*[ \t.\-/]\d+[ \t.\-/]\d/.test(raw)) ? HOME_REGIONS : []).filter((r) => !home.includes(r));
        valid =
          parsed(candidate, home, false, bareRun) ||
          parsed(candidate, wider, false, bareRun) ||
          (reachable && !bareRun && parsed(candidate, OTHER_REGIONS, false, bareRun));
      }
      if (!valid) continue;
      out.push({ type: 'PHONE_NUMBER', start: m.index, end, score: SCORE[shape], detector: this.name });
    }
    return out;
  },
};
