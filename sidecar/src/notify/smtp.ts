/**
 * Mail to a fixed list of people (the DPO list) over SMTP with Nodemailer
 * (https://nodemailer.com/smtp/): one plain-text mail per notification.
 *
 * SMTP has no idempotency: when the answer to DATA is lost, the relay may have queued the mail and
 * the retry sends it again. Delivery is therefore at least once. Every attempt of one delivery
 * carries the same `Message-ID` (derived from the idempotency key) and the key itself in
 * `X-Leakwatch-Idempotency-Key`, so a mail system or a person can drop the duplicate.
 */
import { createHash } from 'node:crypto';
import nodemailer, { type NodemailerError } from 'nodemailer';
import type { DeliveryResult, IncidentNotification, NotificationTarget } from './notification.js';
import { labelsOf, plainTextOf } from './render.js';

export interface SmtpTargetOptions {
  /** The target's name in the configuration. */
  name: string;
  host: string;
  port: number;
  /** Implicit TLS from the first byte (usually port 465). */
  secure: boolean;
  /** Upgrade with STARTTLS and fail if the server does not offer it (usually port 587). */
  requireTLS: boolean;
  auth?: { user: string; pass: string };
  from: string;
  to: readonly string[];
  /** Per wait (connection, greeting, idle socket); default 30,000. */
  timeoutMs?: number;
}

/** The header that names the delivery, the same on every attempt. */
export const IDEMPOTENCY_HEADER = 'X-Leakwatch-Idempotency-Key';

const ADDRESS = /^[^@\s<>()",;:]+@[^@\s<>()",;:]+\.[^@\s<>()",;:]+$/;
const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * A Message-ID the same for every attempt of one delivery: `<leakwatch.<sha256 of the key>@<domain>>`.
 * The key holds `:`, which the id's left part may not (RFC 5322 §3.6.4, dot-atom-text).
 */
export function messageIdOf(idempotencyKey: string, from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1);
  return `<leakwatch.${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40)}@${domain}>`;
}

/** `[Leakwatch High] Drill: Reminder: Contacts exported …`. */
const subjectOf = (notification: IncidentNotification): string =>
  `[Leakwatch ${notification.severity}] ${[...labelsOf(notification), notification.title].join(': ')}`;

/** The mail's text: what a ticket shows, then the key and how to tell a repeated mail. */
function mailText(notification: IncidentNotification, idempotencyKey: string): string {
  return [plainTextOf(notification), '', '--', `Delivery ${idempotencyKey}. A mail with the same Message-ID is a repeat of this one and can be ignored.`].join(
    '\n',
  );
}

/**
 * How a refused or failed send ends. A reply code decides when there is one: Nodemailer marks 5xx
 * replies but 503 as `permanent` (RFC 5321: 5yz is a permanent negative completion, 4yz a transient
 * one), so 535 (bad credentials) and 550 are dead letters and 421 or 451 is tried again. Without a
 * reply, a lost or refused connection, DNS or a timeout is tried again; missing credentials, a TLS
 * failure or a configuration error is not. The server's text is left out: it may repeat addresses.
 */
function smtpFailure(error: unknown): Extract<DeliveryResult, { ok: false }> {
  const err = (error ?? {}) as NodemailerError;
  const code = typeof err.code === 'string' ? err.code : 'UNKNOWN';
  if (typeof err.responseCode === 'number') {
    const enhanced = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})/.exec(err.response ?? '')?.[1];
    const permanent = err.permanent ?? (err.responseCode >= 500 && err.responseCode !== 503);
    return {
      ok: false,
      retryable: !permanent,
      status: err.responseCode,
      error: `SMTP ${err.responseCode}${enhanced ? ` ${enhanced}` : ''}${err.command ? ` after ${err.command.split(' ')[0]}` : ''} (${code})`,
    };
  }
  const retryable = ['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'EPROTOCOL', 'ECONNRESET', 'ECONNREFUSED'].includes(code);
  return { ok: false, retryable, error: `SMTP send failed (${code})` };
}

