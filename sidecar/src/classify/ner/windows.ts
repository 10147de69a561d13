/** A slice of a text's tokens that fits the model, and the part of it whose predictions are kept. */
interface TokenWindow {
  start: number;
  end: number;
  /** Tokens in [keepStart, keepEnd) take their labels from this window. */
  keepStart: number;
  keepEnd: number;
}

/**
 * Splits `count` tokens into overlapping windows of at most `size` tokens, so that nothing is truncated. Each
 * token's label comes from the window where it sits farthest from an edge (half the overlap on each side).
 */
export function tokenWindows(count: number, size: number, overlap: number): TokenWindow[] {
  if (size <= 0 || overlap < 0 || overlap >= size) throw new Error(`bad window size ${size} / overlap ${overlap}`);
  if (count <= size) return [{ start: 0, end: count, keepStart: 0, keepEnd: count }];
  const stride = size - overlap;
  const windows: TokenWindow[] = [];
  for (let start = 0; ; start += stride) {
    const end = Math.min(start + size, count);
    const last = end === count;
    windows.push({
      start,
      end,
      keepStart: start === 0 ? 0 : start + Math.floor(overlap / 2),
      keepEnd: last ? count : end - Math.ceil(overlap / 2),
    });
    if (last) break;
  }
  return windows;
}
