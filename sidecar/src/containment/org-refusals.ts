import { classifyError } from '../writeback/errors.js';

/** Codes of a delete whose record the org does not have (any more): what it was to remove is gone. */
const GONE_CODES: ReadonlySet<string> = new Set(['NOT_FOUND', 'ENTITY_IS_DELETED']);
/** Codes after which the same call can succeed later: an expired session is renewed by the client on the next call. */
const TRANSIENT_CODES: ReadonlySet<string> = new Set(['INVALID_SESSION_ID']);

/** An org's refusal as containment reads it: its code and message, and whether a later try can succeed. */
export function orgRefusal(error: unknown): { code: string; message: string; transient: boolean } {
  const refused = classifyError(error);
  return { code: refused.code, message: refused.message, transient: refused.retryable || TRANSIENT_CODES.has(refused.code) };
}

/** Whether the org answered that the record is gone. */
export const isGone = (error: unknown): boolean => GONE_CODES.has(classifyError(error).code);
