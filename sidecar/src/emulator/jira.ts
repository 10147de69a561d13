import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * A local stand-in for a Jira Service Management Cloud site: the service desk API calls and the one
 * platform search the Jira notification target makes, with Basic auth (email and API token),
 * validation of service desks, request types and request fields, issue keys like `LW-1`, and faults
 * on demand. See the "Jira Service Management" section of this folder's README.
 */
interface JiraRequestTypeField {
  /** A Jira field id: `summary`, `description`, `labels`, `customfield_10010`, … */
  fieldId: string;
  required?: boolean;
}

interface JiraServiceDeskSeed {
  id: string;
  projectKey: string;
  /** The peer project's id; numbered from 10000 when left out. */
  projectId?: string;
  requestTypes: Array<{ id: string; fields: JiraRequestTypeField[] }>;
}

interface JiraFaults {
  /** Next N API requests answer 503. */
  unavailable: number;
  /** Next N API requests answer 429 with `Retry-After`. */
  rateLimited: number;
  /** The `Retry-After` the 429s carry, in seconds. */
  retryAfterSeconds: number;
  /** Next N API requests lose their connection before any answer. */
  dropConnections: number;
  /** Next N requests or comments are saved, then their connection is lost before the answer. */
  dropResponses: number;
  /** Every API request waits this long before it is handled. */
  latencyMs: number;
}

interface JiraEmulatorOptions {
  port?: number;
  users?: Array<{ email: string; apiToken: string }>;
  serviceDesks?: JiraServiceDeskSeed[];
  faults?: Partial<JiraFaults>;
  /** A new request shows in JQL search only this long after it was created (the search index lags). */
  searchLagMs?: number;
}

interface JiraEmulatorRequest {
  issueId: string;
  issueKey: string;
  serviceDeskId: string;
  requestTypeId: string;
  /** The `requestFieldValues` as sent. */
  fields: Record<string, unknown>;
  labels: string[];
  reporter: string;
  created: string;
}

interface JiraEmulatorComment {
  id: string;
  body: string;
  public: boolean;
  author: string;
  created: string;
}

interface JiraEmulatorStats {
  requests: number;
  unauthorized: number;
  requestsCreated: number;
  commentsAdded: number;
  searches: number;
  faults: { unavailable: number; rateLimited: number; dropConnections: number; dropResponses: number };
}

export interface JiraEmulator {
  url: string;
  requests(): JiraEmulatorRequest[];
  comments(issueKey: string): JiraEmulatorComment[];
  setFaults(faults: Partial<JiraFaults>): void;
  readonly stats: JiraEmulatorStats;
  close(): Promise<void>;
}

export const DEFAULT_JIRA_USER = { email: 'leakwatch@acme-shop.example', apiToken: 'emulator-api-token' };

export const DEFAULT_JIRA_SERVICE_DESK: JiraServiceDeskSeed = {
  id: '1',
  projectKey: 'LW',
  projectId: '10000',
  requestTypes: [
    {
      id: '10',
      fields: [{ fieldId: 'summary', required: true }, { fieldId: 'description' }, { fieldId: 'labels' }],
    },
  ],
};

const SUMMARY_MAX = 255;
const LABEL_MAX = 255;
const COMMENT_LIMIT_MAX = 100;
const SEARCH_RESULTS_MAX = 5_000;
const UNAUTHENTICATED = 'Client must be authenticated to access this resource.';

interface StoredRequest extends JiraEmulatorRequest {
  projectId: string;
  createdAt: number;
}

class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly family: 'servicedesk' | 'platform',
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The service desk API's error body, `{errorMessage, i18nErrorMessage}`; the platform's, `{errorMessages, errors}`. */
const errorBody = (failure: ApiFailure) =>
  failure.family === 'servicedesk'
    ? { errorMessage: failure.message, i18nErrorMessage: { i18nKey: 'leakwatch.emulator.error', parameters: [] } }
    : { errorMessages: [failure.message], errors: {} };

