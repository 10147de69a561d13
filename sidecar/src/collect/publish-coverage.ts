import type { Sql } from '../store/store.js';
import { collectorCoverage, type SourceCoverage } from './coverage.js';

/** What the coverage map needs of the org's client: an upsert by external id. */
export interface CoverageWriter {
  upsert(
    sobject: string,
    externalIdField: string,
    records: Array<Record<string, unknown>>,
  ): Promise<Array<{ success: boolean; errorCode?: string; message?: string }>>;
}

const STATES = {
  collected: 'Collected',
  subscribed: 'Subscribed',
  lagging: 'Lagging',
  unavailable: 'Unavailable',
  failing: 'Failing',
  pending: 'Pending',
  'not-collected': 'NotCollected',
} as const;

/** A stream whose last events were stored this long after they happened is catching up. */
const LAGGING_SECONDS = 300;

/** The state of a source as the coverage panel shows it. */
export function coverageState(c: SourceCoverage): keyof typeof STATES {
  if (c.available === false) return 'unavailable';
  if (c.lastErrorAt !== null && (c.lastSuccessAt === null || c.lastErrorAt > c.lastSuccessAt)) return 'failing';
  if (!c.lastSuccessAt) return 'pending';
  if (!c.source.startsWith('/event/')) return 'collected';
  return (c.lagSeconds ?? 0) > LAGGING_SECONDS ? 'lagging' : 'subscribed';
}

/** One source's coverage as a `CollectorStatus__c` record (upserted by `SourceKey__c`). */
export function collectorStatusRecord(c: SourceCoverage, checkedAt: Date): Record<string, unknown> {
  return {
    SourceKey__c: c.source.slice(0, 80),
    State__c: STATES[coverageState(c)],
    Available__c: c.available !== false,
    LastRowAt__c: c.lastRowAt,
    LagSeconds__c: c.lagSeconds,
    Rows24h__c: c.rows24h,
    RowsTotal__c: c.rowsTotal,
    // The error is the org's own message about its API (codes, object names), never a record value.
    LastError__c: c.lastError ? c.lastError.slice(0, 255) : null,
    CheckedAt__c: checkedAt.toISOString(),
  };
}

/**
 * Writes the org's coverage map into the org (`CollectorStatus__c`, one record per source), so the
 * package's coverage panel shows what the collectors actually read. Upserts are idempotent: a
 * failure is retried with the next publication. Returns the records the org refused.
 */
export async function publishCoverage(sql: Sql, orgId: string, writer: CoverageWriter, now = new Date()): Promise<string[]> {
  const coverage = await collectorCoverage(sql, orgId, now);
  if (coverage.length === 0) return [];
  const results = await writer.upsert(
    'CollectorStatus__c',
    'SourceKey__c',
    coverage.map((c) => collectorStatusRecord(c, now)),
  );
  return results.flatMap((r, i) => (r.success ? [] : [`${coverage[i]?.source}: ${r.errorCode ?? 'error'} ${r.message ?? ''}`.trim()]));
}
