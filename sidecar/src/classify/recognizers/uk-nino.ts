import { definePatternRecognizer } from './pattern-recognizer.js';

/** First letter not D F I Q U V, second not D F I O Q U V; BG GB KN NK NT TN ZZ are never issued; suffix A-D. */
const NINO = /(?<![\p{L}\p{N}])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])\s?(\d{2})\s?(\d{2})\s?(\d{2})\s?([A-D])(?![\p{L}\p{N}])/giu;
/** A cheap necessary condition for a match: three digit pairs and a suffix letter. */
const MAYBE_NINO = /\d\d\s?\d\d\s?\d\d\s?[A-Da-d]/;
const NEVER_ISSUED = new Set(['BG', 'GB', 'KN', 'NK', 'NT', 'TN', 'ZZ']);

export const ukNino = definePatternRecognizer({
  name: 'pattern:uk_nino',
  type: 'UK_NINO',
  needsDigit: true,
  patterns: [{ regex: NINO, score: 0.85, hint: MAYBE_NINO, validate: (m) => !NEVER_ISSUED.has(m[1]!.toUpperCase()) }],
});