export async function startJiraEmulator(options: JiraEmulatorOptions = {}): Promise<JiraEmulator> {
  const users = options.users ?? [DEFAULT_JIRA_USER];
  const desks = (options.serviceDesks ?? [DEFAULT_JIRA_SERVICE_DESK]).map((desk, index) => ({
    ...desk,
    projectId: desk.projectId ?? String(10_000 + index),
  }));
  const searchLagMs = options.searchLagMs ?? 0;
  const faults: JiraFaults = { unavailable: 0, rateLimited: 0, retryAfterSeconds: 5, dropConnections: 0, dropResponses: 0, latencyMs: 0 };
  const stats: JiraEmulatorStats = {
    requests: 0,
    unauthorized: 0,
    requestsCreated: 0,
    commentsAdded: 0,
    searches: 0,
    faults: { unavailable: 0, rateLimited: 0, dropConnections: 0, dropResponses: 0 },
  };
  const requests: StoredRequest[] = [];
  const comments = new Map<string, JiraEmulatorComment[]>();
  const counters = new Map<string, number>();
  let nextIssueId = 10_001;
  let nextCommentId = 20_001;
  let baseUrl = '';

  const setFaults = (settings: Partial<JiraFaults>) => {
    for (const key of Object.keys(faults) as (keyof JiraFaults)[]) {
      const value = settings[key];
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`fault ${key} must be a non-negative integer`);
      faults[key] = value;
    }
  };
  setFaults(options.faults ?? {});

  const family = (request: FastifyRequest) => (request.url.startsWith('/rest/servicedeskapi/') ? 'servicedesk' : 'platform');

  const userOf = (request: FastifyRequest): string | undefined => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Basic ')) return undefined;
    const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    const email = decoded.slice(0, colon);
    const token = decoded.slice(colon + 1);
    return users.find((user) => user.email === email && user.apiToken === token)?.email;
  };

  const findRequest = (issueIdOrKey: string): StoredRequest => {
    const found = requests.find((r) => r.issueKey === issueIdOrKey || r.issueId === issueIdOrKey);
    if (!found) throw new ApiFailure(404, 'The request does not exist or you do not have permission to see it.', 'servicedesk');
    return found;
  };

  const requestDto = (stored: StoredRequest) => ({
    issueId: stored.issueId,
    issueKey: stored.issueKey,
    requestTypeId: stored.requestTypeId,
    serviceDeskId: stored.serviceDeskId,
    createdDate: { iso8601: stored.created, epochMillis: stored.createdAt },
    reporter: { emailAddress: stored.reporter },
    requestFieldValues: Object.entries(stored.fields)
      .filter(([fieldId]) => fieldId !== 'labels')
      .map(([fieldId, value]) => ({ fieldId, value })),
    currentStatus: { status: 'Waiting for support' },
    _links: {
      self: `${baseUrl}/rest/servicedeskapi/request/${stored.issueId}`,
      jiraRest: `${baseUrl}/rest/api/2/issue/${stored.issueId}`,
      web: `${baseUrl}/servicedesk/customer/portal/${stored.serviceDeskId}/${stored.issueKey}`,
      agent: `${baseUrl}/browse/${stored.issueKey}`,
    },
  });

  const commentDto = (issueId: string, comment: JiraEmulatorComment) => ({
    id: comment.id,
    body: comment.body,
    public: comment.public,
    author: { emailAddress: comment.author },
    created: { iso8601: comment.created },
    _links: { self: `${baseUrl}/rest/servicedeskapi/request/${issueId}/comment/${comment.id}` },
  });

  /** Answers a write, unless a `dropResponses` fault loses the answer after the write is saved. */
  const created = (request: FastifyRequest, reply: FastifyReply, body: unknown) => {
    if (faults.dropResponses > 0) {
      faults.dropResponses -= 1;
      stats.faults.dropResponses += 1;
      request.raw.socket.destroy();
      return reply.hijack();
    }
    return reply.code(201).send(body);
  };

  const app = Fastify({ logger: false });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/rest/')) return;
    stats.requests += 1;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.dropConnections > 0) {
      faults.dropConnections -= 1;
      stats.faults.dropConnections += 1;
      request.raw.socket.destroy();
      return reply.hijack();
    }
    if (faults.unavailable > 0) {
      faults.unavailable -= 1;
      stats.faults.unavailable += 1;
      return reply.code(503).type('text/plain').send('Service Unavailable');
    }
    if (faults.rateLimited > 0) {
      faults.rateLimited -= 1;
      stats.faults.rateLimited += 1;
      return reply
        .code(429)
        .header('retry-after', String(faults.retryAfterSeconds))
        .send(errorBody(new ApiFailure(429, 'Rate limit exceeded.', family(request))));
    }
    if (!userOf(request)) {
      stats.unauthorized += 1;
      return reply.code(401).send(errorBody(new ApiFailure(401, UNAUTHENTICATED, family(request))));
    }
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, request, reply) => {
    if (error instanceof ApiFailure) return reply.code(error.status).send(errorBody(error));
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send(errorBody(new ApiFailure(error.statusCode, error.message, family(request))));
    }
    return reply.code(500).send(errorBody(new ApiFailure(500, 'Internal server error', family(request))));
  });

  app.get<{ Params: { serviceDeskId: string } }>('/rest/servicedeskapi/servicedesk/:serviceDeskId', async (request) => {
    const desk = desks.find((d) => d.id === request.params.serviceDeskId || d.projectKey === request.params.serviceDeskId);
    if (!desk) throw new ApiFailure(404, `Service desk ${request.params.serviceDeskId} does not exist.`, 'servicedesk');
    return {
      id: desk.id,
      projectId: desk.projectId,
      projectKey: desk.projectKey,
      projectName: desk.projectKey,
      _links: { self: `${baseUrl}/rest/servicedeskapi/servicedesk/${desk.id}` },
    };
  });

  app.post('/rest/servicedeskapi/request', async (request, reply) => {
    const body = request.body;
    if (!isObject(body)) throw new ApiFailure(400, 'The request body must be a JSON object.', 'servicedesk');
    const deskId = String(body.serviceDeskId ?? '');
    const typeId = String(body.requestTypeId ?? '');
    const desk = desks.find((d) => d.id === deskId);
    if (!desk) throw new ApiFailure(404, `Service desk ${deskId || '(none)'} does not exist.`, 'servicedesk');
    const type = desk.requestTypes.find((t) => t.id === typeId);
    if (!type) throw new ApiFailure(400, `Request type ${typeId || '(none)'} does not exist in service desk ${desk.id}.`, 'servicedesk');
    const values = body.requestFieldValues;
    if (!isObject(values)) throw new ApiFailure(400, 'requestFieldValues must be a JSON object.', 'servicedesk');
    for (const fieldId of Object.keys(values)) {
      if (!type.fields.some((f) => f.fieldId === fieldId)) {
        throw new ApiFailure(400, `Field '${fieldId}' is not on request type ${type.id}.`, 'servicedesk');
      }
    }
    for (const field of type.fields) {
      const value = values[field.fieldId];
      if (field.required && (value === undefined || value === null || value === '')) {
        throw new ApiFailure(400, `Field '${field.fieldId}' is required.`, 'servicedesk');
      }
    }
    validateFieldValues(values);
    const count = (counters.get(desk.projectKey) ?? 0) + 1;
    counters.set(desk.projectKey, count);
    const createdAt = Date.now();
    const stored: StoredRequest = {
      issueId: String(nextIssueId++),
      issueKey: `${desk.projectKey}-${count}`,
      serviceDeskId: desk.id,
      requestTypeId: type.id,
      projectId: desk.projectId,
      fields: structuredClone(values),
      labels: Array.isArray(values.labels) ? [...(values.labels as string[])] : [],
      reporter: userOf(request) ?? '',
      created: new Date(createdAt).toISOString(),
      createdAt,
    };
    requests.push(stored);
    stats.requestsCreated += 1;
    return created(request, reply, requestDto(stored));
  });

  app.get<{ Params: { issueIdOrKey: string } }>('/rest/servicedeskapi/request/:issueIdOrKey', async (request) =>
    requestDto(findRequest(request.params.issueIdOrKey)),
  );

  app.get<{ Params: { issueIdOrKey: string }; Querystring: Record<string, string | undefined> }>(
    '/rest/servicedeskapi/request/:issueIdOrKey/comment',
    async (request) => {
      const stored = findRequest(request.params.issueIdOrKey);
      const start = nonNegative(request.query.start, 0, 'start');
      const limit = Math.min(COMMENT_LIMIT_MAX, Math.max(1, nonNegative(request.query.limit, 50, 'limit')));
      const withPublic = request.query.public !== 'false';
      const withInternal = request.query.internal !== 'false';
      const visible = (comments.get(stored.issueKey) ?? []).filter((c) => (c.public ? withPublic : withInternal));
      const page = visible.slice(start, start + limit);
      return {
        size: page.length,
        start,
        limit,
        isLastPage: start + limit >= visible.length,
        values: page.map((c) => commentDto(stored.issueId, c)),
        _links: { base: `${baseUrl}/rest/servicedeskapi`, self: `${baseUrl}${request.url}` },
      };
    },
  );

  app.post<{ Params: { issueIdOrKey: string } }>('/rest/servicedeskapi/request/:issueIdOrKey/comment', async (request, reply) => {
    const stored = findRequest(request.params.issueIdOrKey);
    const body = request.body;
    if (!isObject(body) || typeof body.body !== 'string' || body.body.trim() === '') {
      throw new ApiFailure(400, 'The comment body must not be empty.', 'servicedesk');
    }
    if (body.public !== undefined && typeof body.public !== 'boolean') throw new ApiFailure(400, 'public must be true or false.', 'servicedesk');
    const comment: JiraEmulatorComment = {
      id: String(nextCommentId++),
      body: body.body,
      public: body.public ?? true,
      author: userOf(request) ?? '',
      created: new Date().toISOString(),
    };
    comments.set(stored.issueKey, [...(comments.get(stored.issueKey) ?? []), comment]);
    stats.commentsAdded += 1;
    return created(request, reply, commentDto(stored.issueId, comment));
  });

  app.get<{ Querystring: Record<string, string | undefined> }>('/rest/api/3/search/jql', async (request) => {
    stats.searches += 1;
    const query = parseJql(request.query.jql ?? '');
    const fields = (request.query.fields ?? 'id').split(',').map((f) => f.trim());
    const maxResults = Math.min(SEARCH_RESULTS_MAX, Math.max(1, nonNegative(request.query.maxResults, 50, 'maxResults', 'platform')));
    const offset = request.query.nextPageToken
      ? nonNegative(Buffer.from(request.query.nextPageToken, 'base64url').toString(), 0, 'nextPageToken', 'platform')
      : 0;
    const now = Date.now();
    const matches = requests
      .filter((r) => r.createdAt + searchLagMs <= now)
      .filter((r) => query.labels.every((label) => r.labels.includes(label)))
      .filter((r) => query.projects.every((p) => p === r.projectId || p === desks.find((d) => d.projectId === r.projectId)?.projectKey))
      .sort((a, b) => (query.order === 'desc' ? b.createdAt - a.createdAt : a.createdAt - b.createdAt));
    const page = matches.slice(offset, offset + maxResults);
    const isLast = offset + maxResults >= matches.length;
    return {
      issues: page.map((r) => ({
        id: r.issueId,
        key: r.issueKey,
        self: `${baseUrl}/rest/api/3/issue/${r.issueId}`,
        fields: {
          ...(fields.includes('labels') ? { labels: r.labels } : {}),
          ...(fields.includes('summary') ? { summary: r.fields.summary } : {}),
        },
      })),
      isLast,
      ...(isLast ? {} : { nextPageToken: Buffer.from(String(offset + maxResults)).toString('base64url') }),
    };
  });

  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    requests: () => requests.map(({ projectId: _projectId, createdAt: _createdAt, ...rest }) => structuredClone(rest)),
    comments: (issueKey) => (comments.get(issueKey) ?? []).map((c) => ({ ...c })),
    setFaults,
    stats,
    close: () => app.close(),
  };
}

