import { reminderLine, type DeliveryResult, type IncidentNotification, type NotificationTarget } from './notification.js';
import { isRetryableStatus, networkCode, retryAfterMs, timedOut } from './http.js';

/**
 * Opens and follows one ServiceNow incident per Leakwatch incident through the Table API
 * (https://www.servicenow.com/docs/r/api-reference/rest-apis/c_TableAPI.html).
 *
 * ServiceNow has no idempotency header, so the ticket carries its own keys:
 * - `correlation_id` holds the incident key: every delivery first queries
 *   `correlation_id=<key>` and opens a ticket (POST) only when none exists, so a create whose
 *   answer was lost is found, not repeated.
 * - `correlation_display` holds `Leakwatch r<revision>`, the last revision written. It changes in
 *   the same PATCH that adds the revision's work note, so the note and the marker land together or
 *   not at all; a revision at or below the marker is skipped. This needs no read access to
 *   `sys_journal_field` and never lets a late, older revision overwrite a newer one.
 * - Each work note starts with `[leakwatch <idempotencyKey>]`, so people can trace it.
 */

export type ServiceNowAuth =
  | { kind: 'basic'; username: string; password: string }
  /** OAuth 2.0 client credentials against `/oauth_token.do` (the instance must enable the grant). */
  | { kind: 'oauth'; clientId: string; clientSecret: string };

interface ServiceNowTargetOptions {
  /** The target's name in the configuration. */
  name: string;
  /** `https://acme.service-now.com`, or an emulator's URL. */
  instanceUrl: string;
  auth: ServiceNowAuth;
  table?: 'incident';
  /** Per HTTP request; default 30,000. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Failure = Extract<DeliveryResult, { ok: false }>;

interface Ticket {
  sysId: string;
  number: string;
  /** The revision named by `correlation_display`; 0 when it names none. */
  revision: number;
  impact: string;
  urgency: string;
}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

/**
 * Impact and urgency per severity (1 High, 2 Medium, 3 Low). Each pair gives the same priority in
 * the incident and problem lookup tables ServiceNow documents: Critical → 1 Critical, High → 2 High,
 * Medium → 3 Moderate, Low → 4 Low. Priority itself is calculated by the instance, never sent.
 */
const SCALE: Record<IncidentNotification['severity'], { impact: string; urgency: string }> = {
  Critical: { impact: '1', urgency: '1' },
  High: { impact: '1', urgency: '2' },
  Medium: { impact: '2', urgency: '2' },
  Low: { impact: '3', urgency: '2' },
};

const DEADLINES: Array<[keyof IncidentNotification['deadlines'], string]> = [
  ['gdprAuthorityBy', 'GDPR: notify the supervisory authority by'],
  ['nis2EarlyWarningBy', 'NIS2: early warning by'],
  ['nis2NotificationBy', 'NIS2: incident notification by'],
  ['nis2FinalReportBy', 'NIS2: final report by'],
];

const MARKER = /^Leakwatch r(\d+)$/;
const DEFAULT_TIMEOUT_MS = 30_000;
/** A token is renewed this long before ServiceNow says it expires. */
const TOKEN_MARGIN_MS = 60_000;

const markerOf = (revision: number): string => `Leakwatch r${revision}`;

/** The ticket's description: the notification's own content, nothing else. */
export const ticketDescription = (notification: IncidentNotification): string => {
  const lines = [
    `Leakwatch incident ${notification.incidentKey} (org ${notification.orgId}), revision ${notification.revision}`,
    `Severity: ${notification.severity}`,
    `Status: ${notification.status}`,
    `Detected: ${notification.detectedAt}`,
  ];
  if (notification.awarenessAt) lines.push(`Aware since: ${notification.awarenessAt}`);
  lines.push('', 'Summary:', notification.summary, '');
  const deadlines = DEADLINES.filter(([key]) => notification.deadlines[key]).map(([key, label]) => `- ${label} ${notification.deadlines[key]}`);
  lines.push(...(deadlines.length > 0 ? ['Deadlines:', ...deadlines] : ['Deadlines: none apply']), '');
  lines.push(`Data categories: ${notification.dataCategories.join(', ') || 'none recorded'}`);
  if (notification.estimatedRecords !== undefined) lines.push(`Records: ${notification.estimatedRecords}`);
  if (notification.estimatedSubjects !== undefined) lines.push(`Data subjects: ${notification.estimatedSubjects}`);
  lines.push(`Systems: ${notification.systems.join(', ') || 'none recorded'}`);
  if (notification.actors.length > 0) lines.push(`Actors (masked): ${notification.actors.join(', ')}`);
  if (notification.verdicts.length > 0) {
    const highest = Math.max(...notification.verdicts.map((verdict) => verdict.riskScore));
    lines.push(`Verdicts: ${notification.verdicts.length}, highest risk score ${highest}`);
  }
  if (notification.maskedSamples.length > 0) lines.push('Masked samples:', ...notification.maskedSamples.map((sample) => `- ${sample}`));
  return lines.join('\n');
};

