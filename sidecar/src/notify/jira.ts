import { createHash } from 'node:crypto';
import { reminderLine, type DeliveryResult, type IncidentNotification, type NotificationTarget } from './notification.js';
import { isRetryableStatus, networkCode, retryAfterMs, timedOut } from './http.js';

/**
 * A Jira Service Management (Cloud) target: one customer request per incident in a service desk,
 * one internal comment per later revision.
 *
 * - The request carries the label `leakwatch-<incident key>`; it is found again with the platform's
 *   enhanced JQL search (`GET /rest/api/3/search/jql`), limited to the service desk's project.
 * - Every body ends with `Leakwatch delivery <hash of the idempotency key>`. A delivery whose hash is
 *   already in the request's description or in one of its comments is not posted again.
 * - JQL search is eventually consistent, so requests this process created are also remembered by
 *   incident, and deliveries of one incident run one at a time.
 *
 * Setup: the request type must have Summary, Description and Labels fields, and the account behind
 * the API token must be an agent of the service desk (internal comments need an agent).
 */
export interface JiraTargetOptions {
  /** The target's name in the configuration. */
  name: string;
  /** The site, `https://your-domain.atlassian.net` (or an emulator's URL). */
  baseUrl: string;
  /** The Atlassian account the API token belongs to. */
  email: string;
  apiToken: string;
  serviceDeskId: string;
  requestTypeId: string;
  /** Per HTTP call, body included. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

type Failure = Extract<DeliveryResult, { ok: false }>;

const DEFAULT_TIMEOUT_MS = 15_000;
/** Jira's limit on a summary. */
const SUMMARY_MAX = 255;
/** The comment page size the service desk API uses by default. */
const COMMENT_PAGE = 50;
/** Masked samples and verdicts listed in one body; the rest are counted. */
const LIST_MAX = 50;
/** Requests remembered per target; the oldest is forgotten first. */
const REMEMBERED_MAX = 1_000;
/** How long a create without an answer waits for Jira's search to show the request before creating again. */
const SEARCH_LAG_WAIT_MS = 5 * 60_000;
const MESSAGE_MAX = 300;

const DEADLINE_LABELS: Record<keyof IncidentNotification['deadlines'], string> = {
  gdprAuthorityBy: 'GDPR, notify the supervisory authority by',
  nis2EarlyWarningBy: 'NIS2 early warning by',
  nis2NotificationBy: 'NIS2 incident notification by',
  nis2FinalReportBy: 'NIS2 final report by',
};

/** The label that ties a request to its incident (labels are case-sensitive and take no spaces). */
const incidentLabel = (incidentKey: string): string => `leakwatch-${incidentKey.toLowerCase().replace(/[^a-z0-9_-]/g, '-')}`;

/**
 * Names a delivery in the bodies the target posts. Hex only, and looked for anywhere in a body, so
 * that it survives however Jira converts plain text to rich text and back.
 */
const deliveryMark = (idempotencyKey: string): string => createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);

class JiraFailure extends Error {
  constructor(readonly result: Failure) {
    super(result.error);
  }
}

interface CustomerRequest {
  issueKey: string;
  url?: string;
  description: string;
}

type Json = Record<string, unknown>;
const asObject = (value: unknown): Json => (value !== null && typeof value === 'object' ? (value as Json) : {});
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

