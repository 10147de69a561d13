/** Exponential backoff with full jitter: a random delay in [base, min(cap, base·2^attempt)]. */
export function backoffDelayMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(baseMs + random() * Math.max(0, ceiling - baseMs));
}