/** The work note each delivery adds: its idempotency key, then what this revision says. */
const workNote = (notification: IncidentNotification, idempotencyKey: string): string =>
  `[leakwatch ${idempotencyKey}] ${reminderLine(notification) ?? `Revision ${notification.revision}: status ${notification.status}, severity ${notification.severity}. ${notification.summary}`}`;

/** The instance's own words: `{"error":{"message","detail"},"status":"failure"}` or an OAuth `{error, error_description}`. */
const instanceMessage = (body: unknown): string | undefined => {
  if (body === null || typeof body !== 'object') return undefined;
  const { error, error_description: description } = body as { error?: unknown; error_description?: unknown };
  if (error !== null && typeof error === 'object') {
    const { message, detail } = error as { message?: unknown; detail?: unknown };
    if (typeof message !== 'string') return undefined;
    return typeof detail === 'string' && detail !== '' ? `${message} (${detail})` : message;
  }
  if (typeof error === 'string') return typeof description === 'string' ? `${error}: ${description}` : error;
  return undefined;
};

/** 429, 408 and 5xx are worth another try; any other refusal stands until someone changes the configuration. */
const refusal = (answer: Answer, what: string): Failure => {
  const message = instanceMessage(answer.body);
  const retryable = isRetryableStatus(answer.status);
  const wait = retryable ? retryAfterMs(answer.headers.get('retry-after')) : undefined;
  return {
    ok: false,
    retryable,
    status: answer.status,
    error: `ServiceNow refused ${what} with ${answer.status}${message ? `: ${message}` : ''}`,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  };
};

class Refused extends Error {
  constructor(readonly result: Failure) {
    super(result.error);
  }
}

