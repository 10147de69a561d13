import { matchAll, type Recognizer, type Span } from '../span.js';

const EMAIL = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+(?:[\p{L}]{2,24}|xn--[a-z0-9-]{2,59})(?![\p{L}\p{N}-])/gu;

export const email: Recognizer = {
  name: 'pattern:email',
  find(text) {
    if (!text.includes('@')) return [];
    const out: Span[] = [];
    for (const m of matchAll(EMAIL, text)) {
      const local = m[0].slice(0, m[0].indexOf('@'));
      if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) continue;
      out.push({ type: 'EMAIL_ADDRESS', start: m.index, end: m.index + m[0].length, score: 1, detector: this.name });
    }
    return out;
  },
};
