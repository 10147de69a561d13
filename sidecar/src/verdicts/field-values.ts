/** Helpers that fit values into the package's field types. */

/** Text(n): cut to n characters without splitting a surrogate pair. */
export function text(value: string | undefined | null, max: number): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (value.length <= max) return value;
  const cut = value.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

/** Number(precision, scale): rounded to `scale` decimals and clamped to what fits. */
export function number(value: number | null | undefined, precision: number, scale: number): number | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  const limit = 10 ** (precision - scale) - 10 ** -scale;
  const factor = 10 ** scale;
  return Math.max(-limit, Math.min(limit, Math.round(value * factor) / factor));
}

export const LONG_TEXT = 32_768;

/**
 * Names joined by `separator` within `max` characters: the list is cut at a separator, never inside
 * a name, so a reader never sees half an API name (`Contact;Lea` would name nothing).
 */
export function joinedText(values: readonly string[], max: number, separator = ';'): string | null {
  let joined = '';
  for (const value of values) {
    const next = joined === '' ? value : `${joined}${separator}${value}`;
    if (next.length > max) break;
    joined = next;
  }
  return joined === '' ? null : joined;
}
