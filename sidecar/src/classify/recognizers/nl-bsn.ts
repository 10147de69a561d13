import { elevenProofValid } from '../checksums.js';
import { definePatternRecognizer } from './pattern-recognizer.js';

const BSN = /(?<![\p{L}\p{N}.,-])(\d{4})[. ]?(\d{2})[. ]?(\d{3})(?![\p{L}\p{N}]|[.,-]\d)/gu;

/** One random 9-digit number in eleven passes the 11-proof: without context words the score stays low (a little
 * above an unverified 9-digit SSN, which has no checksum). */
export const nlBsn = definePatternRecognizer({
  name: 'pattern:nl_bsn',
  type: 'NL_BSN',
  needsDigit: true,
  patterns: [{ regex: BSN, score: 0.35, validate: (m) => elevenProofValid(m[1]! + m[2]! + m[3]!) }],
});
