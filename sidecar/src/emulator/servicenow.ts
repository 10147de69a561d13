import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';

/**
 * A local stand-in for a ServiceNow instance: the Table API on `incident` and `sys_journal_field`,
 * HTTP Basic and OAuth 2.0 client credentials (`/oauth_token.do`), and faults on demand. It answers
 * as the documented API does (README, "ServiceNow"):
 * https://www.servicenow.com/docs/r/api-reference/rest-apis/c_TableAPI.html
 */

interface ServiceNowUser {
  username: string;
  password: string;
}

interface ServiceNowOAuthClient {
  clientId: string;
  clientSecret: string;
}

/** Faults for the next data requests (`/api/now/…`); token requests are never faulted. */
interface ServiceNowFaults {
  /** Next n data requests answer 503. */
  unavailable?: number;
  /** Next n authenticated data requests answer 429 `Rate limit exceeded` with `Retry-After`. */
  rateLimited?: number;
  /** The `Retry-After` seconds of a 429; default 60. */
  retryAfterSeconds?: number;
  /** Every data request waits this long first. */
  latencyMs?: number;
  /** Next n data requests lose their connection before they are handled. */
  dropConnections?: number;
  /** Next n authenticated writes (POST, PUT, PATCH) are saved, then lose their connection before the answer. */
  dropResponses?: number;
  /** Every issued OAuth token stops working now. */
  expireTokens?: boolean;
}

interface ServiceNowEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Users that may authenticate with HTTP Basic; default one `leakwatch` / `leakwatch`. */
  users?: ServiceNowUser[];
  /** OAuth clients allowed the client credentials grant; default none. */
  oauthClients?: ServiceNowOAuthClient[];
  faults?: ServiceNowFaults;
  /** `expires_in` of issued tokens; default 1799 as in ServiceNow's OAuth example. */
  tokenTtlSeconds?: number;
}

interface ServiceNowEmulatorStats {
  /** Data requests received, faulted ones included. */
  requests: number;
  tokensIssued: number;
  queries: number;
  created: number;
  updated: number;
  journalEntries: number;
  /** Body fields the instance dropped silently: unknown, system (`sys_…`) or calculated (`priority`). */
  ignoredFields: string[];
  /** Choice fields written with a value outside their choice list (stored as given, as an instance does). */
  choiceViolations: Array<{ field: string; value: string }>;
  faultsInjected: { unavailable: number; rateLimited: number; dropConnections: number; dropResponses: number; tokensExpired: number };
}

type ServiceNowRecord = Record<string, string>;

export interface ServiceNowEmulator {
  /** Instance URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  /** Copies of the records of `incident` or `sys_journal_field`, oldest first, references as sys_ids. */
  records(table: string): ServiceNowRecord[];
  setFaults(faults: ServiceNowFaults): void;
  readonly stats: ServiceNowEmulatorStats;
  close(): Promise<void>;
}

const INCIDENT = 'incident';
const JOURNAL = 'sys_journal_field';
/** Journal fields: a write adds a `sys_journal_field` entry; the record itself reads back empty, as in the documented responses. */
const JOURNAL_ELEMENTS = new Set(['work_notes', 'comments']);
const REFERENCES: Record<string, string> = { caller_id: 'sys_user', opened_by: 'sys_user', assigned_to: 'sys_user', assignment_group: 'sys_user_group' };
const CHOICES: Record<string, readonly string[]> = {
  impact: ['1', '2', '3'],
  urgency: ['1', '2', '3'],
  // New, In Progress, On Hold, Resolved, Closed, Canceled.
  state: ['1', '2', '3', '6', '7', '8'],
};
const INACTIVE_STATES = new Set(['6', '7', '8']);
/** The incident priority lookup documented in "Define priority lookup rules" (impact:urgency → priority). */
const PRIORITY: Record<string, string> = { '1:1': '1', '1:2': '2', '1:3': '3', '2:1': '2', '2:2': '3', '2:3': '4', '3:1': '3', '3:2': '4', '3:3': '4' };
/** Written by the instance only; a body naming them is ignored. */
const CALCULATED = new Set(['priority', 'active', 'incident_state', 'opened_at', 'opened_by']);

