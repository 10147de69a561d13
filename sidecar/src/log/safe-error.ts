import type { FastifyServerOptions } from 'fastify';
import type { LogFn, Logger } from 'pino';
import { ClassifyThreadError } from '../ingest/classify-pool.js';
import { StoreThreadError } from '../store/pglite-store.js';

export const WITHHELD = '[message withheld]';

/**
 * Errors the sidecar raises with its own wording, which quotes no field value: their message is
 * logged. Any other message may quote one (a database error's 'invalid input syntax ...: "<value>"',
 * a JSON SyntaxError's snippet of the input, an org's reply), and so may OrgRequestError's, which
 * carries the org's message.
 */
const OWN_WORDING = [ClassifyThreadError, StoreThreadError];

/** Names, never values: the error's and the database's (SQLSTATE, schema, table, column, constraint...). */
const NAME_FIELDS = ['code', 'errorCode', 'syscall', 'severity', 'schema', 'table', 'column', 'dataType', 'constraint', 'routine'] as const;
const STATUS_FIELDS = ['statusCode', 'status'] as const;

/** An identifier: letters, digits and `_ . $ : -`, so that an e-mail address or a sentence is not one. */
const IDENTIFIER = /^[\p{L}\p{N}_.$:-]{1,128}$/u;
const MAX_DEPTH = 4;
const MAX_ERRORS = 10;

interface SafeError {
  type: string;
  name?: string;
  message: string;
  /** The frames, one "    at ..." line each; empty when there are none. */
  stack: string;
  cause?: SafeError;
  errors?: SafeError[];
  [field: string]: unknown;
}

/**
 * What the log keeps of a thrown value: its type and name, its code, status and database object
 * names, the stack's frames without the message line, and likewise its `cause` chain and an
 * AggregateError's `errors` (bounded). The message only for the sidecar's own errors; no other
 * property (a database error's `detail` and `where`, an HTTP error's body) is kept.
 */
function safeError(value: unknown, depth = 0): SafeError {
  if (typeof value !== 'object' || value === null) return { type: typeof value, message: WITHHELD, stack: '' };
  const error = value as Record<string, unknown>;
  const type = value.constructor?.name || 'Object';
  const safe: SafeError = { type, message: safeMessage(value), stack: stackFrames(error.stack, error.message) };
  if (typeof error.name === 'string' && error.name !== type && IDENTIFIER.test(error.name)) safe.name = error.name;
  for (const field of NAME_FIELDS) {
    const name = error[field];
    if ((typeof name === 'string' && IDENTIFIER.test(name)) || Number.isInteger(name)) safe[field] = name;
  }
  for (const field of STATUS_FIELDS) {
    const status = error[field];
    if (Number.isInteger(status) && (status as number) >= 100 && (status as number) < 600) safe[field] = status;
  }
  if (depth < MAX_DEPTH) {
    if (error.cause !== undefined) safe.cause = safeError(error.cause, depth + 1);
    if (Array.isArray(error.errors)) safe.errors = error.errors.slice(0, MAX_ERRORS).map((inner: unknown) => safeError(inner, depth + 1));
  }
  return safe;
}

/** The error's message if the sidecar wrote it, else {@link WITHHELD}. */
function safeMessage(value: unknown): string {
  return OWN_WORDING.some((own) => value instanceof own) ? (value as Error).message : WITHHELD;
}

/** The "at ..." lines of a stack; the message it starts with is cut out first, whatever lines it spans. */
function stackFrames(stack: unknown, message: unknown): string {
  if (typeof stack !== 'string') return '';
  const rest = typeof message === 'string' && message !== '' ? stack.replace(message, '') : stack;
  return rest
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

/**
 * pino takes an error's message as the line's message when none is given (`log.error(err)`,
 * `log.error({ err })`), and Fastify's own error handler passes it as the message: such a line gets
 * the safe message instead.
 */
function withholdErrorMessages(this: Logger, args: unknown[], method: LogFn): void {
  const [first, message, ...rest] = args;
  const bare = first instanceof Error;
  const fields = typeof first === 'object' && first !== null ? (first as { err?: unknown; msg?: unknown }) : {};
  const err = bare ? first : fields.err;
  const fallsBack = message === undefined && (bare || fields.msg === undefined);
  const repeats = typeof message === 'string' && message === (err as { message?: unknown } | undefined)?.message;
  if (!err || !(fallsBack || repeats)) return Reflect.apply(method, this, args);
  Reflect.apply(method, this, [bare ? { err } : first, safeMessage(err), ...rest]);
}

/**
 * The app's logger options with the `err` serializer replaced by {@link safeError} (every
 * `{ err }` logged anywhere, by the sidecar or by Fastify, goes through it) and the fallback to an
 * error's message withheld.
 */
export function withSafeErrors(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const options = logger === true ? {} : logger;
  return {
    ...options,
    serializers: { ...options.serializers, err: (err: unknown) => safeError(err) },
    hooks: { ...options.hooks, logMethod: withholdErrorMessages },
  };
}
