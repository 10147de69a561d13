import { DEFAULT_API_VERSION } from '../contract/api-version.js';
import { readFileSync } from 'node:fs';
import jsforce from 'jsforce';
import { classifyError, OrgRequestError, recordError, type RecordError } from './errors.js';
import { audienceFor, JWT_BEARER_GRANT, readPrivateKey, signAssertion } from './jwt.js';
import { namespacer, type Namespacer } from './namespace.js';

interface OrgClientOptions {
  /** `https://login.salesforce.com`, `https://test.salesforce.com`, a My Domain URL or an emulator's URL. */
  loginUrl: string;
  /** The connected app's consumer key. */
  clientId: string;
  /** The integration user the token is issued for. */
  username: string;
  /** PEM private key whose certificate is uploaded to the connected app; or give `privateKeyPath`. */
  privateKey?: string;
  privateKeyPath?: string;
  /** REST API version, e.g. `62.0`. */
  apiVersion?: string;
  /** The JWT `aud`; derived from `loginUrl` when absent. */
  audience?: string;
  /** Per-request timeout in milliseconds. */
  timeoutMs?: number;
  /**
   * The package's namespace in the org (`leakwatch` in a subscriber org). Callers keep using
   * unqualified names; the client qualifies custom objects and fields on the way out and strips
   * the prefix from query results.
   */
  namespace?: string;
}

/** A field value or an external-id reference to a parent (`LeakVerdict__r: { EventId__c: '...' }`). */
export type OrgRecord = Record<string, unknown>;

export type UpsertResult =
  | { externalId: string; success: true; created: boolean; id: string }
  | {
      externalId: string;
      success: false;
      retryable: boolean;
      /** The first error's code and message, flat, for callers that log one line. */
      errorCode: string;
      message: string;
      error: RecordError;
      errors: RecordError[];
    };

/** One error of a Metadata API save (`SaveResult.errors`): the org's status code and message. */
interface MetadataError {
  statusCode: string;
  message: string;
  fields: string[];
}

/** The Metadata API's `SaveResult` for one component. */
export interface MetadataSaveResult {
  fullName: string;
  success: boolean;
  errors: MetadataError[];
}

/** SaveResults or DeleteResults as jsforce parses them (one object when there is one), one per name sent. */
function saveResults(saved: unknown, fullNames: string[]): MetadataSaveResult[] {
  const results = (Array.isArray(saved) ? saved : [saved]) as Array<{ fullName?: unknown; success?: unknown; errors?: unknown } | undefined>;
  if (results.length !== fullNames.length)
    throw new OrgRequestError('UNEXPECTED_RESPONSE', `expected ${fullNames.length} results from the Metadata API`, false);
  return results.map((result, index) => ({
    fullName: typeof result?.fullName === 'string' ? result.fullName : (fullNames[index] as string),
    // jsforce leaves SOAP booleans as they came: true, or the text "true".
    success: result?.success === true || result?.success === 'true',
    errors: (Array.isArray(result?.errors) ? result.errors : result?.errors ? [result.errors] : []).map(
      (e: { statusCode?: unknown; message?: unknown; fields?: unknown }) => ({
        statusCode: typeof e.statusCode === 'string' ? e.statusCode : 'UNKNOWN',
        message: typeof e.message === 'string' ? e.message : '',
        fields: Array.isArray(e.fields) ? e.fields.filter((f): f is string => typeof f === 'string') : typeof e.fields === 'string' ? [e.fields] : [],
      }),
    ),
  }));
}

/** A metadata component as `readMetadata` returns it (`fullName` and the type's properties). */
export type MetadataRecord = Record<string, unknown> & { fullName: string };

export interface OrgIdentity {
  orgId: string;
  userId: string;
  username: string;
}

