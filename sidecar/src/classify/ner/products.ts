import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Span } from '../span.js';

/** Catalogue nouns per language (`sidecar/lexicons/products.json`). */
const PRODUCTS_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'lexicons', 'products.json');

const escape = (w: string): string => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface ProductPatterns {
  /** A catalogue noun right after a find ("Kate Spade| Polo Shirt"). */
  after: RegExp;
  /** A find that ends in a catalogue noun ("Ralph Lauren Wool Scarf"). */
  ending: RegExp;
}

let compiled: ProductPatterns | null = null;

function patterns(): ProductPatterns {
  if (compiled) return compiled;
  const raw = JSON.parse(readFileSync(PRODUCTS_FILE, 'utf8')) as Record<string, string[] | string>;
  const nouns = [...new Set(Object.entries(raw).flatMap(([key, words]) => (key.startsWith('_') || !Array.isArray(words) ? [] : words)))];
  // Longest first: "polo shirt" before "polo".
  const alternation = nouns
    .sort((a, b) => b.length - a.length)
    .map(escape)
    .join('|');
  compiled = {
    after: new RegExp(`^[ \\t]+(?:${alternation})(?![\\p{L}\\p{N}])`, 'iu'),
    ending: new RegExp(`(?:^|[ \\t])(?:${alternation})$`, 'iu'),
  };
  return compiled;
}

/** An article code on the line right before a find ("SKU4438311 – ", "Ref. XZ6622FF – ", "art. GW3628WV – "). */
const CODE_BEFORE = /(?:[A-Z]{2,}\d{3,}[A-Z]*|\d{3,}(?:[.-]\d+)+|[A-Z0-9]{2,}-\d{3,}-[A-Z0-9]+)[ \t]*[–—-][ \t]*$/u;
/** An article code in parentheses right after a find ("(SKU2041285)", "(4250.772.43)", "(MYB-13040-X)"). */
const CODE_AFTER = /^[ \t]*\((?=[^)]*\d)[A-Z0-9][A-Z0-9.-]{4,}\)/u;

/**
 * A model PERSON find that names a product: a brand followed by, or ending in, a catalogue noun ("Tom Tailor
 * Leather Belt", "CALVIN KLEIN EAU DE TOILETTE"), or standing between an article code and its dash or in front
 * of an article code in parentheses, as order lines list products. Designers' names are people's names, so the
 * model cannot tell; the catalogue around them can.
 */
export function namesProduct(text: string, span: Span): boolean {
  const { after, ending } = patterns();
  const value = text.slice(span.start, span.end);
  if (ending.test(value)) return true;
  const rest = text.slice(span.end, span.end + 40);
  if (after.test(rest) || CODE_AFTER.test(rest)) return true;
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  return CODE_BEFORE.test(text.slice(Math.max(lineStart, span.start - 40), span.start));
}
