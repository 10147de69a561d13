import { matchAll, type Recognizer, type Span } from '../span.js';
import { columnCells } from './passport.js';

/**
 * Credentials recognisable by their published shape alone; `hint` is a literal every match holds (a cheap test before
 * the scan). The span is the token; `group` names a capture group when only part of the match is the secret.
 */
const TOKENS: Array<{ re: RegExp; score: number; hint: RegExp; group?: number }> = [
  // Salesforce session id / access token: org id, '!', opaque part.
  { re: /(?<![\p{L}\p{N}])00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]{40,}/gu, score: 0.99, hint: /00D/ },
  // Stripe secret and restricted keys, webhook signing secrets (publishable pk_ keys are public by design).
  { re: /(?<![\p{L}\p{N}])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}/gu, score: 0.99, hint: /k_(?:live|test)_/ },
  { re: /(?<![\p{L}\p{N}])whsec_[A-Za-z0-9]{24,}/gu, score: 0.95, hint: /whsec_/ },
  // AWS access key ids (long-term AKIA, temporary ASIA).
  { re: /(?<![\p{L}\p{N}])(?:AKIA|ASIA)[0-9A-Z]{16}(?![\p{L}\p{N}])/gu, score: 0.95, hint: /AKIA|ASIA/ },
  // GitHub tokens: classic (ghp_, gho_, ghu_, ghs_, ghr_) and fine-grained personal access tokens.
  { re: /(?<![\p{L}\p{N}])gh[pousr]_[A-Za-z0-9]{36,}/gu, score: 0.99, hint: /gh[pousr]_/ },
  { re: /(?<![\p{L}\p{N}])github_pat_[A-Za-z0-9_]{40,}/gu, score: 0.99, hint: /github_pat_/ },
  // GitLab personal, deploy, runner and pipeline-trigger tokens.
  { re: /(?<![\p{L}\p{N}])gl(?:pat|dt|rt|ptt)-[A-Za-z0-9_-]{20,}/gu, score: 0.99, hint: /gl(?:pat|dt|rt|ptt)-/ },
  // Slack bot, user, app-level and refresh tokens.
  { re: /(?<![\p{L}\p{N}])xox[abposre]-[A-Za-z0-9-]{10,}/gu, score: 0.99, hint: /xox/ },
  { re: /(?<![\p{L}\p{N}])xapp-\d-[A-Za-z0-9-]{10,}/gu, score: 0.99, hint: /xapp-/ },
  // Google API keys, OAuth access tokens and client secrets.
  { re: /(?<![\p{L}\p{N}])AIza[0-9A-Za-z_-]{35}/gu, score: 0.95, hint: /AIza/ },
  { re: /(?<![\p{L}\p{N}])ya29\.[0-9A-Za-z_-]{20,}/gu, score: 0.9, hint: /ya29\./ },
  { re: /(?<![\p{L}\p{N}])GOCSPX-[0-9A-Za-z_-]{20,}/gu, score: 0.95, hint: /GOCSPX-/ },
  // OpenAI (sk-, sk-proj-, sk-svcacct-) and Anthropic (sk-ant-) keys: long, with letters and digits.
  { re: /(?<![\p{L}\p{N}_-])sk-(?:ant-|proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]*\d)(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{20,}/gu, score: 0.95, hint: /sk-/ },
  // Twilio API key SID (SK + 32 hex), SendGrid, npm, PyPI, Hugging Face, Shopify, DigitalOcean.
  { re: /(?<![\p{L}\p{N}])SK[0-9a-f]{32}(?![\p{L}\p{N}])/gu, score: 0.9, hint: /SK/ },
  { re: /(?<![\p{L}\p{N}])SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}/gu, score: 0.99, hint: /SG\./ },
  { re: /(?<![\p{L}\p{N}])npm_[A-Za-z0-9]{36}(?![\p{L}\p{N}])/gu, score: 0.95, hint: /npm_/ },
  { re: /(?<![\p{L}\p{N}])pypi-[A-Za-z0-9_-]{50,}/gu, score: 0.95, hint: /pypi-/ },
  { re: /(?<![\p{L}\p{N}])hf_[A-Za-z0-9]{34,}/gu, score: 0.9, hint: /hf_/ },
  { re: /(?<![\p{L}\p{N}])shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}/gu, score: 0.95, hint: /shp/ },
  { re: /(?<![\p{L}\p{N}])do[por]_v1_[a-f0-9]{64}/gu, score: 0.95, hint: /_v1_/ },
  // JSON Web Tokens: header, payload and signature, one span.
  { re: /(?<![\p{L}\p{N}_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}/gu, score: 0.95, hint: /eyJ/ },
  // PEM private key blocks (PKCS#1, SEC1, DSA, OpenSSH, PKCS#8, encrypted PKCS#8, PGP), BEGIN through END.
  {
    re: /-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?)-----[\s\S]+?-----END \1-----/gu,
    score: 0.99,
    hint: /-----BEGIN /,
  },
  // Azure storage / service bus connection strings and SAS: the key after its name.
  { re: /(?:AccountKey|SharedAccessKey|SharedSecret)=([A-Za-z0-9+/]{20,}={0,2})/gu, score: 0.95, hint: /Key=|Secret=/, group: 1 },
  // Credentials inside a URL (scheme://user:password@host...): the whole URL is the secret.
  {
    re: /(?<![\p{L}\p{N}])[a-z][a-z0-9+.-]{1,15}:\/\/[^\s:/@"'<>`]+:[^\s/@"'<>`]+@[^\s<>"'`]+/giu,
    score: 1,
    hint: /:\/\//,
  },
  // HTTP authentication: the credential after the scheme.
  { re: /\bBearer\s+([A-Za-z0-9._~+/-]{16,}=*)/gu, score: 0.9, hint: /Bearer/, group: 1 },
  { re: /\bAuthorization["']?\s*[:=]\s*["']?Basic\s+([A-Za-z0-9+/]{8,}={0,2})/giu, score: 0.9, hint: /Basic/i, group: 1 },
];

/** Characters a URL or a sentence may end with that are not part of the credential. */
const URL_TRAILING = /[.,;:!?)\]}'"]+$/;

/**
 * Words for a password, in the six languages and as written in keys (`db_password`, `userPwd`, `PASS=`). `pass`
 * alone is a password only as a key with `=` or a JSON key (in German it also names the passport).
 */
const PASSWORD_WORD =
  "password|passwort|kennwort|mot de passe|mot_de_passe|motdepasse|mdp|contraseña|contrasena|clave de acceso|clave|parola d'ordine|parola chiave|wachtwoord|passwd|passphrase|passcode|pwd|pw";
/** Names of keys and tokens whose values are credentials when they look random. */
const KEY_WORD =
  "key|api[ _-]?key|api[ _-]?secret|apikey|x-api-key|secret[ _-]?access[ _-]?key|access[ _-]?key|secret[ _-]?key|client[ _-]?secret|private[ _-]?key|consumer[ _-]?secret|app[ _-]?secret|signing[ _-]?secret|webhook[ _-]?secret|secret|access[ _-]?token|refresh[ _-]?token|auth[ _-]?token|id[ _-]?token|session[ _-]?(?:id|token|key)|token|bearer|api[ -]?schlüssel|schlüssel|clé(?: d'api| api)?|jeton|clave(?: de)? api|chiave(?: di)? api|api[ -]?sleutel|sleutel|chiave|llave|credentials?";
/**
 * A key: the word as a part of an identifier (`DB_PASSWORD`, `stripeSecretKey`, `x-api-key`, `passwords`), starting
 * and ending at a part boundary (`_`, `-`, `.`, a camel-case capital) so that `monkey` holds no `key`.
 */
const KEY_PREFIX = '(?:[A-Za-z0-9_.-]*(?:[_.-]|[a-z0-9](?=[A-Z])))?';
const KEY_SUFFIX = '(?:s?(?:[_.-][A-Za-z0-9_.-]*|[A-Z0-9][A-Za-z0-9_.-]*)?)';
/** The words case-insensitive without the `i` flag (which would make camel-case boundaries unreadable). */
const anyCase = (words: string): string => [...words].map((c) => (c.toLowerCase() !== c.toUpperCase() ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c)).join('');
/** Verbs between a password word and its value ("the password is", "das Passwort lautet", "la contraseña es"). */
const VERB =
  '(?:is|was|ist|lautet|war|est|était|es|era|è|sono|is nu|blijft|wordt)(?:\\s+(?:now|jetzt|nun|maintenant|désormais|ahora|ora|adesso|nu|temporarily|vorläufig))?';
/**
 * Words between the word and a colon or a verb ("Passwort für das Portal:", "mot de passe provisoire :", "key pasted
 * in the case by mistake:", "el token de integración es"): up to `n`.
 */
const qualifiers = (n: number): string => `(?:\\s+[\\p{L}'’()-]{1,20}){0,${n}}?`;

const keywordValue = (words: string, maxWords: number): RegExp =>
  new RegExp(
    `(?<![\\p{L}\\p{N}])${KEY_PREFIX}(?:${anyCase(words)})${KEY_SUFFIX}` +
      `(?:["']?\\s*(?:[:=]|=>|->)|${qualifiers(maxWords)}\\s*[:=]|${qualifiers(Math.min(maxWords, 3))}\\s+${VERB}\\s*[:=]?|\\s+(?=["']))` +
      `\\s*(?:"([^"\\n]{1,200})"|'([^'\\n]{1,200})'|([^\\s"'<>,;]{1,200}))`,
    'gu',
  );
const PASSWORD_VALUE = keywordValue(PASSWORD_WORD, 3);
/** Key values must look random, so more words may come between the name and the value. */
const KEY_VALUE = keywordValue(KEY_WORD, 6);
/** The word and the value with only a space between ("user bob password Abc!2345", "API key 7d1f3b5a9c2e4d6f8a0b"). */
const bareValue = (words: string): RegExp =>
  new RegExp(`(?<![\\p{L}\\p{N}])${KEY_PREFIX}(?:${anyCase(words)})${KEY_SUFFIX}[ \\t]+(?:"([^"\\n]{6,200})"|'([^'\\n]{6,200})'|([^\\s"'<>,;]{6,200}))`, 'gu');
const PASSWORD_BARE = bareValue(PASSWORD_WORD);
const KEY_BARE = bareValue(KEY_WORD);
/** `pass=...`, `"pass": "..."`, `DB_PASS=...`: the short form only as a key. */
const PASS_KEY = /(?<![\p{L}\p{N}])[A-Za-z0-9_.-]*pass["']?\s*(?:=|":|':)\s*(?:"([^"\n]{1,200})"|'([^'\n]{1,200})'|([^\s"'<>,;&]{1,200}))/giu;
/** A PIN: four to eight digits right after the word and a colon or equals sign. */
const PIN = /(?<![\p{L}\p{N}])PIN(?:[ -]?(?:code|Code|Nummer|number))?["']?\s*[:=]\s*["']?(\d{4,8})(?![\p{L}\p{N}])/gu;
/** Keys whose values are not secret: public keys, database and cache keys, ids. */
const NOT_SECRET_KEY = /public|publishable|idempot|cache|partition|primary|foreign|sort|routing|dedup|key[ _-]?id|keyid|\bkeys?\s+(?:to|for)\b/iu;
/**
 * Cheap tests on the lower-cased text, each true for every text the expressions after it can match: a word matched
 * in any case lower-cases to itself, but for the long s ("ſ"), which the `i` flag reads as "s" and lower-casing keeps.
 */
const lowerHint = (words: string): RegExp => new RegExp(words.replace(/s/g, '[sſ]'), 'u');
const KEYWORD_HINT = lowerHint(`${PASSWORD_WORD}|${KEY_WORD}|pass`);
const PASSWORD_HINT = lowerHint(PASSWORD_WORD);
const KEY_HINT = lowerHint(KEY_WORD);
const PASS_HINT = lowerHint('pass');
/** A plain word as an expression that matches it in either case without the `i` flag (`Basic` → `[bB][aA]...`). */
const eitherCase = (word: string): string => [...word].map((c) => `[${c.toLowerCase()}${c.toUpperCase()}]`).join('');
/**
 * Every token's hint in one expression: most texts hold none, and one scan then rules them all out. Should a hint
 * ever be more than a plain word under the `i` flag, every text is let through to the hints one by one.
 */
const ANY_TOKEN_HINT = TOKENS.every(({ hint }) => hint.flags === '' || (hint.flags === 'i' && /^[A-Za-z]+$/.test(hint.source)))
  ? new RegExp(TOKENS.map(({ hint }) => (hint.flags === 'i' ? eitherCase(hint.source) : hint.source)).join('|'))
  : /(?:)/;

/** Masks and placeholders written where a secret was removed: `****`, `xxxxxx`, `<redacted>`, `${DB_PASSWORD}`. */
const PLACEHOLDER =
  /^(?:[*•x.#_-]+|<[^>]*>|\[[^\]]*\]|\{\{.*\}\}|\$\{.*\}|\$[A-Z_]+|%[A-Za-z_]+%|(?:redacted|hidden|masked|removed|none|null|nil|undefined|empty|n\/a|na|true|false|yes|no|\*+)|.*(?:\*\*\*|•••).*)$/iu;

/** Bits of Shannon entropy per character. */
export function entropy(value: string): number {
  const counts = new Map<string, number>();
  for (const c of value) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / value.length) * Math.log2(n / value.length);
  return bits;
}

const classes = (v: string): number => Number(/\p{Ll}/u.test(v)) + Number(/\p{Lu}/u.test(v)) + Number(/\p{N}/u.test(v)) + Number(/[^\p{L}\p{N}]/u.test(v));

/** A password as written: not a mask, and with a digit or a symbol or an upper-case letter after the first. */
export function looksLikePassword(value: string): boolean {
  if (value.length < 4 || value.length > 128 || /\s/.test(value) || PLACEHOLDER.test(value)) return false;
  if (/^\d{1,3}([.,:]\d+)?$/.test(value)) return false;
  return /[\p{N}]/u.test(value) || /[^\p{L}\p{N}]/u.test(value) || /.\p{Lu}/u.test(value);
}

/** A key or token as generated: long, two or more character classes, random-looking (entropy), not a mask or a date. */
export function looksRandom(value: string): boolean {
  if (value.length < 12 || value.length > 2048 || /\s/.test(value) || PLACEHOLDER.test(value)) return false;
  if (/^\d{4}-\d{2}-\d{2}/.test(value)) return false;
  if (/^[a-z]+(?:[_-][a-z]+)*$/i.test(value)) return false;
  return classes(value) >= 2 && entropy(value) >= 3;
}

/**
 * An unquoted value ends before closing punctuation (`,` `;` `)` `]` `}` `>`), and before a full stop or colon that ends
 * the sentence (the text or the line ends, or a capital letter follows). Before a parenthesis or a lower-case word a
 * final full stop belongs to the password, and so does a final `!` or `?` (`Sommer2024!`).
 */
const trimValue = (value: string, text: string, end: number): string => {
  const trimmed = value.replace(/[,;)\]}>]+$/, '');
  if (trimmed.length !== value.length) return trimmed;
  const sentenceEnds = end >= text.length || /^(?:\s*\n|\s+[\p{Lu}\p{N}-]|\s*$)/u.test(text.slice(end, end + 3));
  return sentenceEnds ? value.replace(/[.:]+$/, '') : value;
};

interface KeywordMatch {
  /** The key or keyword and the separator before the value. */
  key: string;
  start: number;
  end: number;
  value: string;
  quoted: boolean;
}

function keywordMatches(re: RegExp, text: string): KeywordMatch[] {
  const out: KeywordMatch[] = [];
  for (const m of matchAll(re, text)) {
    const quotedValue = m[1] ?? m[2];
    const raw = quotedValue ?? m[3]!;
    const rawStart = m.index + m[0].length - raw.length - (quotedValue !== undefined ? 1 : 0);
    const value = quotedValue !== undefined ? raw : trimValue(raw, text, rawStart + raw.length);
    if (value) out.push({ key: text.slice(m.index, rawStart), start: rawStart, end: rawStart + value.length, value, quoted: quotedValue !== undefined });
  }
  return out;
}

/** Column headers naming a password, a key or a token. */
const PASSWORD_HEADER = new RegExp(`(?:^|[^\\p{L}])(?:${PASSWORD_WORD}|pass)(?:$|[^\\p{L}])`, 'u');
const KEY_HEADER = new RegExp(`(?:^|[^\\p{L}])(?:${KEY_WORD})(?:$|[^\\p{L}])`, 'u');
/** `userPassword`, `DB_PASSWORD`, `Api Key` → `user_password`, `db_password`, `api key`. */
const headerWords = (h: string): string => h.replace(/(\p{Ll})(\p{Lu})/gu, '$1_$2').toLowerCase();

export const secret: Recognizer = {
  name: 'pattern:secret',
  find(text) {
    const out: Span[] = [];
    const push = (start: number, end: number, score: number): void => {
      out.push({ type: 'SECRET', start, end, score, detector: this.name });
    };
    for (const { re, score, hint, group } of ANY_TOKEN_HINT.test(text) ? TOKENS : []) {
      if (!hint.test(text)) continue;
      for (const m of matchAll(re, text)) {
        if (group === undefined) {
          const value = re.source.includes(':\\/\\/') ? m[0].replace(URL_TRAILING, '') : m[0];
          push(m.index, m.index + value.length, score);
        } else {
          const value = m[group]!;
          const start = m.index + m[0].length - value.length;
          push(start, start + value.length, score);
        }
      }
    }
    for (const m of matchAll(PIN, text)) {
      const start = m.index + m[0].length - m[1]!.length;
      push(start, start + m[1]!.length, 0.6);
    }
    const lower = text.toLowerCase();
    if (!KEYWORD_HINT.test(lower)) return out;
    const password = PASSWORD_HINT.test(lower);
    const key = KEY_HINT.test(lower);
    if (password) {
      for (const k of keywordMatches(PASSWORD_VALUE, text)) {
        if (looksLikePassword(k.value) || (k.quoted && k.value.length >= 4 && !PLACEHOLDER.test(k.value))) push(k.start, k.end, 0.8);
      }
      // without a separator the value must be unmistakable: three character classes, or random and long
      for (const k of keywordMatches(PASSWORD_BARE, text)) if (looksLikePassword(k.value) && classes(k.value) >= 3) push(k.start, k.end, 0.7);
    }
    if (key)
      for (const k of keywordMatches(KEY_BARE, text))
        if (looksRandom(k.value) && k.value.length >= 16 && !NOT_SECRET_KEY.test(k.key)) push(k.start, k.end, 0.7);
    if (PASS_HINT.test(lower)) for (const k of keywordMatches(PASS_KEY, text)) if (looksLikePassword(k.value)) push(k.start, k.end, 0.75);
    if (key) for (const k of keywordMatches(KEY_VALUE, text)) if (looksRandom(k.value) && !NOT_SECRET_KEY.test(k.key)) push(k.start, k.end, 0.8);
    if (text.includes('\n')) {
      for (const c of columnCells(text, (h) => PASSWORD_HEADER.test(headerWords(h)))) if (looksLikePassword(c.value)) push(c.start, c.end, 0.75);
      for (const c of columnCells(text, (h) => KEY_HEADER.test(headerWords(h)))) if (looksRandom(c.value)) push(c.start, c.end, 0.75);
    }
    return out;
  },
};
