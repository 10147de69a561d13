/**
 * Text the store can hold. PostgreSQL's text and jsonb refuse NUL (U+0000) and JSON escapes of
 * unpaired UTF-16 surrogates (SQLSTATE 22P05): one such character in any stored string used to fail
 * the whole batch's insert on every retry. Both are replaced by U+FFFD, the replacement character,
 * before a string is classified or stored, so the offsets of what the classifier finds stay true.
 */

// NUL is the point of these expressions: PostgreSQL text cannot hold it.
// eslint-disable-next-line no-control-regex
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const UNSTORABLE_TEST = /\u0000|[\uD800-\uDFFF]/;

const REPLACEMENT_CHARACTER = '\uFFFD';

/** `value` with every NUL and unpaired surrogate replaced by U+FFFD; the same string when there is none. */
export function storableText(value: string): { text: string; replaced: number } {
  // Paired surrogates (emoji, rare CJK) are common and fine: only a string holding one pays for the full scan.
  if (!UNSTORABLE_TEST.test(value)) return { text: value, replaced: 0 };
  let replaced = 0;
  const text = value.replace(UNSTORABLE, () => {
    replaced += 1;
    return REPLACEMENT_CHARACTER;
  });
  return { text, replaced };
}