export interface OrgClient {
  /**
   * Upserts records on an external-id field, 200 per request with allOrNone=false, and returns one
   * result per record in input order. Throws {@link OrgRequestError} when a request fails as a whole;
   * chunks sent before the failure stay written, which is safe because upserts are idempotent.
   */
  upsert(sobject: string, externalIdField: string, records: OrgRecord[]): Promise<UpsertResult[]>;
  /** Runs a SOQL query and follows `nextRecordsUrl` to the end. */
  query<T extends OrgRecord = OrgRecord>(soql: string): Promise<T[]>;
  /**
   * Upserts one record by an external id with sObject Rows by External ID (PATCH
   * `/sobjects/<Object>/<Field>/<value>`): created (201) or updated (200, or 204 before API 46.0).
   * Throws {@link OrgRequestError} when the org refuses it.
   */
  upsertOne(sobject: string, externalIdField: string, externalId: string, record: OrgRecord): Promise<{ id?: string; created: boolean }>;
  /**
   * Publishes one platform event message (POST `/sobjects/<Event__e>`). Success means the org queued it;
   * `eventUuid` is the one it reports (OPERATION_ENQUEUED). Throws {@link OrgRequestError} when refused.
   */
  publishEvent(event: string, fields: OrgRecord): Promise<{ id: string; eventUuid?: string }>;
  /**
   * Updates one record by id (PATCH `/sobjects/<Object>/<id>`, 204 without a body). Throws
   * {@link OrgRequestError} when the org refuses it: the first error's code (`NOT_FOUND` for an id the
   * org does not have, `INSUFFICIENT_ACCESS_OR_READONLY`, …).
   */
  update(sobject: string, id: string, fields: OrgRecord): Promise<void>;
  /**
   * Deletes one record by id (DELETE `/sobjects/<Object>/<id>`, 204 without a body). Throws
   * {@link OrgRequestError} when the org refuses it: `NOT_FOUND` for an id the org does not have,
   * `ENTITY_IS_DELETED` for one already in the Recycle Bin.
   */
  delete(sobject: string, id: string): Promise<void>;
  /** Creates records of one object, 200 per request, allOrNone: one result per record in input order. */
  create(sobject: string, records: OrgRecord[]): Promise<Array<{ success: boolean; id?: string; errorCode?: string; message?: string }>>;
  identity(): Promise<OrgIdentity>;
  /**
   * Metadata API `readMetadata` over SOAP (at most 10 full names): one entry per name, in order,
   * undefined where the org has no such component. Throws {@link OrgRequestError} on a SOAP fault
   * (its code without the `sf:` prefix, e.g. INSUFFICIENT_ACCESS).
   */
  readMetadata(type: string, fullNames: string[]): Promise<Array<MetadataRecord | undefined>>;
  /**
   * Metadata API `updateMetadata` over SOAP (at most 10 components of one type): each component
   * replaces the org's, so pass what `readMetadata` returned with the changes. One `SaveResult` per
   * component, in order; throws {@link OrgRequestError} on a SOAP fault.
   */
  updateMetadata(type: string, components: MetadataRecord[]): Promise<MetadataSaveResult[]>;
  /**
   * Metadata API `createMetadata` over SOAP (at most 10 components of one type). One `SaveResult`
   * per component, in order; throws {@link OrgRequestError} on a SOAP fault.
   */
  createMetadata(type: string, components: MetadataRecord[]): Promise<MetadataSaveResult[]>;
  /**
   * Metadata API `deleteMetadata` over SOAP (at most 10 full names of one type). One `DeleteResult`
   * (the same shape as a SaveResult) per name, in order; throws {@link OrgRequestError} on a SOAP fault.
   */
  deleteMetadata(type: string, fullNames: string[]): Promise<MetadataSaveResult[]>;
  /** The fields of an object as the org describes them to this user. */
  describe(sobject: string): Promise<{ fields: Array<{ name: string }> }>;
  /**
   * Streams a blob such as `/services/data/v62.0/sobjects/EventLogFile/<id>/LogFile`, asking for
   * gzip (decoded here). Logs in again once when the org answers 401.
   */
  download(path: string): Promise<AsyncIterable<Uint8Array>>;
  /** The org's daily API usage from the last response's `Sforce-Limit-Info`; undefined before the first. */
  apiUsage(): { used: number; limit: number } | undefined;
  /** HTTP requests sent to the org's REST API so far (each counts against its daily allowance). */
  requestCount(): number;
  /**
   * The current session for APIs that take the token itself (the Pub/Sub API's `accesstoken`,
   * `instanceurl` and `tenantid` headers); `renew` logs in again first (the last token was refused).
   */
  session(renew?: boolean): Promise<{ accessToken: string; instanceUrl: string; orgId: string }>;
  readonly apiVersion: string;
}

