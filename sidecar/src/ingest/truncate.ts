/** Field values above this many UTF-8 bytes are cut before classification. */
export const MAX_VALUE_BYTES = 32 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Cuts `value` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(value: string, maxBytes = MAX_VALUE_BYTES): { text: string; bytes: number; truncated: boolean } {
  if (value.length * 3 <= maxBytes) return { text: value, bytes: Buffer.byteLength(value), truncated: false };
  const bytes = Buffer.byteLength(value);
  if (bytes <= maxBytes) return { text: value, bytes, truncated: false };
  const target = new Uint8Array(maxBytes);
  const { written } = encoder.encodeInto(value, target);
  return { text: decoder.decode(target.subarray(0, written)), bytes, truncated: true };
}

/** "40 KB" style size for notes. */
export function kilobytes(bytes: number): string {
  return `${Math.round(bytes / 1024).toLocaleString('en-US')} KB`;
}
