import { matchAll, type Recognizer, type Span } from '../span.js';

/** Credentials recognisable by their shape alone; `hint` is a literal every match holds (a cheap test before the scan). */
const TOKENS: Array<{ re: RegExp; score: number; hint: RegExp }> = [
  // Salesforce session id / access token: org id, '!', opaque part.
  { re: /(?<![\p{L}\p{N}])00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{40,}/gu, score: 0.99, hint: /00D/ },
  { re: /(?<![\p{L}\p{N}])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/gu, score: 0.99, hint: /k_(?:live|test)_/ },
  { re: /(?<![\p{L}\p{N}])(?:AKIA|ASIA)[0-9A-Z]{16}(?![\p{L}\p{N}])/gu, score: 0.95, hint: /AKIA|ASIA/ },
  { re: /(?<![\p{L}\p{N}])gh[pousr]_[A-Za-z0-9]{36,}/gu, score: 0.99, hint: /gh[pousr]_/ },
  { re: /(?<![\p{L}\p{N}])xox[abposr]-[A-Za-z0-9-]{10,}/gu, score: 0.99, hint: /xox/ },
  { re: /(?<![\p{L}\p{N}])AIza[0-9A-Za-z_-]{35}/gu, score: 0.95, hint: /AIza/ },
  { re: /(?<![\p{L}\p{N}_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/gu, score: 0.95, hint: /eyJ/ },
  { re: /-----BEGIN (?:RSA |EC |OPENSSH |)PRIVATE KEY-----[\s\S]+?-----END (?:RSA |EC |OPENSSH |)PRIVATE KEY-----/gu, score: 0.99, hint: /-----BEGIN / },
];

/** A value after a password or token keyword, in the six languages: the value is the secret. */
const AFTER_KEYWORD = /(?:password|passwort|kennwort|mot de passe|mdp|contraseña|clave|parola d'ordine|wachtwoord|passwd|pwd|passcode|api[_ -]?key|secret|client_secret|access_token|token)["']?\s*(?:[:=]|is|ist|est|es|è|was|lautet)\s*["']?([^\s"',;]{4,})/giu;
const BEARER = /\bBearer\s+([A-Za-z0-9._~+/-]{20,}=*)/gu;

export const secret: Recognizer = {
  name: 'pattern:secret',
  find(text) {
    const out: Span[] = [];
    for (const { re, score, hint } of TOKENS) {
      if (!hint.test(text)) continue;
      for (const m of matchAll(re, text)) out.push({ type: 'SECRET', start: m.index, end: m.index + m[0].length, score, detector: this.name });
    }
    for (const re of text.includes('Bearer') ? [AFTER_KEYWORD, BEARER] : [AFTER_KEYWORD]) {
      for (const m of matchAll(re, text)) {
        const value = m[1]!;
        const start = m.index + m[0].length - value.length;
        out.push({ type: 'SECRET', start, end: start + value.length, score: 0.8, detector: this.name });
      }
    }
    return out;
  },
};