const BATCH_SIZE = 200;

const parseApiUsage = (header: string | null): { used: number; limit: number } | undefined => {
  const match = header ? /api-usage=(\d+)\/(\d+)/.exec(header) : null;
  return match ? { used: Number(match[1]), limit: Number(match[2]) } : undefined;
};

/** A failed blob download as the REST API reports it: `[{errorCode, message}]` with the HTTP status. */
const downloadError = (status: number, body: string): Error => {
  let code = `ERROR_HTTP_${status}`;
  let message = `the org answered ${status}`;
  try {
    const parsed = JSON.parse(body) as Array<{ errorCode?: unknown; message?: unknown }>;
    if (Array.isArray(parsed) && typeof parsed[0]?.errorCode === 'string') {
      code = parsed[0].errorCode;
      if (typeof parsed[0].message === 'string') message = parsed[0].message;
    }
  } catch {
    // not JSON: keep the status
  }
  return Object.assign(new Error(message), { errorCode: code, statusCode: status });
};
interface RawSaveResult {
  id?: string | null;
  success?: boolean;
  created?: boolean;
  errors?: { statusCode?: unknown; message?: unknown; fields?: unknown }[];
}

interface QueryPage<T> {
  records: T[];
  done: boolean;
  nextRecordsUrl?: string;
}

interface TokenResponse {
  access_token: string;
  instance_url: string;
  id: string;
}

const chunks = <T>(items: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));

const toResult = (externalId: string, raw: RawSaveResult | undefined, names: Namespacer): UpsertResult => {
  if (raw?.success === true && typeof raw.id === 'string') {
    return { externalId, success: true, created: raw.created === true, id: raw.id };
  }
  const errors = (raw?.errors ?? []).map(recordError).map((error) => ({ ...error, fields: error.fields.map(names.unqualify) }));
  const error = errors[0] ?? { code: 'UNKNOWN', message: 'the org reported no result for this record', fields: [], retryable: true };
  return {
    externalId,
    success: false,
    retryable: errors.length > 0 ? errors.every((item) => item.retryable) : true,
    errorCode: error.code,
    message: error.message,
    error,
    errors: errors.length > 0 ? errors : [error],
  };
};

/**
 * A Salesforce REST client for write-back, authenticated with the OAuth 2.0 JWT bearer flow. It logs
 * in on first use and asks for a new token whenever the org answers INVALID_SESSION_ID.
 */