/** A `NotificationTarget` that keeps one ServiceNow incident per Leakwatch incident. */
export const createServiceNowTarget = (options: ServiceNowTargetOptions): NotificationTarget => {
  const base = options.instanceUrl.replace(/\/+$/, '');
  const table = options.table ?? 'incident';
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? fetch;
  const { auth } = options;

  const exchange = async (url: string, init: RequestInit, what: string): Promise<Answer> => {
    try {
      const response = await fetchImpl(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
      const text = await response.text();
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        body = undefined;
      }
      return { status: response.status, headers: response.headers, body };
    } catch (error) {
      const code = networkCode(error);
      throw new Refused({
        ok: false,
        retryable: true,
        error: timedOut(error) ? `ServiceNow did not answer ${what} within ${timeoutMs} ms` : `network error during ${what}${code ? `: ${code}` : ''}`,
      });
    }
  };

  let token: { value: string; renewAt: number } | undefined;
  let pendingToken: Promise<string> | undefined;

  const requestToken = async (): Promise<string> => {
    if (auth.kind !== 'oauth') throw new TypeError('requestToken needs OAuth credentials');
    const answer = await exchange(
      `${base}/oauth_token.do`,
      {
        method: 'POST',
        headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: auth.clientId, client_secret: auth.clientSecret }).toString(),
      },
      'the token request',
    );
    const body = answer.body as { access_token?: unknown; expires_in?: unknown } | undefined;
    if (answer.status !== 200 || typeof body?.access_token !== 'string') throw new Refused(refusal(answer, 'the OAuth client credentials'));
    const lifetimeMs = typeof body.expires_in === 'number' ? body.expires_in * 1000 : 0;
    token = { value: body.access_token, renewAt: Date.now() + Math.max(0, lifetimeMs - Math.min(TOKEN_MARGIN_MS, lifetimeMs / 10)) };
    return body.access_token;
  };

  /** The cached token while it is fresh; one request at a time asks for a new one. */
  const bearer = (renew: boolean): Promise<string> => {
    if (renew) token = undefined;
    if (token && Date.now() < token.renewAt) return Promise.resolve(token.value);
    pendingToken ??= requestToken().finally(() => {
      pendingToken = undefined;
    });
    return pendingToken;
  };

  const authorization = async (renew: boolean): Promise<string> =>
    auth.kind === 'basic' ? `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` : `Bearer ${await bearer(renew)}`;

  /** One Table API call; an OAuth 401 renews the token once (it may have been revoked early). */
  const call = async (method: string, path: string, what: string, body?: Record<string, string>): Promise<Answer> => {
    const send = async (renew: boolean) =>
      exchange(
        `${base}${path}`,
        {
          method,
          headers: {
            accept: 'application/json',
            authorization: await authorization(renew),
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        },
        what,
      );
    let answer = await send(false);
    if (answer.status === 401 && auth.kind === 'oauth') answer = await send(true);
    if (answer.status < 200 || answer.status >= 300) throw new Refused(refusal(answer, what));
    return answer;
  };

  const resultOf = (answer: Answer, what: string): Record<string, unknown> => {
    const result = (answer.body as { result?: unknown } | undefined)?.result;
    if (result === null || typeof result !== 'object' || Array.isArray(result) || typeof (result as { sys_id?: unknown }).sys_id !== 'string') {
      throw new Refused({ ok: false, retryable: true, status: answer.status, error: `ServiceNow answered ${what} without the record` });
    }
    return result as Record<string, unknown>;
  };

  const text = (value: unknown): string => (typeof value === 'string' ? value : '');

  /** The ticket of this incident, if one was opened. */
  const findTicket = async (incidentKey: string): Promise<Ticket | undefined> => {
    const query = new URLSearchParams({
      sysparm_query: `correlation_id=${incidentKey}^ORDERBYsys_created_on`,
      sysparm_fields: 'sys_id,number,correlation_id,correlation_display,impact,urgency',
      sysparm_limit: '1',
      sysparm_exclude_reference_link: 'true',
    });
    const answer = await call('GET', `/api/now/table/${table}?${query}`, 'the ticket lookup');
    const rows = (answer.body as { result?: unknown } | undefined)?.result;
    if (!Array.isArray(rows))
      throw new Refused({ ok: false, retryable: true, status: answer.status, error: 'ServiceNow answered the ticket lookup without a result list' });
    const [row] = rows as Array<Record<string, unknown>>;
    if (!row) return undefined;
    // An instance ignores a query part it cannot read and returns other rows; never update a stranger's ticket.
    if (row.correlation_id !== incidentKey || typeof row.sys_id !== 'string') {
      throw new Refused({
        ok: false,
        retryable: false,
        error: `ServiceNow did not filter on correlation_id (got a ticket for ${text(row.correlation_id) || 'no incident'})`,
      });
    }
    const marker = MARKER.exec(text(row.correlation_display));
    return { sysId: row.sys_id, number: text(row.number), revision: marker ? Number(marker[1]) : 0, impact: text(row.impact), urgency: text(row.urgency) };
  };

  const remoteUrl = (sysId: string): string => `${base}/${table}.do?sys_id=${sysId}`;

  const openTicket = async (notification: IncidentNotification, idempotencyKey: string): Promise<DeliveryResult> => {
    const scale = SCALE[notification.severity];
    const answer = await call('POST', `/api/now/table/${table}?sysparm_fields=sys_id,number`, 'the new ticket', {
      short_description: `[Leakwatch${notification.drill ? ' DRILL' : ''}] ${notification.title}`,
      description: ticketDescription(notification),
      impact: scale.impact,
      urgency: scale.urgency,
      correlation_id: notification.incidentKey,
      correlation_display: markerOf(notification.revision),
      work_notes: workNote(notification, idempotencyKey),
    });
    const record = resultOf(answer, 'the new ticket');
    return { ok: true, remoteId: text(record.number) || text(record.sys_id), remoteUrl: remoteUrl(text(record.sys_id)), created: true };
  };

  /** A lower number is more severe; a revision may raise impact or urgency but leaves what people raised. */
  const escalated = (current: string, wanted: string): string | undefined =>
    /^[123]$/.test(current) && Number(current) <= Number(wanted) ? undefined : wanted;

  const reviseTicket = async (ticket: Ticket, notification: IncidentNotification, idempotencyKey: string): Promise<DeliveryResult> => {
    const done: DeliveryResult = { ok: true, remoteId: ticket.number || ticket.sysId, remoteUrl: remoteUrl(ticket.sysId), created: false };
    if (ticket.revision >= notification.revision) return done;
    const scale = SCALE[notification.severity];
    const impact = escalated(ticket.impact, scale.impact);
    const urgency = escalated(ticket.urgency, scale.urgency);
    await call('PATCH', `/api/now/table/${table}/${ticket.sysId}?sysparm_fields=sys_id,number`, 'the ticket update', {
      short_description: `[Leakwatch${notification.drill ? ' DRILL' : ''}] ${notification.title}`,
      description: ticketDescription(notification),
      ...(impact ? { impact } : {}),
      ...(urgency ? { urgency } : {}),
      correlation_display: markerOf(notification.revision),
      work_notes: workNote(notification, idempotencyKey),
    });
    return done;
  };

  return {
    kind: 'servicenow',
    name: options.name,
    async deliver(notification, idempotencyKey) {
      // `^` separates encoded-query conditions; a key holding one could match another incident.
      if (notification.incidentKey === '' || notification.incidentKey.includes('^')) {
        return { ok: false, retryable: false, error: 'the incident key cannot be used as a ServiceNow correlation_id' };
      }
      try {
        const ticket = await findTicket(notification.incidentKey);
        return ticket ? await reviseTicket(ticket, notification, idempotencyKey) : await openTicket(notification, idempotencyKey);
      } catch (error) {
        if (error instanceof Refused) return error.result;
        throw error;
      }
    },
  };
};
