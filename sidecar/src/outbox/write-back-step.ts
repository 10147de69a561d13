import type { Store } from '../store/store.js';
import { claimRecords, type ClaimedRecord } from './claim-records.js';
import { deliverRecords, type RetryPolicy } from './deliver-records.js';
import type { OrgClientResolver } from './org-client.js';
import { settleRecords, type Settlement } from './settle-records.js';

export interface WriteBackStepOptions {
  store: Store;
  clientFor: OrgClientResolver;
  owner: string;
  policy: RetryPolicy;
  batchSize?: number;
  leaseMs?: number;
  onSettled?: (claimed: ClaimedRecord[], settlements: Settlement[]) => void;
}

/** One step of the write-back stage: claim due records, upsert them, record the outcomes. Returns how many it claimed. */
export function writeBackStep(options: WriteBackStepOptions): () => Promise<number> {
  const { store, clientFor, owner, policy, batchSize = 400, leaseMs = 60_000 } = options;
  return async () => {
    const claimed = await claimRecords(store, owner, batchSize, leaseMs);
    if (claimed.length === 0) return 0;
    const settlements = await deliverRecords(claimed, clientFor, policy);
    await settleRecords(store, owner, settlements);
    options.onSettled?.(claimed, settlements);
    return claimed.length;
  };
}
