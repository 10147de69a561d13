/** The result for one record of an sObject Collections upsert, in request order. */
export interface UpsertResult {
  success: boolean;
  id?: string;
  created?: boolean;
  /** For a failed record: whether sending it again may succeed (UNABLE_TO_LOCK_ROW, ...). */
  retryable?: boolean;
  errorCode?: string;
  message?: string;
}

/**
 * What the outbox needs from the Salesforce REST client. A call that fails as a whole
 * throws; the error's `retryable` property (true for 5xx, REQUEST_LIMIT_EXCEEDED and
 * network errors) decides between a retry and a dead letter.
 */
export interface OrgClient {
  upsert(sobject: string, externalIdField: string, records: Array<Record<string, unknown>>): Promise<UpsertResult[]>;
  /** Whether the client has shown that it logs in to the org it writes for; clients that never check omit it. */
  identityCheck?(): OrgIdentityCheck;
}

/** `unchecked` until the first write-back of the org, then `verified`, or `wrong-org` (its records become dead letters). */
export type OrgIdentityCheck = 'unchecked' | 'verified' | 'wrong-org';

/** Picks the client for an org; returns undefined for an org this sidecar cannot write to. */
export type OrgClientResolver = (orgId: string) => OrgClient | undefined;

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** Whether a thrown error from a whole upsert call is worth retrying. */
export function isRetryableError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { retryable?: unknown; code?: unknown; cause?: unknown; name?: unknown };
  if (typeof e.retryable === 'boolean') return e.retryable;
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return true;
  if (e.name === 'AbortError' || e.name === 'TimeoutError') return true;
  if (err instanceof TypeError && e.cause !== undefined) return true;
  return false;
}
