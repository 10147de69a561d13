import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';
import { hasContext } from '../context.js';
import { guessLanguage, type Language } from '../language.js';
import { matchAll, type Recognizer, type Span } from '../span.js';

const CANDIDATE = /(?<![\p{L}\p{N}+/.:-])(?:\+|00)?\(?\d[\d \t().\-/]{4,22}\d(?:[ \t]?(?:x|ext\.?)[ \t]?\d{1,5})?(?![\p{L}\p{N}]|[.:/-]\d)/gu;
const DATE_LIKE = /^(\d{1,4})[./-](\d{1,2})[./-](\d{1,4})$/;
const DOTTED_QUAD = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

const REGION_OF: Record<Language, CountryCode> = { en: 'US', de: 'DE', fr: 'FR', es: 'ES', it: 'IT', nl: 'NL' };
const HOME_REGIONS: CountryCode[] = ['US', 'GB', 'DE', 'FR', 'ES', 'IT', 'NL'];
/** Tried only next to a phone context word, where a foreign national format is plausible. */
const OTHER_REGIONS: CountryCode[] = ['BE', 'AT', 'CH', 'IE', 'PT', 'CA', 'AU', 'IL', 'IN', 'CN', 'JP', 'BR', 'MX', 'PL', 'SE'];

function validIn(candidate: string, regions: CountryCode[]): boolean {
  for (const region of regions) {
    const parsed = parsePhoneNumberFromString(candidate, region);
    if (parsed?.isValid()) return true;
  }
  return false;
}

const baseScore = (raw: string): number => {
  if (/^(\+|00)/.test(raw)) return 0.75;
  if (/[ ().\-/]/.test(raw)) return 0.55;
  return 0.4;
};

/** Phone numbers parsed and validated per region (libphonenumber metadata), the text's language first. */
export const phone: Recognizer = {
  name: 'pattern:phone',
  find(text) {
    const out: Span[] = [];
    let regions: CountryCode[] | null = null;
    let lower: string | null = null;
    for (const m of matchAll(CANDIDATE, text)) {
      const raw = m[0].trimEnd();
      const digits = raw.replace(/\D/g, '');
      if (digits.length < 7 || digits.length > 15 || DATE_LIKE.test(raw) || DOTTED_QUAD.test(raw)) continue;
      if (regions === null) {
        const lang = guessLanguage(text);
        regions = lang ? [REGION_OF[lang], ...HOME_REGIONS.filter((r) => r !== REGION_OF[lang])] : HOME_REGIONS;
      }
      const candidate = raw.replace(/^00/, '+');
      let valid = validIn(candidate, candidate.startsWith('+') ? ['US'] : regions);
      if (!valid && !candidate.startsWith('+')) {
        lower ??= text.toLowerCase();
        valid = hasContext('PHONE_NUMBER', lower, m.index, m.index + raw.length) && validIn(candidate, OTHER_REGIONS);
      }
      if (!valid) continue;
      out.push({ type: 'PHONE_NUMBER', start: m.index, end: m.index + raw.length, score: baseScore(raw), detector: this.name });
    }
    return out;
  },
};
