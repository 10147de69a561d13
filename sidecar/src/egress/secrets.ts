import type { Span } from '../classify/span.js';

/**
 * Credentials the classifier's secret recognizer does not know by shape, which egress traffic to AI
 * services carries most: provider API keys, cloud access keys written out with their name, OAuth
 * access tokens, and user:password in URLs. (Private keys, AWS access key ids, GitHub, Slack, Stripe,
 * Google API keys, JWTs and `Bearer …` are the recognizer's: `classify/recognizers/secret.ts`.)
 */
const EGRESS_SECRETS: ReadonlyArray<{ name: string; re: RegExp; group?: number }> = [
  // OpenAI (sk-…, sk-proj-…, sk-svcacct-…) and Anthropic (sk-ant-…) API keys.
  { name: 'secret:sk_api_key', re: /(?<![\p{L}\p{N}_-])sk-(?:ant-|proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}/gu },
  // An AWS secret access key under its usual names (40 base64 characters).
  { name: 'secret:aws_secret_key', re: /aws_?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])/giu, group: 1 },
  // Google OAuth 2.0 access tokens.
  { name: 'secret:google_oauth', re: /(?<![\p{L}\p{N}])ya29\.[0-9A-Za-z_-]{20,}/gu },
  // user:password@ in a URL: the password is the secret.
  { name: 'secret:url_password', re: /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:([^/\s@]{3,})@/giu, group: 1 },
];

/** Spans of the credentials above in one text. */
export function egressSecretSpans(text: string): Span[] {
  const out: Span[] = [];
  for (const { name, re, group } of EGRESS_SECRETS) {
    re.lastIndex = 0;
    for (const m of text.matchAll(re)) {
      const value = group ? m[group] : m[0];
      if (!value) continue;
      const start = (m.index ?? 0) + m[0].lastIndexOf(value);
      out.push({ type: 'SECRET', start, end: start + value.length, score: 0.95, detector: name });
    }
  }
  return out;
}

/**
 * Headers that carry the caller's own credential for the destination (an OpenAI key in
 * `Authorization`, an Anthropic key in `x-api-key`): sending those is how the call works, not a leak,
 * so they are not inspected. Every other header is read for secrets and canaries.
 */
export const DESTINATION_CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'x-goog-api-key',
  'cookie',
]);

/** Headers about the connection, never about content: not inspected. */
export const TRANSPORT_HEADERS: ReadonlySet<string> = new Set([
  'host',
  ':authority',
  ':path',
  ':method',
  ':scheme',
  'content-length',
  'content-type',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'accept',
  'accept-encoding',
  'user-agent',
]);
