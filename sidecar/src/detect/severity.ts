import type { Severity } from '../contract/verdict.js';

/** Severity bands: ≥80 Critical, ≥60 High, ≥40 Medium, ≥20 Low, else Info. */
export function severityFor(riskScore: number): Severity {
  if (riskScore >= 80) return 'Critical';
  if (riskScore >= 60) return 'High';
  if (riskScore >= 40) return 'Medium';
  if (riskScore >= 20) return 'Low';
  return 'Info';
}

/** Weights add up; the score is capped at 100. */
export function riskScoreOf(weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  return Math.max(0, Math.min(100, Math.round(total)));
}

const RANK: Record<Severity, number> = { Info: 0, Low: 1, Medium: 2, High: 3, Critical: 4 };

/** Whether `severity` is `min` or above (Info < Low < Medium < High < Critical). */
export const atLeast = (severity: Severity, min: Severity): boolean => RANK[severity] >= RANK[min];