const INCIDENT_DEFAULTS: ServiceNowRecord = {
  number: '',
  short_description: '',
  description: '',
  category: 'inquiry',
  subcategory: '',
  impact: '3',
  urgency: '3',
  priority: '4',
  severity: '3',
  state: '1',
  incident_state: '1',
  active: 'true',
  caller_id: '',
  assigned_to: '',
  assignment_group: '',
  contact_type: '',
  correlation_id: '',
  correlation_display: '',
  work_notes: '',
  comments: '',
  close_code: '',
  close_notes: '',
  opened_at: '',
  opened_by: '',
  sys_class_name: INCIDENT,
};
const INCIDENT_FIELDS = new Set([
  ...Object.keys(INCIDENT_DEFAULTS),
  'sys_id',
  'sys_created_on',
  'sys_created_by',
  'sys_updated_on',
  'sys_updated_by',
  'sys_mod_count',
]);
const JOURNAL_FIELDS = new Set(['sys_id', 'element', 'element_id', 'name', 'value', 'sys_created_on', 'sys_created_by']);
const FIELDS: Record<string, Set<string>> = { [INCIDENT]: INCIDENT_FIELDS, [JOURNAL]: JOURNAL_FIELDS };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const sysId = (): string => randomBytes(16).toString('hex');
/** `2026-12-05 03:04:05`, UTC, as the Table API returns date-times. */
const glideDateTime = (date = new Date()): string => date.toISOString().replace('T', ' ').slice(0, 19);
const failure = (message: string, detail: string | null) => ({ error: { message, detail }, status: 'failure' });

interface Condition {
  field: string;
  operator: '=' | '!=' | 'LIKE' | 'STARTSWITH' | 'ENDSWITH' | 'ISEMPTY' | 'ISNOTEMPTY';
  value: string;
}

interface EncodedQuery {
  /** Conditions ANDed; each is a group of alternatives joined by `^OR`. */
  groups: Condition[][];
  order: Array<{ field: string; descending: boolean }>;
}

const CONDITION = /^([a-z0-9_]+)(!=|=|LIKE|STARTSWITH|ENDSWITH|ISNOTEMPTY|ISEMPTY)(.*)$/;

/**
 * The encoded-query subset: `field=value`, `!=`, `LIKE`, `STARTSWITH`, `ENDSWITH`, `ISEMPTY`,
 * `ISNOTEMPTY`, `^` (AND), `^OR`, `ORDERBY<field>`, `ORDERBYDESC<field>`. A condition on an unknown
 * field is dropped and the rest still filters, as the instance does by default
 * (`glide.invalid_query.returns_no_rows` false).
 */
const parseEncodedQuery = (query: string, fields: ReadonlySet<string>): EncodedQuery => {
  const parsed: EncodedQuery = { groups: [], order: [] };
  for (const part of query.split('^')) {
    if (part === '') continue;
    if (part.startsWith('ORDERBYDESC')) {
      const field = part.slice('ORDERBYDESC'.length);
      if (fields.has(field)) parsed.order.push({ field, descending: true });
      continue;
    }
    if (part.startsWith('ORDERBY')) {
      const field = part.slice('ORDERBY'.length);
      if (fields.has(field)) parsed.order.push({ field, descending: false });
      continue;
    }
    // Field names are lower case, so a leading `OR` always joins the condition to the previous one.
    const alternative = part.startsWith('OR') && parsed.groups.length > 0;
    const match = CONDITION.exec(alternative ? part.slice(2) : part);
    if (!match || !fields.has(match[1] as string)) continue;
    const condition: Condition = { field: match[1] as string, operator: match[2] as Condition['operator'], value: match[3] as string };
    if (alternative) parsed.groups[parsed.groups.length - 1]?.push(condition);
    else parsed.groups.push([condition]);
  }
  return parsed;
};

const holds = (record: ServiceNowRecord, condition: Condition): boolean => {
  const actual = record[condition.field] ?? '';
  switch (condition.operator) {
    case '=':
      return actual === condition.value;
    case '!=':
      return actual !== condition.value;
    case 'LIKE':
      return actual.includes(condition.value);
    case 'STARTSWITH':
      return actual.startsWith(condition.value);
    case 'ENDSWITH':
      return actual.endsWith(condition.value);
    case 'ISEMPTY':
      return actual === '';
    case 'ISNOTEMPTY':
      return actual !== '';
  }
};

const runQuery = (records: ServiceNowRecord[], query: EncodedQuery): ServiceNowRecord[] => {
  const rows = records.filter((record) => query.groups.every((group) => group.some((condition) => holds(record, condition))));
  for (const { field, descending } of [...query.order].reverse()) {
    rows.sort((a, b) => (descending ? -1 : 1) * (a[field] ?? '').localeCompare(b[field] ?? ''));
  }
  return rows;
};

