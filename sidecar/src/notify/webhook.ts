/**
 * Signed webhooks per the Standard Webhooks specification (https://www.standardwebhooks.com):
 * headers `webhook-id`, `webhook-timestamp` (Unix seconds) and `webhook-signature`
 * (`v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, space-separated when several
 * secrets sign during a rotation). The HMAC comes from the `standardwebhooks` library.
 */

import { timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { isRetryableError } from '../outbox/org-client.js';
import type { DeliveryResult, IncidentNotification, NotificationTarget } from './notification.js';
import { isRetryableStatus, networkCode, retryAfterMs, timedOut } from './http.js';

/** The event type of a webhook about one revision of an incident. */
export const WEBHOOK_EVENT_TYPE = 'incident.revision';
/** The event type of a webhook reminding of a regulatory clock (`data.reminder` says which). */
export const WEBHOOK_REMINDER_TYPE = 'incident.reminder';

/** Five minutes either way: the tolerance the specification's reference libraries enforce. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

/** The specification recommends a request timeout between 15 and 30 seconds. */
const DEFAULT_TIMEOUT_MS = 15_000;

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = { min: 24, max: 64 };
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The JSON body of a webhook: the specification's `type`, `timestamp`, `data` envelope. */
export interface IncidentWebhookPayload {
  type: typeof WEBHOOK_EVENT_TYPE | typeof WEBHOOK_REMINDER_TYPE;
  /** When the revision happened (see `revisionTime`), not when it was sent: that is `webhook-timestamp`. */
  timestamp: string;
  data: IncidentNotification;
}

interface WebhookTargetOptions {
  /** The target's name in the configuration. */
  name: string;
  /** An `http:` or `https:` URL; redirects are not followed. */
  url: string;
  /**
   * `whsec_` and the base64 of 24 to 64 random bytes. During a rotation give the new and the
   * old secret: every one of them signs, so receivers holding either keep verifying.
   */
  secret: string | readonly string[];
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * A notification target that POSTs each incident revision as a signed webhook. `webhook-id`
 * is the idempotency key, so every retry of a revision carries the same id and the same body
 * and a receiver can drop what it has already processed.
 */
export function createWebhookTarget(options: WebhookTargetOptions): NotificationTarget {
  const url = webhookUrl(options.url);
  const signers = (typeof options.secret === 'string' ? [options.secret] : options.secret).map(signerFor);
  if (signers.length === 0) throw new Error(`webhook target ${options.name}: no secret configured`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const send = options.fetch ?? globalThis.fetch;

  return {
    kind: 'webhook',
    name: options.name,
    async deliver(notification, idempotencyKey) {
      // The specification forbids '.' in the id: it separates the parts of the signed content.
      if (idempotencyKey.includes('.')) return { ok: false, retryable: false, error: 'the idempotency key contains ".", which a webhook-id must not' };
      const body = JSON.stringify(webhookPayload(notification));
      const sentAt = new Date();
      let response: Response;
      try {
        response = await send(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'webhook-id': idempotencyKey,
            'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
            'webhook-signature': signers.map((s) => s.sign(idempotencyKey, sentAt, body)).join(' '),
            // A drill is labelled outside the signed body too, for receivers that route before parsing.
            ...(notification.drill ? { 'leakwatch-drill': 'true' } : {}),
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (err) {
        return { ok: false, retryable: isRetryableError(err), error: describeFailure(err, timeoutMs) };
      }
      await response.body?.cancel();
      return deliveryResult(response, idempotencyKey);
    },
  };
}

interface VerifyWebhookOptions {
  /** Seconds a `webhook-timestamp` may differ from `now`; `WEBHOOK_TOLERANCE_SECONDS` by default. */
  toleranceSeconds?: number;
  now?: Date;
  /** Ids already processed (kept at least as long as the tolerance); a match is a replay. */
  seenIds?: { has(id: string): boolean };
}

export type WebhookRejection = 'missing-headers' | 'bad-timestamp' | 'outside-tolerance' | 'bad-signature' | 'duplicate-id' | 'bad-payload';

type WebhookVerification = { ok: true; id: string; timestamp: Date; payload: IncidentWebhookPayload } | { ok: false; reason: WebhookRejection; id?: string };

/**
 * Checks a received webhook against the shared secret: the three headers are present, the
 * timestamp is within the tolerance (an older one is a replay), one of the `v1` signatures
 * matches the raw body (compared in constant time) and, given `seenIds`, the id is new.
 * `body` must be the bytes as received: parsing and re-serialising JSON breaks the signature.
 */
export function verifyWebhook(
  secret: string,
  headers: Headers | Record<string, string | string[] | undefined>,
  body: string | Uint8Array,
  options: VerifyWebhookOptions = {},
): WebhookVerification {
  const signer = signerFor(secret);
  const id = header(headers, 'webhook-id');
  const timestampHeader = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestampHeader || !signatures) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestampHeader)) return { ok: false, reason: 'bad-timestamp' };
  const timestamp = new Date(Number(timestampHeader) * 1000);
  const now = options.now ?? new Date();
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (Math.abs(now.getTime() - timestamp.getTime()) > tolerance * 1000) return { ok: false, reason: 'outside-tolerance' };
  const expected = Buffer.from(signer.sign(id, timestamp, body));
  const matches = signatures.split(' ').some((candidate) => {
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) return { ok: false, reason: 'bad-signature' };
  if (options.seenIds?.has(id)) return { ok: false, reason: 'duplicate-id', id };
  try {
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    return { ok: true, id, timestamp, payload: JSON.parse(text) as IncidentWebhookPayload };
  } catch {
    return { ok: false, reason: 'bad-payload', id };
  }
}

function webhookPayload(notification: IncidentNotification): IncidentWebhookPayload {
  return { type: notification.kind === 'reminder' ? WEBHOOK_REMINDER_TYPE : WEBHOOK_EVENT_TYPE, timestamp: revisionTime(notification), data: notification };
}

/**
 * The latest moment the revision records: detection, awareness or its newest verdict. The
 * notification carries no time of the revision itself, and a time derived from it keeps the
 * body of every retry identical.
 */
function revisionTime(n: IncidentNotification): string {
  const times = [n.detectedAt, n.awarenessAt, ...n.verdicts.map((v) => v.occurredAt)]
    .map((t) => (t === undefined ? Number.NaN : Date.parse(t)))
    .filter(Number.isFinite);
  return times.length > 0 ? new Date(Math.max(...times)).toISOString() : n.detectedAt;
}

/** The library's signer for a `whsec_` secret of the length the specification requires. Never echoes the secret. */
function signerFor(secret: string): Webhook {
  const encoded = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : '';
  const length = BASE64.test(encoded) && encoded.length % 4 === 0 ? Buffer.from(encoded, 'base64').length : 0;
  if (length < SECRET_BYTES.min || length > SECRET_BYTES.max)
    throw new Error(`a webhook secret must be "${SECRET_PREFIX}" followed by the base64 of ${SECRET_BYTES.min} to ${SECRET_BYTES.max} random bytes`);
  return new Webhook(secret);
}

function webhookUrl(url: string): URL {
  const parsed = URL.canParse(url) ? new URL(url) : undefined;
  if (parsed?.protocol !== 'https:' && parsed?.protocol !== 'http:') throw new Error('a webhook URL must be an absolute http: or https: URL');
  return parsed;
}

function header(headers: Headers | Record<string, string | string[] | undefined>, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  const value = key === undefined ? undefined : headers[key];
  return Array.isArray(value) ? value.join(' ') : value;
}

/**
 * 2xx is delivered; every accepted webhook is a new message to the receiver, hence `created`.
 * 408, 429 and 5xx are worth another attempt, after `Retry-After` when the receiver sends one.
 * A redirect (not followed: the specification asks senders to have the URL updated instead)
 * and any other 4xx end in a dead letter.
 */
function deliveryResult(response: Response, idempotencyKey: string): DeliveryResult {
  const { status } = response;
  if (status >= 200 && status < 300) return { ok: true, remoteId: idempotencyKey, created: true };
  const error = `HTTP ${status}${statusHint(status)}`;
  if (isRetryableStatus(status)) {
    const wait = retryAfterMs(response.headers.get('retry-after'));
    return { ok: false, retryable: true, status, error, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
  }
  return { ok: false, retryable: false, status, error };
}

function statusHint(status: number): string {
  if (status >= 300 && status < 400) return ': redirects are not followed; update the webhook URL';
  if (status === 410) return ': the receiver no longer accepts these webhooks';
  return '';
}

/** A failure without the error's text, which may carry the URL. */
function describeFailure(err: unknown, timeoutMs: number): string {
  if (timedOut(err)) return `no response within ${timeoutMs} ms`;
  const code = networkCode(err);
  return code === undefined ? 'request failed' : `request failed (${code})`;
}
