import { matchAll, type Recognizer, type Span } from '../span.js';

/** First letter not D F I Q U V, second not D F I O Q U V; BG GB KN NK NT TN ZZ are never issued; suffix A-D. */
const NINO = /(?<![\p{L}\p{N}])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?([A-D])(?![\p{L}\p{N}])/giu;
/** A cheap necessary condition for a match: three digit pairs and a suffix letter. */
const MAYBE_NINO = /\d\d\s?\d\d\s?\d\d\s?[A-Da-d]/;
const NEVER_ISSUED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

export const ukNino: Recognizer = {
  name: 'pattern:uk_nino',
  needsDigit: true,
  find(text) {
    if (!MAYBE_NINO.test(text)) return [];
    const out: Span[] = [];
    for (const m of matchAll(NINO, text)) {
      if (NEVER_ISSUED.has(m[1]!.toUpperCase())) continue;
      out.push({ type: 'UK_NINO', start: m.index, end: m.index + m[0].length, score: 0.85, detector: this.name });
    }
    return out;
  },
};