class FaultState {
  unavailable = 0;
  rateLimited = 0;
  retryAfterSeconds = 60;
  latencyMs = 0;
  dropConnections = 0;
  dropResponses = 0;

  set(faults: ServiceNowFaults): void {
    for (const key of ['unavailable', 'rateLimited', 'retryAfterSeconds', 'latencyMs', 'dropConnections', 'dropResponses'] as const) {
      const value = faults[key];
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 0) throw new RangeError(`fault ${key} must be a non-negative integer`);
      this[key] = value;
    }
  }

  take(kind: 'unavailable' | 'rateLimited' | 'dropConnections' | 'dropResponses'): boolean {
    if (this[kind] === 0) return false;
    this[kind] -= 1;
    return true;
  }
}

interface Principal {
  name: string;
  sysId: string;
}

type TableParams = { table: string };
type RecordParams = { table: string; sys_id: string };
type ListQuery = Record<string, string | undefined>;

/** Starts the emulated instance on 127.0.0.1. */
export const startServiceNowEmulator = async (options: ServiceNowEmulatorOptions = {}): Promise<ServiceNowEmulator> => {
  const users = new Map((options.users ?? [{ username: 'leakwatch', password: 'leakwatch' }]).map((user) => [user.username, { ...user, sysId: sysId() }]));
  const clients = new Map((options.oauthClients ?? []).map((client) => [client.clientId, { ...client, sysId: sysId() }]));
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 1799;
  const tokens = new Map<string, { principal: Principal; expiresAt: number }>();
  const tables = new Map<string, ServiceNowRecord[]>([
    [INCIDENT, []],
    [JOURNAL, []],
  ]);
  const faults = new FaultState();
  const stats: ServiceNowEmulatorStats = {
    requests: 0,
    tokensIssued: 0,
    queries: 0,
    created: 0,
    updated: 0,
    journalEntries: 0,
    ignoredFields: [],
    choiceViolations: [],
    faultsInjected: { unavailable: 0, rateLimited: 0, dropConnections: 0, dropResponses: 0, tokensExpired: 0 },
  };
  let incidentCounter = 10_000;
  let baseUrl = '';
  const principals = new WeakMap<FastifyRequest, Principal>();
  const dropAfterHandling = new WeakSet<FastifyRequest>();

  const setFaults = (settings: ServiceNowFaults): void => {
    faults.set(settings);
    if (settings.expireTokens) {
      stats.faultsInjected.tokensExpired += tokens.size;
      tokens.clear();
    }
  };
  if (options.faults) setFaults(options.faults);

  const app = Fastify({ logger: false });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(400).send(failure('Exception while reading request', error.message));
    }
    return reply.code(500).send(failure('Internal server error', null));
  });

  const authenticate = (request: FastifyRequest): Principal | undefined => {
    const header = request.headers.authorization ?? '';
    if (header.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice('Basic '.length), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      const user = colon > 0 ? users.get(decoded.slice(0, colon)) : undefined;
      return user && user.password === decoded.slice(colon + 1) ? { name: user.username, sysId: user.sysId } : undefined;
    }
    if (header.startsWith('Bearer ')) {
      const token = tokens.get(header.slice('Bearer '.length));
      if (!token) return undefined;
      if (token.expiresAt <= Date.now()) {
        tokens.delete(header.slice('Bearer '.length));
        return undefined;
      }
      return token.principal;
    }
    return undefined;
  };

  // Faults first (a load balancer answers before the instance looks at credentials), then the user, then the user's rate limit.
  const dataRequest = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    stats.requests += 1;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.take('dropConnections')) {
      stats.faultsInjected.dropConnections += 1;
      request.raw.socket.destroy();
      return reply.hijack();
    }
    if (faults.take('unavailable')) {
      stats.faultsInjected.unavailable += 1;
      return reply.code(503).type('text/html').send('<html><body><h1>Service Unavailable</h1></body></html>');
    }
    const principal = authenticate(request);
    if (!principal) {
      return reply.code(401).send(failure('User Not Authenticated', 'Required to provide Auth information'));
    }
    if (faults.take('rateLimited')) {
      stats.faultsInjected.rateLimited += 1;
      const resetAt = Math.floor(Date.now() / 1000) + faults.retryAfterSeconds;
      return reply
        .code(429)
        .header('Retry-After', String(faults.retryAfterSeconds))
        .header('X-RateLimit-Limit', '10')
        .header('X-RateLimit-Reset', String(resetAt))
        .header('X-RateLimit-Rule', sysId())
        .send(failure('Rate limit exceeded', 'Rate limit of 10 requests per hour for Table API exceeded'));
    }
    // The REST API needs Accept on every call and Content-Type on calls with a body (c_RESTAPI, "Data format headers").
    const accept = request.headers.accept ?? '';
    if (!/application\/json|\*\/\*/.test(accept)) {
      return reply.code(400).send(failure('Invalid request', 'Accept header must allow application/json'));
    }
    if (['POST', 'PUT', 'PATCH'].includes(request.method) && !/^application\/json\b/.test(request.headers['content-type'] ?? '')) {
      return reply.code(400).send(failure('Invalid request', 'Content-Type must be application/json'));
    }
    principals.set(request, principal);
    if (request.method !== 'GET' && faults.take('dropResponses')) {
      stats.faultsInjected.dropResponses += 1;
      dropAfterHandling.add(request);
    }
  };

  const answer = (request: FastifyRequest, reply: FastifyReply, status: number, body: unknown): FastifyReply => {
    if (dropAfterHandling.has(request)) {
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
    return reply.code(status).send(body);
  };

  const tableOf = (name: string): ServiceNowRecord[] | undefined => tables.get(name);

  const render = (table: string, record: ServiceNowRecord, query: ListQuery): Record<string, unknown> => {
    const known = FIELDS[table] as Set<string>;
    const requested = query.sysparm_fields
      ?.split(',')
      .map((field) => field.trim())
      .filter((field) => known.has(field));
    const names = requested && requested.length > 0 ? requested : Object.keys(record);
    const withLinks = query.sysparm_exclude_reference_link !== 'true';
    return Object.fromEntries(
      names.map((name) => {
        const value = record[name] ?? '';
        const referenced = REFERENCES[name];
        return [name, referenced && value && withLinks ? { link: `${baseUrl}/api/now/table/${referenced}/${value}`, value } : value];
      }),
    );
  };

  /** Applies a JSON body the way the instance does: unknown and system fields ignored, values kept as given. */
  const write = (record: ServiceNowRecord, body: unknown, principal: Principal, isNew: boolean): ServiceNowRecord[] => {
    const fields = body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
    const journal: ServiceNowRecord[] = [];
    for (const [name, raw] of Object.entries(fields)) {
      const value = raw === null || raw === undefined ? '' : typeof raw === 'object' ? JSON.stringify(raw) : String(raw);
      if (JOURNAL_ELEMENTS.has(name)) {
        if (value.trim() !== '') journal.push({ element: name, value });
        continue;
      }
      if (!INCIDENT_FIELDS.has(name) || name.startsWith('sys_') || CALCULATED.has(name) || (name === 'number' && !isNew)) {
        stats.ignoredFields.push(name);
        continue;
      }
      const choices = CHOICES[name];
      if (choices && !choices.includes(value)) stats.choiceViolations.push({ field: name, value });
      record[name] = value;
    }
    const priority = PRIORITY[`${record.impact}:${record.urgency}`];
    if (priority) record.priority = priority;
    record.incident_state = record.state ?? '1';
    record.active = INACTIVE_STATES.has(record.state ?? '') ? 'false' : 'true';
    const now = glideDateTime();
    record.sys_updated_on = now;
    record.sys_updated_by = principal.name;
    if (!isNew) record.sys_mod_count = String(Number(record.sys_mod_count ?? '0') + 1);
    return journal.map((entry) => ({
      sys_id: sysId(),
      element: entry.element as string,
      element_id: record.sys_id as string,
      name: INCIDENT,
      value: entry.value as string,
      sys_created_on: now,
      sys_created_by: principal.name,
    }));
  };

  const keepJournal = (entries: ServiceNowRecord[]): void => {
    tableOf(JOURNAL)?.push(...entries);
    stats.journalEntries += entries.length;
  };

  const unknownTable = (reply: FastifyReply, table: string) => reply.code(400).send(failure(`Invalid table ${table}`, null));
  const noRecord = (reply: FastifyReply) => reply.code(404).send(failure('No Record found', "Record doesn't exist or ACL restricts the record retrieval"));
  const readOnly = (reply: FastifyReply) => reply.code(403).send(failure('Operation Failed', 'ACL Exception Insert Failed due to security constraints'));

  app.post('/oauth_token.do', async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const client = typeof body.client_id === 'string' ? clients.get(body.client_id) : undefined;
    if (body.grant_type !== 'client_credentials' || !client || client.clientSecret !== body.client_secret) {
      return reply.code(401).send({ error_description: 'access_denied', error: 'server_error' });
    }
    const accessToken = randomBytes(48).toString('base64url');
    tokens.set(accessToken, { principal: { name: client.clientId, sysId: client.sysId }, expiresAt: Date.now() + tokenTtlSeconds * 1000 });
    stats.tokensIssued += 1;
    return { access_token: accessToken, scope: 'useraccount', token_type: 'Bearer', expires_in: tokenTtlSeconds };
  });

  app.get<{ Params: TableParams; Querystring: ListQuery }>('/api/now/table/:table', { onRequest: dataRequest }, async (request, reply) => {
    const { table } = request.params;
    const records = tableOf(table);
    if (!records) return unknownTable(reply, table);
    stats.queries += 1;
    const query = request.query;
    const rows = runQuery(records, parseEncodedQuery(query.sysparm_query ?? '', FIELDS[table] as Set<string>));
    const offset = Math.max(0, Number(query.sysparm_offset ?? 0) || 0);
    const limit = Math.max(0, Number(query.sysparm_limit ?? 10_000) || 0);
    reply.header('X-Total-Count', String(rows.length));
    return answer(request, reply, 200, { result: rows.slice(offset, offset + limit).map((row) => render(table, row, query)) });
  });

  app.get<{ Params: RecordParams; Querystring: ListQuery }>('/api/now/table/:table/:sys_id', { onRequest: dataRequest }, async (request, reply) => {
    const { table, sys_id: id } = request.params;
    const records = tableOf(table);
    if (!records) return unknownTable(reply, table);
    const record = records.find((row) => row.sys_id === id);
    if (!record) return noRecord(reply);
    return answer(request, reply, 200, { result: render(table, record, request.query) });
  });

  app.post<{ Params: TableParams; Querystring: ListQuery }>('/api/now/table/:table', { onRequest: dataRequest }, async (request, reply) => {
    const { table } = request.params;
    const records = tableOf(table);
    if (!records) return unknownTable(reply, table);
    if (table !== INCIDENT) return readOnly(reply);
    const principal = principals.get(request) as Principal;
    const now = glideDateTime();
    incidentCounter += 1;
    const record: ServiceNowRecord = {
      ...INCIDENT_DEFAULTS,
      sys_id: sysId(),
      number: `INC${String(incidentCounter).padStart(7, '0')}`,
      opened_at: now,
      opened_by: principal.sysId,
      sys_created_on: now,
      sys_created_by: principal.name,
      sys_mod_count: '0',
    };
    const journal = write(record, request.body, principal, true);
    records.push(record);
    keepJournal(journal);
    stats.created += 1;
    reply.header('Location', `${baseUrl}/api/now/table/${table}/${record.sys_id}`);
    return answer(request, reply, 201, { result: render(table, record, request.query) });
  });

  const update = async (request: FastifyRequest<{ Params: RecordParams; Querystring: ListQuery }>, reply: FastifyReply) => {
    const { table, sys_id: id } = request.params;
    const records = tableOf(table);
    if (!records) return unknownTable(reply, table);
    const record = records.find((row) => row.sys_id === id);
    if (!record) return noRecord(reply);
    if (table !== INCIDENT) return readOnly(reply);
    keepJournal(write(record, request.body, principals.get(request) as Principal, false));
    stats.updated += 1;
    return answer(request, reply, 200, { result: render(table, record, request.query) });
  };
  app.patch<{ Params: RecordParams; Querystring: ListQuery }>('/api/now/table/:table/:sys_id', { onRequest: dataRequest }, update);
  app.put<{ Params: RecordParams; Querystring: ListQuery }>('/api/now/table/:table/:sys_id', { onRequest: dataRequest }, update);

  await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const address = app.server.address();
  if (address === null || typeof address === 'string') throw new Error('the ServiceNow emulator did not get a TCP port');
  baseUrl = `http://${options.host ?? '127.0.0.1'}:${address.port}`;

  return {
    url: baseUrl,
    records: (table) => (tables.get(table) ?? []).map((record) => ({ ...record })),
    setFaults,
    stats,
    close: async () => {
      await app.close();
    },
  };
};
