import { matchAll, type Recognizer, type Span } from '../span.js';

/** Common passport number shapes (EU, UK, US, KR, IN): reported only next to a passport context word. */
const PASSPORT = /(?<![\p{L}\p{N}])(?:[A-Za-z]{1,3}\d{6,8}|[A-Za-z]\d{2}[A-Za-z0-9]{5,6}|[A-Za-z]\d{3}[A-Za-z]\d{4}|[CFGHJKLMNPRTVWXYZcfghjklmnprtvwxyz][CFGHJKLMNPRTVWXYZcfghjklmnprtvwxyz0-9]{8}|\d{9})(?![\p{L}\p{N}])/gu;

export const passport: Recognizer = {
  name: 'pattern:passport',
  find(text) {
    const out: Span[] = [];
    for (const m of matchAll(PASSPORT, text)) {
      if (!/\d/.test(m[0])) continue;
      out.push({ type: 'PASSPORT', start: m.index, end: m.index + m[0].length, score: 0.2, detector: this.name });
    }
    return out;
  },
};