export function createJiraTarget(options: JiraTargetOptions): NotificationTarget {
  const base = options.baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const authorization = `Basic ${Buffer.from(`${options.email}:${options.apiToken}`).toString('base64')}`;
  const remembered = new Map<string, string>();
  /** Incidents whose request create got no answer, and when: a request may exist that the search does not show yet. */
  const uncertain = new Map<string, number>();
  const queues = new Map<string, Promise<unknown>>();
  let projectId: string | undefined;

  const send = async (step: string, method: 'GET' | 'POST', path: string, query?: Record<string, string>, body?: unknown): Promise<Json> => {
    const search = query ? `?${new URLSearchParams(query).toString()}` : '';
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(`${base}${path}${search}`, {
        method,
        headers: {
          authorization,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (error) {
      throw new JiraFailure({ ok: false, retryable: true, error: `Jira ${step}: ${networkReason(error, timeoutMs)}` });
    }
    if (!response.ok) throw new JiraFailure(httpFailure(step, response.status, response.headers.get('retry-after'), text));
    if (text === '') return {};
    try {
      return asObject(JSON.parse(text));
    } catch {
      throw new JiraFailure({ ok: false, retryable: true, status: response.status, error: `Jira ${step}: the answer is not JSON` });
    }
  };

  /** The service desk's project, so that search stays inside it; asked once. */
  const serviceDeskProject = async (): Promise<string> => {
    if (projectId) return projectId;
    const desk = await send('service desk lookup', 'GET', `/rest/servicedeskapi/servicedesk/${encodeURIComponent(options.serviceDeskId)}`);
    const project = asString(desk.projectId);
    if (!project) {
      throw new JiraFailure({ ok: false, retryable: false, error: `Jira service desk ${options.serviceDeskId} names no project` });
    }
    projectId = project;
    return project;
  };

  const search = async (label: string): Promise<string | undefined> => {
    const project = await serviceDeskProject();
    const jql = `project = ${/^\d+$/.test(project) ? project : jqlString(project)} AND labels = ${jqlString(label)} ORDER BY created ASC`;
    const page = await send('search', 'GET', '/rest/api/3/search/jql', { jql, fields: 'labels', maxResults: '10' });
    const keys = asArray(page.issues)
      .map(asObject)
      .filter((issue) => asArray(asObject(issue.fields).labels).includes(label))
      .map((issue) => asString(issue.key));
    return keys.find((key) => key !== undefined);
  };

  const readRequest = async (issueKey: string): Promise<CustomerRequest> => {
    const request = await send('request lookup', 'GET', `/rest/servicedeskapi/request/${encodeURIComponent(issueKey)}`);
    const description = asArray(request.requestFieldValues)
      .map(asObject)
      .find((value) => value.fieldId === 'description');
    return {
      issueKey: asString(request.issueKey) ?? issueKey,
      url: linkOf(request),
      description: asString(description?.value) ?? '',
    };
  };

  /** The incident's request: remembered, else searched; a remembered one that is gone is searched for again. */
  const locate = async (label: string): Promise<CustomerRequest | undefined> => {
    const known = remembered.get(label);
    if (known) {
      try {
        return await readRequest(known);
      } catch (error) {
        if (!(error instanceof JiraFailure && error.result.status === 404)) throw error;
        remembered.delete(label);
      }
    }
    const found = await search(label);
    return found ? readRequest(found) : undefined;
  };

  const commentsHold = async (issueKey: string, mark: string): Promise<boolean> => {
    for (let start = 0; ; start += COMMENT_PAGE) {
      const page = await send('comment lookup', 'GET', `/rest/servicedeskapi/request/${encodeURIComponent(issueKey)}/comment`, {
        start: String(start),
        limit: String(COMMENT_PAGE),
      });
      const values = asArray(page.values).map(asObject);
      if (values.some((comment) => asString(comment.body)?.includes(mark))) return true;
      if (page.isLastPage !== false || values.length === 0) return false;
    }
  };

  const remember = (label: string, issueKey: string) => {
    remembered.delete(label);
    remembered.set(label, issueKey);
    if (remembered.size > REMEMBERED_MAX) remembered.delete(remembered.keys().next().value as string);
  };

  const deliverOnce = async (notification: IncidentNotification, idempotencyKey: string): Promise<DeliveryResult> => {
    const label = incidentLabel(notification.incidentKey);
    const mark = deliveryMark(idempotencyKey);
    const closing = ['', `Leakwatch delivery ${mark}`];
    let creating = false;
    try {
      const existing = await locate(label);
      if (!existing) {
        // A create whose answer was lost may have opened the request, and Jira's search shows it
        // only after a while: until then, wait for the search rather than open a second one.
        const attempted = uncertain.get(label);
        if (attempted !== undefined && Date.now() - attempted < SEARCH_LAG_WAIT_MS)
          return {
            ok: false,
            retryable: true,
            error: 'Jira request create: an earlier attempt may have opened the request; waiting for the search to show it',
            retryAfterMs: 10_000,
          };
        uncertain.set(label, Date.now());
        creating = true;
        const created = await send('request create', 'POST', '/rest/servicedeskapi/request', undefined, {
          serviceDeskId: options.serviceDeskId,
          requestTypeId: options.requestTypeId,
          requestFieldValues: {
            summary: summaryOf(notification),
            description: [...factsOf(notification), ...closing].join('\n'),
            labels: [label],
          },
        });
        const issueKey = asString(created.issueKey);
        if (!issueKey) return { ok: false, retryable: true, error: 'Jira request create: the answer names no issue key' };
        uncertain.delete(label);
        remember(label, issueKey);
        return { ok: true, remoteId: issueKey, remoteUrl: linkOf(created), created: true };
      }
      uncertain.delete(label);
      remember(label, existing.issueKey);
      const delivered = { ok: true as const, remoteId: existing.issueKey, remoteUrl: existing.url, created: false };
      if (existing.description.includes(mark) || (await commentsHold(existing.issueKey, mark))) return delivered;
      await send('comment create', 'POST', `/rest/servicedeskapi/request/${encodeURIComponent(existing.issueKey)}/comment`, undefined, {
        body: [reminderLine(notification) ?? `Revision ${notification.revision}`, '', ...factsOf(notification), ...closing].join('\n'),
        public: false,
      });
      return delivered;
    } catch (error) {
      if (error instanceof JiraFailure) {
        // Jira answered the create with an error: it opened nothing, the next attempt may create.
        // Without an answer (a lost connection, a timeout) it may have: the search must show it first.
        if (creating && error.result.status !== undefined) uncertain.delete(label);
        return error.result;
      }
      throw error;
    }
  };

  return {
    kind: 'jira',
    name: options.name,
    deliver(notification, idempotencyKey) {
      const label = incidentLabel(notification.incidentKey);
      const previous = queues.get(label) ?? Promise.resolve();
      const run = previous.then(() => deliverOnce(notification, idempotencyKey));
      const settled = run.catch(() => undefined);
      queues.set(label, settled);
      void settled.then(() => {
        if (queues.get(label) === settled) queues.delete(label);
      });
      return run;
    },
  };
}

const summaryOf = (n: IncidentNotification): string => {
  const summary = `Leakwatch ${n.drill ? 'DRILL ' : ''}${n.severity}: ${n.title}`.replace(/\s+/g, ' ');
  return summary.length <= SUMMARY_MAX ? summary : `${summary.slice(0, SUMMARY_MAX - 1)}…`;
};

/** The incident as people read it; only what the notification carries. */
const factsOf = (n: IncidentNotification): string[] => {
  const deadlines = (Object.keys(DEADLINE_LABELS) as (keyof typeof DEADLINE_LABELS)[])
    .filter((key) => n.deadlines[key])
    .map((key) => `${DEADLINE_LABELS[key]}: ${n.deadlines[key]}`);
  return [
    n.title,
    `Incident ${n.incidentKey}, org ${n.orgId}, revision ${n.revision}`,
    `Severity: ${n.severity}`,
    `Status: ${n.status}`,
    `Detected: ${n.detectedAt}`,
    ...(n.awarenessAt ? [`Aware since: ${n.awarenessAt}`] : []),
    '',
    n.summary,
    '',
    ...(deadlines.length > 0 ? ['Deadlines:', ...deadlines] : ['Deadlines: none apply']),
    `Data categories: ${listOrNone(n.dataCategories)}`,
    ...(n.estimatedRecords === undefined ? [] : [`Records (estimate): ${n.estimatedRecords}`]),
    ...(n.estimatedSubjects === undefined ? [] : [`Data subjects (estimate): ${n.estimatedSubjects}`]),
    `Systems: ${listOrNone(n.systems)}`,
    `Actors: ${listOrNone(n.actors)}`,
    `Verdicts: ${n.verdicts.length}`,
    ...bounded(n.verdicts.map((v) => `${v.occurredAt} ${v.severity}, risk ${v.riskScore}`)),
    `Masked samples: ${n.maskedSamples.length}`,
    ...bounded(n.maskedSamples),
  ];
};

const listOrNone = (values: string[]): string => (values.length > 0 ? values.join(', ') : 'none');

const bounded = (lines: string[]): string[] => [
  ...lines.slice(0, LIST_MAX).map((line) => `- ${line}`),
  ...(lines.length > LIST_MAX ? [`- and ${lines.length - LIST_MAX} more`] : []),
];

const jqlString = (value: string): string => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** The request's portal link (`_links.web`), else its agent-view link. */
const linkOf = (request: Json): string | undefined => {
  const links = asObject(request._links);
  return asString(links.web) ?? asString(links.agent);
};

const networkReason = (error: unknown, timeoutMs: number): string => {
  if (timedOut(error)) return `timed out after ${timeoutMs} ms`;
  const code = networkCode(error);
  if (code !== undefined) return `network error ${code}`;
  return `network error: ${error instanceof Error ? error.message : String(error)}`;
};

/** 429, 408 and 5xx are worth another try (after Retry-After when given); other statuses are not. */
const httpFailure = (step: string, status: number, retryAfter: string | null, text: string): Failure => {
  const retryable = isRetryableStatus(status);
  const wait = retryable ? retryAfterMs(retryAfter) : undefined;
  return {
    ok: false,
    retryable,
    status,
    error: `Jira ${step} answered ${status}: ${serverMessage(text) ?? 'no message'}`,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  };
};

/**
 * The server's own words: `{errorMessage}` from the service desk API, `{errorMessages, errors}` from
 * the platform API, else a short plain-text body (never an HTML page).
 */
const serverMessage = (text: string): string | undefined => {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let parsed: Json;
  try {
    parsed = asObject(JSON.parse(trimmed));
  } catch {
    return trimmed.startsWith('<') ? undefined : shorten(trimmed);
  }
  const single = asString(parsed.errorMessage);
  if (single) return shorten(single);
  const messages = asArray(parsed.errorMessages).filter((message): message is string => typeof message === 'string');
  const fields = Object.entries(asObject(parsed.errors)).map(([field, message]) => `${field}: ${String(message)}`);
  if (messages.length + fields.length > 0) return shorten([...messages, ...fields].join('; '));
  const message = asString(parsed.message);
  return message ? shorten(message) : undefined;
};

const shorten = (message: string): string => (message.length <= MESSAGE_MAX ? message : `${message.slice(0, MESSAGE_MAX - 1)}…`);
