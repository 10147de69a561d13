import { backoffDelayMs } from './backoff.js';
import type { ClaimedRecord } from './claim-records.js';
import { isRetryableError, type OrgClientResolver, type UpsertResult } from './org-client.js';
import type { Settlement } from './settle-records.js';

export interface RetryPolicy {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const COLLECTION_LIMIT = 200;

/**
 * Upserts claimed records, one sObject Collections call per org, sObject and 200 records,
 * and decides per record: done, retry later (with backoff and jitter) or dead letter.
 */
export async function deliverRecords(claimed: ClaimedRecord[], clientFor: OrgClientResolver, policy: RetryPolicy): Promise<Settlement[]> {
  const settlements: Settlement[] = [];
  for (const chunk of chunks(claimed)) {
    const first = chunk[0] as ClaimedRecord;
    const client = clientFor(first.orgId);
    if (!client) {
      for (const r of chunk) settlements.push({ id: r.id, outcome: 'dead', error: `no org connection configured for ${r.orgId}` });
      continue;
    }
    let results: UpsertResult[];
    try {
      results = await client.upsert(
        first.sobject,
        first.externalIdField,
        chunk.map((r) => r.record),
      );
      if (results.length !== chunk.length)
        throw Object.assign(new Error('upsert returned a result count that does not match the request'), {
          retryable: true,
        });
    } catch (err) {
      const retryable = isRetryableError(err);
      const message = describe(err);
      for (const r of chunk) settlements.push(failure(r, retryable, message, policy));
      continue;
    }
    chunk.forEach((r, i) => {
      const result = results[i] as UpsertResult;
      if (result.success) settlements.push({ id: r.id, outcome: 'done' });
      else settlements.push(failure(r, result.retryable === true, `${result.errorCode ?? 'ERROR'}: ${result.message ?? ''}`, policy));
    });
  }
  return settlements;
}

function failure(r: ClaimedRecord, retryable: boolean, error: string, policy: RetryPolicy): Settlement {
  const attempt = r.attempts + 1;
  if (!retryable || attempt >= policy.maxAttempts) return { id: r.id, outcome: 'dead', error };
  return { id: r.id, outcome: 'retry', delayMs: backoffDelayMs(attempt, policy.baseDelayMs, policy.maxDelayMs), error };
}

function* chunks(records: ClaimedRecord[]): Generator<ClaimedRecord[]> {
  const groups = new Map<string, ClaimedRecord[]>();
  for (const r of records) {
    const key = `${r.orgId}\u0000${r.sobject}\u0000${r.externalIdField}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  for (const group of groups.values()) {
    for (let i = 0; i < group.length; i += COLLECTION_LIMIT) yield group.slice(i, i + COLLECTION_LIMIT);
  }
}

/** `CODE: message`, the code from jsforce's `errorCode` or the write-back client's `code` (WRONG_ORG, ...). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const { errorCode, code } = err as { errorCode?: unknown; code?: unknown };
  const label = typeof errorCode === 'string' ? errorCode : typeof code === 'string' ? code : err.name;
  return `${label}: ${err.message}`;
}
