import type { ApiUsage } from './source.js';

/** How much of an org's daily API allowance the collectors may use. */
export interface ApiBudgetSettings {
  /**
   * Share of the org's daily API requests (`DailyApiRequests.Max`) the collectors of all replicas
   * may spend in a UTC day, 0–1. Default 0.1: a tenth of the allowance, whatever the org's edition.
   */
  maxShare: number;
  /**
   * The collectors pause while the org as a whole (every integration, not only Leakwatch) has used
   * this share of its allowance, so that they never push the org's own integrations over the limit.
   * Default 0.9.
   */
  orgHeadroom: number;
}

export const DEFAULT_API_BUDGET: ApiBudgetSettings = { maxShare: 0.1, orgHeadroom: 0.9 };

type BudgetDecision = { go: true } | { go: false; why: string };

/**
 * Whether a collector may make its next call. `usage` is what the org's last response reported in
 * `Sforce-Limit-Info`; before any response nothing is known and one call is allowed (it tells).
 * `spent` is what the collectors of every replica spent on this org today.
 */
export function budgetDecision(settings: ApiBudgetSettings, usage: ApiUsage | undefined, spent: number): BudgetDecision {
  if (!usage || !(usage.limit > 0)) return { go: true };
  const allowance = Math.floor(usage.limit * settings.maxShare);
  if (spent >= allowance) {
    return {
      go: false,
      why: `the collectors spent ${spent} API calls today, their share (${Math.round(settings.maxShare * 100)} %) of the org's ${usage.limit}`,
    };
  }
  if (usage.used >= usage.limit * settings.orgHeadroom) {
    return {
      go: false,
      why: `the org has used ${usage.used} of its ${usage.limit} daily API calls (at least ${Math.round(settings.orgHeadroom * 100)} %); collection waits`,
    };
  }
  return { go: true };
}

/** Parses `Sforce-Limit-Info: api-usage=25/15000` (other entries, such as `per-app-api-usage`, are ignored). */
export function parseLimitInfo(header: string | undefined | null): ApiUsage | undefined {
  const match = header ? /(?:^|[,;\s])api-usage=(\d+)\/(\d+)/.exec(header) : null;
  if (!match) return undefined;
  return { used: Number(match[1]), limit: Number(match[2]) };
}