/** Values of the system fields the emulator knows, in their documented input formats. */
function validateFieldValues(values: Record<string, unknown>): void {
  if ('summary' in values) {
    const summary = values.summary;
    if (typeof summary !== 'string' || /[\r\n]/.test(summary)) throw new ApiFailure(400, 'Summary must be one line of text.', 'servicedesk');
    if (summary.length > SUMMARY_MAX) throw new ApiFailure(400, `Summary must be less than ${SUMMARY_MAX} characters.`, 'servicedesk');
  }
  if ('description' in values && typeof values.description !== 'string') {
    throw new ApiFailure(400, 'Description must be text.', 'servicedesk');
  }
  if ('labels' in values) {
    const labels = values.labels;
    if (!Array.isArray(labels) || labels.some((l) => typeof l !== 'string' || l === '')) {
      throw new ApiFailure(400, 'Labels must be an array of strings.', 'servicedesk');
    }
    for (const label of labels as string[]) {
      if (/\s/.test(label)) throw new ApiFailure(400, `The label '${label}' contains spaces which is invalid.`, 'servicedesk');
      if (label.length > LABEL_MAX) throw new ApiFailure(400, `The label '${label}' is longer than ${LABEL_MAX} characters.`, 'servicedesk');
    }
  }
}

function nonNegative(raw: string | undefined, fallback: number, name: string, family: 'servicedesk' | 'platform' = 'servicedesk'): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ApiFailure(400, `${name} must be a non-negative integer.`, family);
  return Number(raw);
}

