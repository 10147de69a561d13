/** What an inspected body may hold at most; past these the inspection is refused, never partial. */
export const EGRESS_LIMITS = {
  /** Decoded body bytes (a base64 body counts once decoded). */
  bodyBytes: 256 * 1024,
  /** Nesting levels of a JSON body (the top-level value is level 1). */
  depth: 64,
  /** Strings (JSON keys and values, form names and values) classified in one body. */
  strings: 20_000,
  /** Headers inspected in one request. */
  headers: 200,
} as const;

/** A body the inspection refuses: 400 (malformed), 413 (over a limit) or 415 (unknown encoding), with what to change. */
export class InspectInputError extends Error {
  override readonly name = 'InspectInputError';
  constructor(
    readonly statusCode: 400 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

/** One string of a body, with the key or form name it sits under (a hint to the classifier, never stored). */
interface BodyString {
  text: string;
  key?: string;
}

/**
 * A body split into the strings the classifier reads, and the way back: `render` rebuilds the body
 * of the same format with each string replaced by `replace(index)` (undefined: kept), so a redacted
 * JSON body stays JSON of the same shape and a form stays a form.
 */
export interface BodyStrings {
  format: 'json' | 'form' | 'text' | 'binary';
  strings: BodyString[];
  /** Undefined for a binary body, which cannot be rewritten. */
  render?: (replace: (index: number) => string | undefined) => string;
}

/**
 * Numbers this large may be a card, phone or account number sent as a JSON number: they are read as
 * text (as the ingest does); a redacted one becomes a string.
 */
const CLASSIFIED_NUMBER = 1e9;

/** The media type without parameters, lower-cased: `Application/JSON; charset=utf-8` → `application/json`. */
function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

const isJsonType = (type: string): boolean => type === 'application/json' || type.endsWith('+json');

/**
 * Splits a body by its content type: JSON string by string (keys too), `application/x-www-form-urlencoded`
 * field by field, anything else that is valid UTF-8 as one text, and bytes that are not (images,
 * archives, compressed data) as their printable runs, which can be inspected but not rewritten. A
 * body declared JSON that does not parse, and a body of no declared type, are read as text; a JSON
 * body without a content type is recognised by parsing. Limits: `EGRESS_LIMITS`.
 */
export function bodyStrings(bytes: Buffer, contentType: string | undefined): BodyStrings {
  if (bytes.length > EGRESS_LIMITS.bodyBytes)
    throw new InspectInputError(
      413,
      `The body is ${bytes.length} bytes; at most ${EGRESS_LIMITS.bodyBytes} (${EGRESS_LIMITS.bodyBytes / 1024} KB) are inspected. Inspect it in parts or block it.`,
    );
  if (bytes.length === 0) return { format: 'text', strings: [], render: () => '' };
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return binaryStrings(bytes);
  }
  const type = mediaTypeOf(contentType);
  const looksJson = type === '' && /^\s*[[{"]/.test(text);
  if (isJsonType(type) || looksJson) {
    const parsed = jsonStrings(text);
    if (parsed) return parsed;
  }
  if (type === 'application/x-www-form-urlencoded') return formStrings(text);
  return { format: 'text', strings: [{ text }], render: (replace) => replace(0) ?? text };
}

/** The deepest nesting of a JSON text's arrays and objects, counted no further than `limit + 1`; strings skipped. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i += 1;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth += 1;
      if (depth > deepest) deepest = depth;
      if (deepest > limit) return deepest;
    } else if (c === 93 || c === 125) depth -= 1;
  }
  return deepest;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function jsonStrings(text: string): BodyStrings | undefined {
  if (nestingDepth(text, EGRESS_LIMITS.depth) > EGRESS_LIMITS.depth)
    throw new InspectInputError(400, `The JSON body nests deeper than ${EGRESS_LIMITS.depth} levels, which is not inspected.`);
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch {
    return undefined;
  }
  const strings: BodyString[] = [];
  const add = (s: BodyString): void => {
    if (strings.length >= EGRESS_LIMITS.strings)
      throw new InspectInputError(413, `The JSON body holds more than ${EGRESS_LIMITS.strings} strings (keys and values), which is not inspected.`);
    strings.push(s);
  };
  // Visit order is fixed (depth first, keys in order): `rebuild` walks the same way to find each index.
  const visit = (value: Json, key: string | undefined): void => {
    if (typeof value === 'string') add({ text: value, ...(key !== undefined ? { key } : {}) });
    else if (typeof value === 'number') {
      if (Math.abs(value) >= CLASSIFIED_NUMBER) add({ text: String(value), ...(key !== undefined ? { key } : {}) });
    } else if (Array.isArray(value)) for (const item of value) visit(item, key);
    else if (value !== null && typeof value === 'object')
      for (const [k, v] of Object.entries(value)) {
        add({ text: k });
        visit(v, k);
      }
  };
  visit(root, undefined);
  return {
    format: 'json',
    strings,
    render: (replace) => {
      let index = 0;
      const rebuild = (value: Json): Json => {
        if (typeof value === 'string') return replace(index++) ?? value;
        if (typeof value === 'number') return Math.abs(value) >= CLASSIFIED_NUMBER ? (replace(index++) ?? value) : value;
        if (Array.isArray(value)) return value.map(rebuild);
        if (value === null || typeof value !== 'object') return value;
        const out: { [key: string]: Json } = {};
        for (const [k, v] of Object.entries(value)) {
          const name = replace(index++) ?? k;
          // defineProperty: a key `__proto__` stays a plain key, as JSON.parse made it.
          Object.defineProperty(out, name, { value: rebuild(v), enumerable: true, writable: true, configurable: true });
        }
        return out;
      };
      return JSON.stringify(rebuild(root));
    },
  };
}

const formDecode = (part: string): string => {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return part;
  }
};

function formStrings(text: string): BodyStrings {
  const pairs = text.split('&');
  if (pairs.length * 2 > EGRESS_LIMITS.strings)
    throw new InspectInputError(413, `The form body holds more than ${EGRESS_LIMITS.strings / 2} fields, which is not inspected.`);
  const strings: BodyString[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const name = formDecode(at < 0 ? pair : pair.slice(0, at));
    strings.push({ text: name });
    strings.push({ text: at < 0 ? '' : formDecode(pair.slice(at + 1)), key: name });
  }
  return {
    format: 'form',
    strings,
    render: (replace) =>
      pairs
        .map((pair, i) => {
          const name = replace(2 * i);
          const value = replace(2 * i + 1);
          if (name === undefined && value === undefined) return pair;
          const at = pair.indexOf('=');
          const encodedName = name === undefined ? (at < 0 ? pair : pair.slice(0, at)) : encodeURIComponent(name);
          if (at < 0 && value === undefined) return encodedName;
          return `${encodedName}=${value === undefined ? pair.slice(at + 1) : encodeURIComponent(value)}`;
        })
        .join('&'),
  };
}

/** Printable ASCII runs of at least 6 bytes: what `strings(1)` would show of a binary body. */
function binaryStrings(bytes: Buffer): BodyStrings {
  const runs = bytes.toString('latin1').match(/[\x20-\x7e\t\r\n]{6,}/g) ?? [];
  if (runs.length > EGRESS_LIMITS.strings)
    throw new InspectInputError(413, `The binary body holds more than ${EGRESS_LIMITS.strings} text runs, which is not inspected.`);
  return { format: 'binary', strings: runs.map((text) => ({ text })) };
}
