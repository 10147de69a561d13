/** Whole-request error codes worth retrying with backoff: the org is busy, over a limit or briefly down. */
const RETRYABLE_REQUEST_CODES = new Set([
  'SERVER_UNAVAILABLE',
  'REQUEST_LIMIT_EXCEEDED',
  'UNABLE_TO_LOCK_ROW',
  'UNKNOWN_EXCEPTION',
  'REQUEST_RUNNING_TOO_LONG',
  'QUERY_TIMEOUT',
  'TIMEOUT',
]);

/** Per-record status codes that can succeed on a later attempt. */
const RETRYABLE_RECORD_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'ALL_OR_NONE_OPERATION_ROLLED_BACK', 'UNKNOWN_EXCEPTION', 'REQUEST_LIMIT_EXCEEDED']);

/** Socket-level failures: the request may not have reached the org, and an upsert is safe to repeat. */
const NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETDOWN',
  'ENETUNREACH',
  'EHOSTDOWN',
  'EHOSTUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

/** A write-back request that failed as a whole; `retryable` tells the caller whether to back off and try again. */
export class OrgRequestError extends Error {
  override readonly name = 'OrgRequestError';

  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** One error of one record, as sObject Collections report it. */
export interface RecordError {
  code: string;
  message: string;
  fields: string[];
  retryable: boolean;
}

export const recordError = (error: { statusCode?: unknown; message?: unknown; fields?: unknown }): RecordError => {
  const code = typeof error.statusCode === 'string' ? error.statusCode : 'UNKNOWN';
  return {
    code,
    message: typeof error.message === 'string' ? error.message : '',
    fields: Array.isArray(error.fields) ? error.fields.filter((field): field is string => typeof field === 'string') : [],
    retryable: RETRYABLE_RECORD_CODES.has(code),
  };
};

const causeCode = (error: unknown): string | undefined => {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = current.cause;
  }
  return undefined;
};

const statusOf = (code: string): number | undefined => {
  const match = /^ERROR_HTTP_(\d{3})$/.exec(code);
  return match ? Number(match[1]) : undefined;
};

/**
 * Turns whatever jsforce threw into an {@link OrgRequestError}. jsforce names REST errors by the
 * body's `errorCode`, OAuth errors by the `error` field, and bodies it cannot read `ERROR_HTTP_<status>`.
 */
export const classifyError = (error: unknown): OrgRequestError => {
  if (error instanceof OrgRequestError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const network = causeCode(error);
  if (network) return new OrgRequestError(network, `network error: ${network}`, true, { cause: error });
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) {
    return new OrgRequestError('TIMEOUT', 'the org did not answer in time', true, { cause: error });
  }
  const code = error instanceof Error ? ((error as { errorCode?: unknown }).errorCode ?? error.name) : 'UNKNOWN';
  const name = typeof code === 'string' && code !== 'Error' ? code : 'UNKNOWN';
  const status = statusOf(name);
  const retryable = RETRYABLE_REQUEST_CODES.has(name) || (status !== undefined && (status >= 500 || status === 429));
  return new OrgRequestError(name, message, retryable, { cause: error });
};