interface JqlQuery {
  projects: string[];
  labels: string[];
  order: 'asc' | 'desc';
}

/**
 * The JQL the target sends: `project = X AND labels = "Y" ORDER BY created ASC|DESC`, clauses in
 * any order, values bare or double-quoted. Anything else is refused as Jira refuses a bad query.
 */
function parseJql(jql: string): JqlQuery {
  const refuse = (detail: string): never => {
    throw new ApiFailure(400, `Error in the JQL Query: ${detail}`, 'platform');
  };
  const orderMatch = /\s+ORDER\s+BY\s+created(?:\s+(ASC|DESC))?\s*$/i.exec(jql);
  const where = (orderMatch ? jql.slice(0, orderMatch.index) : jql).trim();
  if (where === '') refuse('the query must be bounded by a search restriction.');
  const query: JqlQuery = { projects: [], labels: [], order: orderMatch?.[1]?.toLowerCase() === 'desc' ? 'desc' : 'asc' };
  const clause = /^\s*(\w+)\s*=\s*("(?:[^"\\]|\\.)*"|[\w-]+)\s*(?:AND\b|$)/i;
  let rest = where;
  while (rest.trim() !== '') {
    const match = clause.exec(rest);
    if (!match) return refuse(`cannot read '${rest.trim()}'.`);
    const field = (match[1] as string).toLowerCase();
    const raw = match[2] as string;
    const value = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
    if (field === 'project') query.projects.push(value);
    else if (field === 'labels') query.labels.push(value);
    else refuse(`Field '${match[1]}' is not supported by the emulator.`);
    rest = rest.slice(match[0].length);
  }
  return query;
}
