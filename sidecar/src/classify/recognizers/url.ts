import { matchAll, type Recognizer, type Span } from '../span.js';

const WITH_SCHEME = /(?<![\p{L}\p{N}])(?:https?|ftp):\/\/[^\s<>"'`]+|(?<![\p{L}\p{N}./@])www\.[^\s<>"'`]+/giu;
const TLDS = 'com|org|net|edu|gov|io|co|info|biz|eu|de|fr|es|it|nl|be|at|ch|uk|us|ca|au|se|dk|no|fi|pl|cz|pt|ie|lu|br|uy|ee|hu|site|online|shop|app|dev';
const BARE_DOMAIN = new RegExp(
  `(?<![\\p{L}\\p{N}./@:-])(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+(?:${TLDS})(?:\\/[^\\s<>"'\`]*)?(?![\\p{L}\\p{N}@-])`,
  'giu',
);
/** A cheap scan for a known top-level domain before the costlier bare-domain expression runs. */
const HAS_TLD = new RegExp(`\\.(?:${TLDS})(?![\\p{L}\\p{N}])`, 'iu');
/** Every match with a scheme or www holds '://' or 'www.'. */
const WWW = /www\./iu;
const TRAILING = /[.,;:!?)\]}'"]+$/;

function trimmed(raw: string): string {
  let url = raw.replace(TRAILING, '');
  if (raw.includes('(') && raw.endsWith(')') && !url.includes('(')) url = raw;
  return url;
}

export const url: Recognizer = {
  name: 'pattern:url',
  find(text) {
    const out: Span[] = [];
    if (text.includes('://') || WWW.test(text)) {
      for (const m of matchAll(WITH_SCHEME, text)) {
        const value = trimmed(m[0]);
        if (value.length < 8) continue;
        out.push({ type: 'URL', start: m.index, end: m.index + value.length, score: 0.9, detector: this.name });
      }
    }
    if (!HAS_TLD.test(text)) return out;
    for (const m of matchAll(BARE_DOMAIN, text)) {
      const value = trimmed(m[0]);
      const end = m.index + value.length;
      if (out.some((s) => m.index < s.end && s.start < end)) continue;
      out.push({ type: 'URL', start: m.index, end, score: 0.55, detector: this.name });
    }
    return out;
  },
};
