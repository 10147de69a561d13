import { elevenProofValid } from '../checksums.js';
import { matchAll, type Recognizer, type Span } from '../span.js';

const BSN = /(?<![\p{L}\p{N}.,-])(\d{4})[. ]?(\d{2})[. ]?(\d{3})(?![\p{L}\p{N}]|[.,-]\d)/gu;

/** One random 9-digit number in eleven passes the 11-proof: without context words the score stays low (a little
 * above an unverified 9-digit SSN, which has no checksum). */
export const nlBsn: Recognizer = {
  name: 'pattern:nl_bsn',
  needsDigit: true,
  find(text) {
    const out: Span[] = [];
    for (const m of matchAll(BSN, text)) {
      const digits = m[1]! + m[2]! + m[3]!;
      if (!elevenProofValid(digits)) continue;
      out.push({ type: 'NL_BSN', start: m.index, end: m.index + m[0].length, score: 0.35, detector: this.name });
    }
    return out;
  },
};