/** The remote id of an accepted mail: the relay's queue id when its answer names one (`queued as X`), else the Message-ID. */
const remoteIdOf = (response: string, messageId: string): string => /queued as ([A-Za-z0-9._-]+)/i.exec(response)?.[1] ?? messageId;

/** A notification target that mails each notification to a fixed list. */
export function createSmtpTarget(options: SmtpTargetOptions): NotificationTarget {
  const timeout = options.timeoutMs ?? 30_000;
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.secure,
    requireTLS: options.requireTLS,
    ...(options.auth ? { auth: { user: options.auth.user, pass: options.auth.pass } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    kind: 'smtp',
    name: options.name,
    async deliver(notification, idempotencyKey) {
      const messageId = messageIdOf(idempotencyKey, options.from);
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: [...options.to],
          subject: subjectOf(notification),
          text: mailText(notification, idempotencyKey),
          messageId,
          headers: { [IDEMPOTENCY_HEADER]: idempotencyKey },
        });
        // Some recipients refused and others took it: sending again would repeat it to those who have it.
        return { ok: true, remoteId: remoteIdOf(String(info.response ?? ''), messageId), created: true };
      } catch (error) {
        return smtpFailure(error);
      }
    },
  };
}

/**
 * Reads an `smtp` entry of `LEAKWATCH_NOTIFY_FILE`; `fail` throws the configuration error for a field.
 * Plain text is refused but for a loopback host (a local relay or the emulator): the mail would cross
 * the network readable and the password with it.
 */
export function smtpTargetFromConfig(
  name: string,
  entry: Record<string, unknown>,
  env: Record<string, string | undefined>,
  fail: (field: string, why: string) => never,
): NotificationTarget {
  const host = entry['host'];
  if (typeof host !== 'string' || host === '') fail('host', 'must be a non-empty string');
  const port = entry['port'];
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65_535) fail('port', 'must be an integer from 1 to 65535');
  const flag = (field: 'secure' | 'requireTLS'): boolean => {
    const value = entry[field] ?? false;
    if (typeof value !== 'boolean') fail(field, 'must be true or false');
    return value;
  };
  const secure = flag('secure');
  const requireTLS = flag('requireTLS');
  if (secure && requireTLS) fail('requireTLS', 'cannot be set with secure: secure is TLS from the start (port 465), requireTLS is STARTTLS (port 587)');
  if (!secure && !requireTLS && !LOOPBACK.has(host)) fail('secure', `or requireTLS must be true: mail to ${host} would otherwise travel in clear text`);
  let auth: SmtpTargetOptions['auth'];
  if (entry['auth'] !== undefined) {
    const given = entry['auth'] as Record<string, unknown> | null;
    const user = given?.['user'];
    const passwordEnv = given?.['passwordEnv'];
    if (typeof user !== 'string' || user === '') fail('auth.user', 'must be a non-empty string');
    if (typeof passwordEnv !== 'string' || passwordEnv === '') fail('auth.passwordEnv', 'must name an environment variable');
    const pass = env[passwordEnv];
    if (!pass) fail('auth.passwordEnv', `names ${passwordEnv}, which is not set`);
    auth = { user, pass };
  }
  const from = entry['from'];
  if (typeof from !== 'string' || !ADDRESS.test(from)) fail('from', 'must be one mail address (name@domain)');
  const to = entry['to'];
  if (!Array.isArray(to) || to.length === 0) fail('to', 'must be a non-empty list of mail addresses');
  const bad = to.findIndex((address) => typeof address !== 'string' || !ADDRESS.test(address));
  if (bad !== -1) fail(`to[${bad}]`, 'must be one mail address (name@domain)');
  return createSmtpTarget({ name, host, port, secure, requireTLS, ...(auth ? { auth } : {}), from, to: to as string[] });
}