export const createOrgClient = (options: OrgClientOptions): OrgClient => {
  const pem = options.privateKey ?? (options.privateKeyPath ? readFileSync(options.privateKeyPath, 'utf8') : undefined);
  if (!pem) throw new TypeError('createOrgClient needs privateKey or privateKeyPath');
  const key = readPrivateKey(pem);
  const version = options.apiVersion ?? DEFAULT_API_VERSION;
  const timeout = options.timeoutMs ?? 120_000;
  const names = namespacer(options.namespace);
  const claims = { clientId: options.clientId, username: options.username, audience: options.audience ?? audienceFor(options.loginUrl) };

  const requestToken = async (connection: jsforce.Connection): Promise<TokenResponse> => {
    const assertion = await signAssertion(claims, key);
    return (await connection.oauth2.requestToken({ grant_type: JWT_BEARER_GRANT, assertion })) as unknown as TokenResponse;
  };

  // jsforce replaces a failed refresh's error with a plain one; keep the original for classification.
  let refreshError: unknown;
  const connection: jsforce.Connection = new jsforce.Connection({
    loginUrl: options.loginUrl,
    version,
    refreshFn: (conn, callback) => {
      requestToken(conn as jsforce.Connection).then(
        (token) => {
          noteIdentity(token);
          conn.instanceUrl = token.instance_url;
          callback(null, token.access_token, token as never);
        },
        (error: unknown) => {
          refreshError = error;
          callback(error instanceof Error ? error : new Error(String(error)));
        },
      );
    },
  });

  /** The org and user of the last token, from its identity URL (`https://…/id/<orgId>/<userId>`). */
  let tokenIdentity: { orgId: string; userId: string } | undefined;
  const noteIdentity = (token: TokenResponse): void => {
    const match = /\/id\/(00D[A-Za-z0-9]{12,15})\/(005[A-Za-z0-9]{12,15})\/?$/.exec(token.id ?? '');
    tokenIdentity = match ? { orgId: match[1]!, userId: match[2]! } : undefined;
  };

  let login: Promise<void> | undefined;
  const ensureLogin = (): Promise<void> => {
    login ??= (async () => {
      const token = await requestToken(connection);
      noteIdentity(token);
      connection.instanceUrl = token.instance_url;
      connection.accessToken = token.access_token;
    })().catch((error: unknown) => {
      login = undefined;
      throw error;
    });
    return login;
  };

  let requests = 0;
  let downloadUsage: { used: number; limit: number } | undefined;
  const call = async <T>(request: { method: string; url: string; body?: string }): Promise<T> => {
    try {
      await ensureLogin();
      requests += 1;
      return (await connection.request<T>(
        // A DELETE carries no body, so no content type (a server may refuse an empty JSON body).
        { ...request, headers: request.body === undefined && request.method === 'DELETE' ? {} : { 'content-type': 'application/json' } } as never,
        { timeout } as never,
      )) as T;
    } catch (error) {
      const refreshFailed = refreshError !== undefined && error instanceof Error && error.message.startsWith('Unable to refresh session');
      const cause = refreshFailed ? refreshError : error;
      refreshError = undefined;
      throw classifyError(cause);
    }
  };

  /**
   * A Metadata API call through jsforce's SOAP client (the same session and refresh). jsforce names a
   * SOAP fault by its `faultcode` (`sf:INSUFFICIENT_ACCESS`): the prefix is dropped so the code reads
   * as the REST API's do, and retryable codes (SERVER_UNAVAILABLE, …) are recognised.
   */
  const metadataCall = async <T>(run: () => Promise<T>): Promise<T> => {
    try {
      await ensureLogin();
      requests += 1;
      return await run();
    } catch (error) {
      const code = (error as { errorCode?: unknown } | undefined)?.errorCode;
      if (typeof code === 'string' && code.startsWith('sf:')) (error as { errorCode: string }).errorCode = code.slice(3);
      throw classifyError(error);
    }
  };

  /** One sObject Collections request for records of one object; one result per record, in order, or it throws. */
  const saveCollection = async (
    request: { method: 'PATCH' | 'POST'; url: string; allOrNone: boolean },
    type: string,
    chunk: OrgRecord[],
  ): Promise<RawSaveResult[]> => {
    const raw = await call<RawSaveResult[]>({
      method: request.method,
      url: request.url,
      body: JSON.stringify({ allOrNone: request.allOrNone, records: chunk.map((record) => ({ attributes: { type }, ...names.qualifyRecord(record) })) }),
    });
    if (!Array.isArray(raw) || raw.length !== chunk.length) {
      throw new OrgRequestError('UNEXPECTED_RESPONSE', `expected ${chunk.length} results from the org`, false);
    }
    return raw;
  };

  const upsertChunk = async (sobject: string, externalIdField: string, chunk: OrgRecord[]): Promise<UpsertResult[]> => {
    const type = names.qualify(sobject);
    const url = `/services/data/v${version}/composite/sobjects/${encodeURIComponent(type)}/${encodeURIComponent(names.qualify(externalIdField))}`;
    const raw = await saveCollection({ method: 'PATCH', url, allOrNone: false }, type, chunk);
    return chunk.map((record, index) => toResult(String(record[externalIdField]), raw[index], names));
  };

  return {
    async upsert(sobject, externalIdField, records) {
      for (const record of records) {
        const value = record[externalIdField];
        if (typeof value !== 'string' || value === '') throw new TypeError(`every record needs a ${externalIdField} value`);
      }
      const results: UpsertResult[] = [];
      for (const chunk of chunks(records, BATCH_SIZE)) results.push(...(await upsertChunk(sobject, externalIdField, chunk)));
      return results;
    },

    async upsertOne(sobject, externalIdField, externalId, record) {
      const path = `/sobjects/${encodeURIComponent(names.qualify(sobject))}/${encodeURIComponent(names.qualify(externalIdField))}/${encodeURIComponent(externalId)}`;
      const raw = await call<RawSaveResult | undefined>({
        method: 'PATCH',
        url: `/services/data/v${version}${path}`,
        body: JSON.stringify(names.qualifyRecord(record)),
      });
      // Before API 46.0 an update answers 204 without a body.
      return { ...(typeof raw?.id === 'string' ? { id: raw.id } : {}), created: raw?.created === true };
    },

    async publishEvent(event, fields) {
      const raw = await call<RawSaveResult>({
        method: 'POST',
        url: `/services/data/v${version}/sobjects/${encodeURIComponent(names.qualify(event))}`,
        body: JSON.stringify(names.qualifyRecord(fields)),
      });
      const enqueued = raw?.errors?.find((error) => error.statusCode === 'OPERATION_ENQUEUED');
      if (raw?.success !== true || typeof raw.id !== 'string') {
        const error = raw?.errors?.find((item) => item.statusCode !== 'OPERATION_ENQUEUED');
        const code = typeof error?.statusCode === 'string' ? error.statusCode : 'UNEXPECTED_RESPONSE';
        throw new OrgRequestError(code, typeof error?.message === 'string' ? error.message : 'the org did not publish the event', false);
      }
      return { id: raw.id, ...(typeof enqueued?.message === 'string' ? { eventUuid: enqueued.message } : {}) };
    },

    async update(sobject, id, fields) {
      await call<unknown>({
        method: 'PATCH',
        url: `/services/data/v${version}/sobjects/${encodeURIComponent(names.qualify(sobject))}/${encodeURIComponent(id)}`,
        body: JSON.stringify(names.qualifyRecord(fields)),
      });
    },

    async delete(sobject, id) {
      await call<unknown>({
        method: 'DELETE',
        url: `/services/data/v${version}/sobjects/${encodeURIComponent(names.qualify(sobject))}/${encodeURIComponent(id)}`,
      });
    },

    async create(sobject, records) {
      const type = names.qualify(sobject);
      const results: Array<{ success: boolean; id?: string; errorCode?: string; message?: string }> = [];
      for (const chunk of chunks(records, BATCH_SIZE)) {
        const raw = await saveCollection({ method: 'POST', url: `/services/data/v${version}/composite/sobjects`, allOrNone: true }, type, chunk);
        for (const item of raw) {
          const error = item.errors?.[0];
          results.push(
            item.success === true && typeof item.id === 'string'
              ? { success: true, id: item.id }
              : {
                  success: false,
                  errorCode: typeof error?.statusCode === 'string' ? error.statusCode : 'UNKNOWN',
                  message: typeof error?.message === 'string' ? error.message : '',
                },
          );
        }
      }
      return results;
    },

    async query<T extends OrgRecord = OrgRecord>(soql: string) {
      const records: T[] = [];
      let page = await call<QueryPage<T>>({ method: 'GET', url: `/services/data/v${version}/query?q=${encodeURIComponent(names.qualifySoql(soql))}` });
      records.push(...page.records);
      while (!page.done && page.nextRecordsUrl) {
        page = await call<QueryPage<T>>({ method: 'GET', url: page.nextRecordsUrl });
        records.push(...page.records);
      }
      return names.unqualifyValue(records) as T[];
    },

    apiVersion: version,

    async readMetadata(type, fullNames) {
      if (fullNames.length === 0) return [];
      const read = await metadataCall(() => connection.metadata.read(type as never, fullNames));
      const records = (Array.isArray(read) ? read : [read]) as Array<Record<string, unknown> | undefined>;
      // A name the org has no component for comes back as an empty record, without fullName.
      return fullNames.map((_, index) => {
        const record = records[index];
        return record && typeof record.fullName === 'string' && record.fullName !== '' ? (record as MetadataRecord) : undefined;
      });
    },

    async updateMetadata(type, components) {
      if (components.length === 0) return [];
      return saveResults(
        await metadataCall(() => connection.metadata.update(type as never, components as never)),
        components.map((c) => c.fullName),
      );
    },

    async createMetadata(type, components) {
      if (components.length === 0) return [];
      return saveResults(
        await metadataCall(() => connection.metadata.create(type as never, components as never)),
        components.map((c) => c.fullName),
      );
    },

    async deleteMetadata(type, fullNames) {
      if (fullNames.length === 0) return [];
      return saveResults(await metadataCall(() => connection.metadata.delete(type as never, fullNames)), fullNames);
    },

    requestCount: () => requests,

    apiUsage() {
      const usage = (connection as unknown as { limitInfo?: { apiUsage?: { used: number; limit: number } } }).limitInfo?.apiUsage;
      return usage ?? downloadUsage;
    },

    async describe(sobject) {
      const described = await call<{ fields?: Array<{ name: string }> }>({
        method: 'GET',
        url: `/services/data/v${version}/sobjects/${encodeURIComponent(names.qualify(sobject))}/describe`,
      });
      return { fields: (described.fields ?? []).map((field) => ({ name: names.unqualify(field.name) })) };
    },

    async download(path) {
      if (!path.startsWith('/services/data/')) throw new TypeError(`not a REST API path: ${path}`);
      for (let attempt = 0; ; attempt += 1) {
        try {
          await ensureLogin();
        } catch (error) {
          throw classifyError(error);
        }
        requests += 1;
        let response: Response;
        try {
          response = await fetch(`${connection.instanceUrl}${path}`, {
            headers: { authorization: `Bearer ${connection.accessToken}`, 'accept-encoding': 'gzip' },
            signal: AbortSignal.timeout(timeout),
          });
        } catch (error) {
          throw classifyError(error);
        }
        const limit = parseApiUsage(response.headers.get('sforce-limit-info'));
        if (limit) downloadUsage = limit;
        if (response.status === 401 && attempt === 0) {
          await response.body?.cancel();
          login = undefined;
          continue;
        }
        if (!response.ok || !response.body) {
          const text = await response.text().catch(() => '');
          throw classifyError(downloadError(response.status, text));
        }
        return response.body as unknown as AsyncIterable<Uint8Array>;
      }
    },

    async session(renew = false) {
      if (renew) login = undefined;
      try {
        await ensureLogin();
      } catch (error) {
        throw classifyError(error);
      }
      const orgId = tokenIdentity?.orgId ?? (await this.identity()).orgId;
      return { accessToken: connection.accessToken as string, instanceUrl: connection.instanceUrl, orgId };
    },

    async identity() {
      // The token's identity URL names the org and user without another call (or the openid scope
      // userinfo needs); userinfo is only asked when a token came without one.
      try {
        await ensureLogin();
      } catch (error) {
        throw classifyError(error);
      }
      if (tokenIdentity) return { ...tokenIdentity, username: options.username };
      const info = await call<{ organization_id: string; user_id: string; preferred_username: string }>({ method: 'GET', url: '/services/oauth2/userinfo' });
      return { orgId: info.organization_id, userId: info.user_id, username: info.preferred_username };
    },
  };
};
