import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { eventLogFileRecord, type EventLogFileSeed } from './event-log-files.js';
import type { EventBus } from './pubsub/bus.js';
import { seededEvents } from './pubsub/seeding.js';
import { OAuthError, type OrgAuth } from './auth.js';
import { ApiError, type RecordIssue } from './errors.js';
import type { FaultInjector, FaultSettings } from './faults.js';
import type { ObjectDef } from './metadata.js';
import { runQuery } from './soql.js';
import { idSuffix } from '../contract/salesforce-id.js';
import { collectionRecords, type OrgStore, type SaveRequest, type SaveResult } from './store.js';
import { recordId } from './ids.js';
import { parseRecord } from './validate.js';
import { registerMetadataApi, type MetadataPermission } from './metadata-api.js';
import { classificationProblems, metadataField, setClassification } from './field-definitions.js';
import { toId18 } from '../contract/salesforce-id.js';
import type { OrgWideDefaults } from './sharing.js';
import { isSharingRuleType, sharingRuleInput, SHARING_RULE_TYPES, type SharingRules } from './sharing-rules.js';

export interface EmulatorStats {
  requests: number;
  tokensIssued: number;
  upsertRequests: number;
  createRequests: number;
  queries: number;
  recordsSaved: number;
  recordsFailed: number;
  /** Platform event messages published through `POST /sobjects/<Event__e>`. */
  eventsPublished: number;
  /** Successful calls of the OAuth revoke endpoint (`/services/oauth2/revoke`). */
  tokensRevoked: number;
}

/** The org's daily API allowance: every authorised data request counts one call. */
interface ApiAllowance {
  used: number;
  max: number;
}

interface ServerParts {
  api: ApiAllowance;
  /** Blob bodies (EventLogFile.LogFile) by record id. */
  blobs: Map<string, Buffer>;
  store: OrgStore;
  auth: OrgAuth;
  faults: FaultInjector;
  stats: EmulatorStats;
  queryBatchSize: number;
  /**
   * Permissions the integration user holds whatever its permission sets say (the emulator's options);
   * it also holds every `Permissions…` field set on a PermissionSet assigned to it
   * (PermissionSetAssignment, seeded like any record).
   */
  grants: ReadonlySet<UserPermission>;
  /** The emulator's own base URL, known once it listens. */
  baseUrl: () => string;
  setFaults: (settings: FaultSettings) => void;
  /** The org's event bus for Pub/Sub API channels; absent when Pub/Sub API is off. */
  pubsub?: EventBus;
  /** The org-wide defaults (Metadata API CustomObject, `POST /__emulator/org-wide-defaults`). */
  sharing: OrgWideDefaults;
  /** The sharing rules (Metadata API SharingCriteriaRule, SharingOwnerRule, SharingGuestRule; `POST /__emulator/sharing-rules`). */
  sharingRules: SharingRules;
}

/** The integration user's permissions the emulator checks: the Metadata API's (Manage Sharing among them), and the ones PermissionSetAssignment writes need. */
export type UserPermission = MetadataPermission | 'AssignPermissionSets' | 'ManageUsers';

/**
 * Fields of PermissionSetAssignment an update may set: the Object Reference marks only these
 * `Update` (AssigneeId, PermissionSetId and PermissionSetGroupId are `Create` only).
 */
const ASSIGNMENT_UPDATABLE = new Set(['expirationdate', 'isrevoked']);
/** "ExpirationDate … This field is available in API version 52.0 and later." */
const EXPIRATION_DATE_SINCE = 52;

interface VersionParams {
  version: string;
}

const CURRENT_VERSION = '62.0';
/** Records per seeding request. */
const SEED_LIMIT = 10_000;
/** Query locators a user can hold open at once; the oldest is dropped beyond this, as in Salesforce. */
const OPEN_CURSORS = 10;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const bearer = (request: FastifyRequest): string | undefined => {
  const header = request.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice('Bearer '.length);
  const query = request.query as Record<string, unknown>;
  return typeof query.oauth_token === 'string' ? query.oauth_token : undefined;
};

const versionOf = (params: VersionParams): string => {
  const match = /^v(\d+\.\d)$/.exec(params.version);
  if (!match) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  return match[1] as string;
};

const objectOf = (store: OrgStore, name: string): ObjectDef => {
  const object = store.object(name);
  if (!object) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  return object;
};

/** Builds the HTTP face of the emulated org: OAuth, identity, sObject Collections, query, describe. */
export const buildServer = (parts: ServerParts): FastifyInstance => {
  const { store, auth, faults, stats } = parts;
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 * 1024 });
  const cursors = new Map<string, { rows: unknown[]; totalSize: number }>();
  let cursorCounter = 0;

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  app.setErrorHandler((error: Error & { statusCode?: number }, _request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(error.body());
    if (error instanceof OAuthError) return reply.code(400).send({ error: error.error, error_description: error.description });
    if (error.statusCode && error.statusCode < 500) {
      return reply.code(400).send([{ message: error.message, errorCode: 'JSON_PARSER_ERROR' }]);
    }
    return reply.code(500).send([{ message: 'An unexpected error occurred.', errorCode: 'UNKNOWN_EXCEPTION' }]);
  });

  const authorised = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    stats.requests += 1;
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
    if (faults.take('dropConnections')) {
      request.raw.socket.destroy();
      return reply.hijack();
    }
    if (faults.take('unavailable')) {
      return reply.code(503).send([{ message: 'Server is temporarily unavailable. Please try again later.', errorCode: 'SERVER_UNAVAILABLE' }]);
    }
    if (!auth.isValid(bearer(request))) {
      return reply.code(401).send([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    }
    if (parts.api.used >= parts.api.max || faults.take('requestLimit')) {
      return reply.code(403).send([{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]);
    }
    parts.api.used += 1;
  };

  // Every REST API response tells the caller how much of the daily allowance is used, as an org does.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.url.startsWith('/services/data/')) reply.header('Sforce-Limit-Info', `api-usage=${parts.api.used}/${parts.api.max}`);
    return payload;
  });

  /** Whether the integration user holds a permission: granted by option, or by an assigned permission set. */
  const permitted = (permission: UserPermission): boolean => {
    if (parts.grants.has(permission)) return true;
    const user = toId18(auth.identity.userId);
    return store.records('PermissionSetAssignment').some((assignment) => {
      if (typeof assignment.AssigneeId !== 'string' || toId18(assignment.AssigneeId) !== user || assignment.IsRevoked === true) return false;
      const set = typeof assignment.PermissionSetId === 'string' ? store.get('PermissionSet', toId18(assignment.PermissionSetId)) : undefined;
      return set?.[`Permissions${permission}`] === true;
    });
  };

  registerMetadataApi(app, { store, auth, permitted, sharing: parts.sharing, sharingRules: parts.sharingRules, onCall: () => (stats.requests += 1) });

  const save = (requests: SaveRequest[], allOrNone: boolean) => {
    const results = store.save(requests, { allOrNone, lockFails: () => faults.take('lockRows'), userId: auth.identity.userId });
    stats.recordsSaved += results.filter((result) => result.success).length;
    stats.recordsFailed += results.filter((result) => !result.success).length;
    return results;
  };

  const page = (rows: unknown[], start: number, totalSize: number, version: string, locator?: string) => {
    const end = start + parts.queryBatchSize;
    const done = end >= rows.length;
    const id = locator ?? `01g5g${String(++cursorCounter).padStart(10, '0')}`;
    if (done) cursors.delete(id);
    else {
      cursors.set(id, { rows, totalSize });
      const [oldest] = cursors.keys();
      if (cursors.size > OPEN_CURSORS && oldest !== undefined) cursors.delete(oldest);
    }
    return {
      totalSize,
      done,
      ...(done ? {} : { nextRecordsUrl: `/services/data/v${version}/query/${id}-${end}` }),
      records: rows.slice(start, end),
    };
  };

  /**
   * A frozen user cannot log in: UserLogin.IsFrozen "If true, the user account associated with this
   * object is frozen. If a user's account is frozen, they can't log in, but their account isn't
   * deactivated" (Object Reference, UserLogin). The JWT bearer flow answers "a standard OAuth error
   * response" (Help, "OAuth 2.0 Authorization Errors"); Salesforce documents no description for a frozen
   * user, so `invalid_grant` "user account is frozen" is the emulator's wording. Tokens issued before the
   * freeze stay valid: freezing stops logins, ending sessions is a separate act (AuthSession, revoke).
   */
  const frozenLogin = (): OAuthError | undefined => {
    const user = toId18(auth.identity.userId);
    const frozen = store.records('UserLogin').some((login) => typeof login.UserId === 'string' && toId18(login.UserId) === user && login.IsFrozen === true);
    return frozen ? new OAuthError('invalid_grant', 'user account is frozen') : undefined;
  };

  app.post('/services/oauth2/token', async (request, reply) => {
    if (faults.take('loginUnavailable')) return reply.code(503).type('text/plain').send('Service Unavailable');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const token = await auth.exchange(body.grant_type, body.assertion, parts.baseUrl(), frozenLogin);
    stats.tokensIssued += 1;
    return token;
  });

  /**
   * The OAuth revoke endpoint: `POST /services/oauth2/revoke` with `token=<value>` form-encoded, or a
   * "blind GET" with `?token=`. No Authorization header: the token itself is the credential. "If an
   * access token is included, Salesforce invalidates it and revokes the token. If a refresh token is
   * included, Salesforce revokes it and any associated access tokens" (Mobile SDK, "Revoking OAuth
   * Tokens"); OauthToken.DeleteToken is "A token that can be used at the revoke OAuth token endpoint to
   * remove this token" (Object Reference, OauthToken). So a value matching an OauthToken's DeleteToken or
   * AccessToken removes that record (and ends its access token), and an access token the emulator issued
   * stops working. Success is 200 with an empty body; "For all error conditions, Salesforce returns a 400
   * status code along with one of the following error responses: unsupported_token_type … invalid_token".
   * An unknown token is `invalid_token`; a missing or empty one, which has no type to support, is
   * `unsupported_token_type` (the documentation allows no third code such as invalid_request). The
   * descriptions are the emulator's.
   * https://developer.salesforce.com/docs/platform/mobile-sdk/guide/oauth-revoking-tokens.html
   * https://developer.salesforce.com/blogs/2011/11/revoking-oauth-2-0-access-tokens-and-refresh-tokens
   */
  const revoke = (token: unknown): void => {
    if (typeof token !== 'string' || token === '')
      throw new OAuthError('unsupported_token_type', 'no token to revoke: send token=<access token, refresh token or OauthToken.DeleteToken>');
    let revoked = auth.revoke(token);
    for (const record of store.records('OauthToken').filter((row) => row.DeleteToken === token || row.AccessToken === token)) {
      store.remove('OauthToken', record.Id as string);
      if (typeof record.AccessToken === 'string') auth.revoke(record.AccessToken);
      revoked = true;
    }
    if (!revoked) throw new OAuthError('invalid_token', 'invalid token');
    stats.tokensRevoked += 1;
  };
  app.post('/services/oauth2/revoke', async (request, reply) => {
    revoke(((request.body ?? {}) as Record<string, unknown>).token);
    return reply.code(200).send();
  });
  app.get<{ Querystring: { token?: string } }>('/services/oauth2/revoke', async (request, reply) => {
    revoke(request.query.token);
    return reply.code(200).send();
  });

  app.get('/services/oauth2/userinfo', { onRequest: authorised }, async () => ({
    sub: `${parts.baseUrl()}/id/${auth.identity.orgId}/${auth.identity.userId}`,
    user_id: auth.identity.userId,
    organization_id: auth.identity.orgId,
    preferred_username: auth.identity.username,
    email: auth.identity.username,
    active: true,
    user_type: 'STANDARD',
  }));

  app.get<{ Params: { orgId: string; userId: string } }>('/id/:orgId/:userId', { onRequest: authorised }, async (request) => {
    const { orgId, userId } = request.params;
    if (orgId !== auth.identity.orgId || userId !== auth.identity.userId) {
      throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    }
    const base = parts.baseUrl();
    return {
      id: `${base}/id/${orgId}/${userId}`,
      asserted_user: true,
      user_id: userId,
      organization_id: orgId,
      username: auth.identity.username,
      active: true,
      user_type: 'STANDARD',
      urls: {
        rest: `${base}/services/data/v{version}/`,
        sobjects: `${base}/services/data/v{version}/sobjects/`,
        query: `${base}/services/data/v{version}/query/`,
      },
    };
  });

  app.get('/services/data', async () => [{ label: "Winter '25", url: `/services/data/v${CURRENT_VERSION}`, version: CURRENT_VERSION }]);

  app.get<{ Params: VersionParams }>('/services/data/:version', { onRequest: authorised }, async (request) => {
    const version = versionOf(request.params);
    const base = `/services/data/v${version}`;
    return {
      sobjects: `${base}/sobjects`,
      query: `${base}/query`,
      composite: `${base}/composite`,
      identity: `${parts.baseUrl()}/id/${auth.identity.orgId}/${auth.identity.userId}`,
    };
  });

  app.post<{ Params: VersionParams }>('/services/data/:version/composite/sobjects', { onRequest: authorised }, async (request) => {
    versionOf(request.params);
    stats.createRequests += 1;
    const { allOrNone, records } = collectionRecords(request.body);
    const requests = records.map((body) => {
      const type = (body.attributes as { type?: unknown } | undefined)?.type;
      if (typeof type !== 'string') throw new ApiError(400, 'INVALID_TYPE', 'Each record must name its sObject type in attributes.type');
      return { object: objectOf(store, type), body };
    });
    return save(requests, allOrNone);
  });

  app.patch<{ Params: VersionParams & { sobject: string; field: string } }>(
    '/services/data/:version/composite/sobjects/:sobject/:field',
    { onRequest: authorised },
    async (request) => {
      versionOf(request.params);
      stats.upsertRequests += 1;
      const object = objectOf(store, request.params.sobject);
      const fieldName = object.fieldsByLowerName.get(request.params.field.toLowerCase());
      const field = fieldName ? object.fields.get(fieldName) : undefined;
      if (!field?.externalId) {
        throw new ApiError(400, 'INVALID_FIELD', `Field name provided, ${request.params.field} is not an External ID or indexed field for ${object.name}`);
      }
      const { allOrNone, records } = collectionRecords(request.body);
      for (const body of records) {
        const type = (body.attributes as { type?: unknown } | undefined)?.type;
        if (typeof type !== 'string') throw new ApiError(400, 'INVALID_TYPE', 'Each record must name its sObject type in attributes.type');
        if (type.toLowerCase() !== object.name.toLowerCase()) throw new ApiError(400, 'INVALID_TYPE', `Record type ${type} does not match ${object.name}`);
      }
      return save(
        records.map((body) => ({ object, body, externalIdField: field.name })),
        allOrNone,
      );
    },
  );

  /** A single-record call's refusal: the record's errors as the REST API's `[{message, errorCode, fields}]`, 400. */
  const refused = (reply: FastifyReply, errors: SaveResult['errors']) =>
    reply.code(400).send(errors.map((error) => ({ message: error.message, errorCode: error.statusCode, fields: error.fields })));

  const recordBody = (body: unknown): Record<string, unknown> => {
    if (body === null || typeof body !== 'object' || Array.isArray(body))
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field names and values');
    return body as Record<string, unknown>;
  };

  // sObject Basic Information, POST: creates one record, or publishes one platform event message. An
  // event's reply carries OPERATION_ENQUEUED and the EventUuid in `errors` beside `success: true`, as
  // "Publish Event Messages with Salesforce APIs" shows:
  // https://developer.salesforce.com/docs/atlas.en-us.platform_events.meta/platform_events/platform_events_publish_api.htm
  app.post<{ Params: VersionParams & { sobject: string } }>('/services/data/:version/sobjects/:sobject', { onRequest: authorised }, async (request, reply) => {
    versionOf(request.params);
    stats.createRequests += 1;
    const object = objectOf(store, request.params.sobject);
    const body = recordBody(request.body);
    if (object.event) {
      const parsed = parseRecord(store.schema, object, body);
      const missing = [...object.fields.values()]
        .filter((field) => field.required && field.writable && (parsed.values.get(field.name) ?? null) === null)
        .map((field) => field.name);
      if (missing.length > 0)
        parsed.issues.push({ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing });
      if (parsed.issues.length > 0) return refused(reply, parsed.issues);
      const message = store.publish(object, parsed, auth.identity.userId);
      stats.eventsPublished += 1;
      const id = recordId(object.keyPrefix, Number(message.ReplayId));
      return reply.code(201).send({ id, success: true, errors: [{ statusCode: 'OPERATION_ENQUEUED', message: message.EventUuid, fields: [] }] });
    }
    const [result] = save([{ object, body }], true);
    if (!result?.success) return refused(reply, result?.errors ?? []);
    return reply.code(201).send({ id: result.id, success: true, errors: [] });
  });

  // sObject Rows by External ID, PATCH: upserts one record. 201 with `created: true` when none matched,
  // 200 with `created: false` when one did (the `created` flag from API 46.0); an unknown or non-external-id
  // field in the URL is 404 NOT_FOUND; Id or the external id field in the body is refused ("Do not specify
  // Id or an external ID field in the request body or an error is generated"):
  // https://developer.salesforce.com/docs/platform/api-rest/guide/dome-upsert.html
  app.patch<{ Params: VersionParams & { sobject: string; field: string; value: string } }>(
    '/services/data/:version/sobjects/:sobject/:field/:value',
    { onRequest: authorised },
    async (request, reply) => {
      versionOf(request.params);
      stats.upsertRequests += 1;
      const object = objectOf(store, request.params.sobject);
      const fieldName = object.fieldsByLowerName.get(request.params.field.toLowerCase());
      const field = fieldName ? object.fields.get(fieldName) : undefined;
      if (object.event || !field?.externalId) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const body = recordBody(request.body);
      const named = Object.keys(body).find((key) => ['id', field.name.toLowerCase()].includes(key.toLowerCase()));
      if (named) throw new ApiError(400, 'INVALID_FIELD', `${named} cannot be specified in the body of an upsert by ${field.name}`, [named]);
      const [result] = save([{ object, body: { ...body, [field.name]: request.params.value }, externalIdField: field.name }], true);
      if (!result?.success) return refused(reply, result?.errors ?? []);
      return reply.code(result.created ? 201 : 200).send({ id: result.id, success: true, errors: [], created: result.created === true });
    },
  );

  /**
   * What the org checks before a PermissionSetAssignment is changed or deleted through the API: the
   * calling user needs Assign Permission Sets (Manage Users includes it), and an assignment whose
   * permission set is owned by a profile cannot be removed or changed ("Permission sets that are
   * owned by profiles can be queried but cannot be modified"; the code and wording here are the
   * emulator's, the documentation names none). Answers the refusal, or undefined.
   */
  const assignmentRefusal = (record: Record<string, unknown>): ApiError | undefined => {
    if (!permitted('AssignPermissionSets') && !permitted('ManageUsers')) {
      return new ApiError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
    }
    const set = typeof record.PermissionSetId === 'string' ? store.get('PermissionSet', toId18(record.PermissionSetId)) : undefined;
    if (set?.IsOwnedByProfile === true) {
      return new ApiError(400, 'DELETE_FAILED', "This permission set assignment belongs to the user's profile: change the profile to remove it");
    }
    return undefined;
  };

  /**
   * What the org checks before a UserLogin is updated (Object Reference, UserLogin): the calling user
   * needs Manage Users ("To access this object, you need the UserPermissions.ManageUsers permission"),
   * refused as for PermissionSetAssignment (`INSUFFICIENT_ACCESS_OR_READONLY`); and IsPasswordLocked
   * "From the API, you can set this field to false, but not true": setting it true is a 400
   * `FIELD_INTEGRITY_EXCEPTION` on that field (the documentation names no code or message; both are the
   * emulator's). UserId, which "can't be updated", and the audit fields are refused by the write's own
   * field check (`INVALID_FIELD_FOR_INSERT_UPDATE`), as every read-only field is.
   */
  const userLoginRefusal = (body: Record<string, unknown>): ApiError | RecordIssue[] | undefined => {
    if (!permitted('ManageUsers')) return new ApiError(400, 'INSUFFICIENT_ACCESS_OR_READONLY', 'insufficient access rights on object id');
    const locked = Object.keys(body).find((key) => key.toLowerCase() === 'ispasswordlocked');
    if (locked && (body[locked] === true || body[locked] === 'true')) {
      return [
        { statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'IsPasswordLocked can be set to false through the API, not to true', fields: ['IsPasswordLocked'] },
      ];
    }
    return undefined;
  };

  /**
   * The object-specific checks of an update by id (sObject Rows PATCH), after the record is found:
   * PermissionSetAssignment's and UserLogin's. Answers a whole-request refusal (ApiError), the record's
   * errors, or undefined to go on to the write.
   */
  const updateRefusal = (object: ObjectDef, record: Record<string, unknown>, body: Record<string, unknown>): ApiError | RecordIssue[] | undefined => {
    if (object.name === 'PermissionSetAssignment') {
      const createOnly = Object.keys(body).filter(
        (key) => key !== 'attributes' && !ASSIGNMENT_UPDATABLE.has(key.toLowerCase()) && object.fieldsByLowerName.has(key.toLowerCase()),
      );
      if (createOnly.length > 0) {
        return [
          {
            statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
            message: `Unable to create/update fields: ${createOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
            fields: createOnly,
          },
        ];
      }
      return assignmentRefusal(record);
    }
    if (object.name === 'UserLogin') return userLoginRefusal(body);
    return undefined;
  };

  /** The stored record an sObject Rows call names by its 15- or 18-character id, or a 404 as the REST API answers. */
  const recordById = (object: ObjectDef, rawId: string): Record<string, unknown> => {
    const id = /^[a-zA-Z0-9]{15}$/.test(rawId) ? toId18(rawId) : rawId;
    const record = /^[a-zA-Z0-9]{18}$/.test(id) ? store.get(object.name, id) : undefined;
    if (!record) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
    return record;
  };

  // sObject Rows, PATCH by id: updates one record; 204 without a body on success, the record's errors
  // as a 400 otherwise; an id the org does not have is 404 NOT_FOUND:
  // https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/dome_update_fields.htm
  app.patch<{ Params: VersionParams & { sobject: string; id: string } }>(
    '/services/data/:version/sobjects/:sobject/:id',
    { onRequest: authorised },
    async (request, reply) => {
      const version = versionOf(request.params);
      stats.upsertRequests += 1;
      const object = objectOf(store, request.params.sobject);
      if (object.event) throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      const body = recordBody(request.body);
      if (object.name === 'PermissionSetAssignment') {
        const expiration = Object.keys(body).find((key) => key.toLowerCase() === 'expirationdate');
        if (expiration && Number(version) < EXPIRATION_DATE_SINCE)
          throw new ApiError(400, 'INVALID_FIELD', `No such column '${expiration}' on sobject of type PermissionSetAssignment`);
      }
      const record = recordById(object, request.params.id);
      if (Object.keys(body).some((key) => key.toLowerCase() === 'id'))
        throw new ApiError(400, 'INVALID_FIELD', 'Id cannot be specified in the body of an update', ['Id']);
      const refusal = updateRefusal(object, record, body);
      if (refusal instanceof ApiError) throw refusal;
      if (refusal) return refused(reply, refusal);
      const [result] = save([{ object, body, recordId: record.Id as string }], true);
      if (!result?.success) return refused(reply, result?.errors ?? []);
      return reply.code(204).send();
    },
  );

  // sObject Rows, DELETE by id: 204 without a body; an id the org does not have is 404 NOT_FOUND:
  // https://developer.salesforce.com/docs/platform/api-rest/guide/dome-delete-record.html
  // Objects without delete() among their Supported Calls, events and custom metadata types ("DML
  // operations aren't allowed on custom metadata in the Partner or Enterprise APIs") answer 400
  // INVALID_TYPE_FOR_OPERATION (wording the emulator's). An AuthSession of another user, without Manage
  // Users, answers 404 NOT_FOUND: "For a user, only their own sessions are available", so to that user
  // the session is not there, exactly as one that has ended (the REST API answers an id it cannot
  // resolve with 404). A client must therefore not read NOT_FOUND as proof that another user's session
  // ended unless it has Manage Users.
  app.delete<{ Params: VersionParams & { sobject: string; id: string } }>(
    '/services/data/:version/sobjects/:sobject/:id',
    { onRequest: authorised },
    async (request, reply) => {
      versionOf(request.params);
      const object = objectOf(store, request.params.sobject);
      if (object.event || object.customMetadata || (object.standard && !object.standard.deletable))
        throw new ApiError(400, 'INVALID_TYPE_FOR_OPERATION', `entity type ${object.name} does not support delete`);
      const record = recordById(object, request.params.id);
      if (
        object.name === 'AuthSession' &&
        !permitted('ManageUsers') &&
        (typeof record.UsersId !== 'string' || toId18(record.UsersId) !== toId18(auth.identity.userId))
      ) {
        throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      }
      if (object.name === 'PermissionSetAssignment') {
        const refusal = assignmentRefusal(record);
        if (refusal) throw refusal;
      }
      if (faults.take('lockRows')) throw new ApiError(400, 'UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record');
      store.remove(object.name, record.Id as string);
      return reply.code(204).send();
    },
  );

  app.get<{ Params: VersionParams; Querystring: { q?: string } }>('/services/data/:version/query', { onRequest: authorised }, async (request) => {
    const version = versionOf(request.params);
    stats.queries += 1;
    if (!request.query.q) throw new ApiError(400, 'MALFORMED_QUERY', 'A query string (q) is required');
    const result = runQuery(store, request.query.q, version, {
      userId: auth.identity.userId,
      customizeApplication: permitted('CustomizeApplication'),
      manageUsers: permitted('ManageUsers'),
      holds: (permission) => permitted(permission as UserPermission),
    });
    return page(result.records, 0, result.totalSize, version);
  });

  app.get<{ Params: VersionParams & { locator: string } }>('/services/data/:version/query/:locator', { onRequest: authorised }, async (request) => {
    const version = versionOf(request.params);
    const [id, offset] = request.params.locator.split('-');
    const cursor = id ? cursors.get(id) : undefined;
    if (!cursor || offset === undefined) throw new ApiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
    return page(cursor.rows, Number(offset), cursor.totalSize, version, id);
  });

  app.get<{ Params: VersionParams & { sobject: string } }>('/services/data/:version/sobjects/:sobject/describe', { onRequest: authorised }, async (request) => {
    versionOf(request.params);
    const object = objectOf(store, request.params.sobject);
    return {
      name: object.name,
      label: object.label,
      keyPrefix: object.keyPrefix,
      custom: true,
      fields: [...object.fields.values()].map((field) => ({
        name: field.name,
        label: field.label,
        type: field.type,
        length: field.length ?? 0,
        precision: field.precision ?? 0,
        scale: field.scale ?? 0,
        nillable: !field.required,
        unique: field.unique,
        externalId: field.externalId,
        createable: field.writable,
        updateable: field.writable,
        referenceTo: field.referenceTo ? [field.referenceTo] : [],
        relationshipName: field.relationshipName ?? null,
        picklistValues: (field.picklistValues ?? []).map((value) => ({ value, label: value, active: true })),
      })),
    };
  });

  app.get<{ Params: VersionParams }>('/services/data/:version/limits', { onRequest: authorised }, async (request) => {
    versionOf(request.params);
    return { DailyApiRequests: { Max: parts.api.max, Remaining: Math.max(0, parts.api.max - parts.api.used) } };
  });

  app.get<{ Params: VersionParams & { sobject: string; id: string; field: string } }>(
    '/services/data/:version/sobjects/:sobject/:id/:field',
    { onRequest: authorised },
    async (request, reply) => {
      versionOf(request.params);
      const object = objectOf(store, request.params.sobject);
      const record = store.get(object.name, request.params.id.length === 15 ? `${request.params.id}${idSuffix(request.params.id)}` : request.params.id);
      const body = record ? parts.blobs.get(record.Id as string) : undefined;
      if (!record || !body || request.params.field !== 'LogFile') throw new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
      reply.type('text/csv');
      if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
        reply.header('content-encoding', 'gzip');
        return reply.send(Readable.from([body]).pipe(createGzip()));
      }
      return reply.send(body);
    },
  );

  app.get<{ Params: { event: string } }>('/__emulator/published/:event', async (request) => {
    const object = objectOf(store, request.params.event);
    if (!object.event) throw new ApiError(404, 'NOT_FOUND', `${object.name} is not a platform event`);
    return store.published(object.name);
  });
  app.get<{ Params: { sobject: string } }>('/__emulator/records/:sobject', async (request) => store.records(objectOf(store, request.params.sobject).name));
  app.post<{ Params: { sobject: string } }>('/__emulator/records/:sobject', async (request, reply) => {
    const body = request.body as { records?: unknown } | null;
    if (!body || typeof body !== 'object' || !Array.isArray(body.records)) {
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'The body must be {"records": [{...Salesforce field names...}]}');
    }
    if (body.records.length > SEED_LIMIT) throw new ApiError(400, 'EXCEEDED_ID_LIMIT', `at most ${SEED_LIMIT} records per request`);
    if (body.records.some((record) => record === null || typeof record !== 'object' || Array.isArray(record))) {
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'Each record must be a JSON object of field names and values');
    }
    const object = objectOf(store, request.params.sobject);
    const ids = store.seed(object.name, body.records as Record<string, unknown>[]);
    return reply.code(201).send({ object: object.name, ids });
  });
  app.delete<{ Params: { sobject: string } }>('/__emulator/records/:sobject', async (request) => ({
    deleted: store.clear(objectOf(store, request.params.sobject).name),
  }));
  // A field's classification as an admin would set it in Setup: what FieldDefinition then shows.
  app.post('/__emulator/field-classifications', async (request, reply) => {
    const body = (request.body ?? {}) as { fullName?: unknown; securityClassification?: unknown; complianceGroup?: unknown };
    const target = typeof body.fullName === 'string' ? metadataField(store, body.fullName) : undefined;
    if (!target) throw new ApiError(404, 'NOT_FOUND', 'fullName must name a field the Metadata API supports (Object.Field)');
    const level = typeof body.securityClassification === 'string' && body.securityClassification !== '' ? body.securityClassification : null;
    const groups = typeof body.complianceGroup === 'string' && body.complianceGroup !== '' ? body.complianceGroup : null;
    const [problem] = classificationProblems(level, groups);
    if (problem) throw new ApiError(400, 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', problem.message);
    setClassification(store, target, level, groups);
    return reply.code(201).send({ fullName: target.fullName, securityClassification: level, complianceGroup: groups });
  });
  // An object's org-wide default as an admin would set it in Setup (Sharing Settings): what readMetadata of CustomObject then shows.
  app.get('/__emulator/org-wide-defaults', async () => parts.sharing.all());
  app.post('/__emulator/org-wide-defaults', async (request, reply) => {
    const body = (request.body ?? {}) as { object?: unknown; sharingModel?: unknown; externalSharingModel?: unknown };
    const target = typeof body.object === 'string' ? parts.sharing.target(body.object) : undefined;
    if (!target)
      throw new ApiError(
        404,
        'NOT_FOUND',
        'object must name an object the emulator keeps an org-wide default for (Account, Contact, Lead, Case or a custom object)',
      );
    const current = parts.sharing.get(target.object.name) as { sharingModel: string; externalSharingModel: string };
    const settings = {
      sharingModel: typeof body.sharingModel === 'string' && body.sharingModel !== '' ? body.sharingModel : current.sharingModel,
      externalSharingModel:
        typeof body.externalSharingModel === 'string' && body.externalSharingModel !== '' ? body.externalSharingModel : current.externalSharingModel,
    };
    const [problem] = parts.sharing.problems(target, settings);
    if (problem) throw new ApiError(400, problem.statusCode, problem.message);
    parts.sharing.set(target, settings);
    return reply.code(201).send({ object: target.object.name, ...settings });
  });
  // A sharing rule as an admin would create it in Setup (Sharing Settings): what readMetadata of its type then shows.
  app.get('/__emulator/sharing-rules', async () => parts.sharingRules.all());
  app.post('/__emulator/sharing-rules', async (request, reply) => {
    const body = (request.body ?? {}) as { type?: unknown; rule?: unknown };
    const type = typeof body.type === 'string' ? body.type : '';
    if (!isSharingRuleType(type)) throw new ApiError(400, 'INVALID_TYPE', `type must be one of ${SHARING_RULE_TYPES.join(', ')}`);
    if (!body.rule || typeof body.rule !== 'object' || Array.isArray(body.rule))
      throw new ApiError(400, 'JSON_PARSER_ERROR', 'The body must be {"type": "SharingCriteriaRule", "rule": {"fullName": "Contact.Rule_Name", ...}}');
    const input = sharingRuleInput(body.rule);
    const [problem] = parts.sharingRules.problems(type, input);
    if (problem) throw new ApiError(400, problem.statusCode, problem.message, problem.fields);
    return reply.code(201).send({ type, ...parts.sharingRules.create(type, input) });
  });
  app.post('/__emulator/event-log-files', async (request, reply) => {
    const { record: seeded, body } = eventLogFileRecord(request.body as EventLogFileSeed, CURRENT_VERSION);
    const { lines, ...record } = seeded;
    const [id] = store.seed('EventLogFile', [record]);
    parts.blobs.set(id as string, body);
    store.seed('EventLogFile', [{ Id: id, LogFile: `/services/data/v${CURRENT_VERSION}/sobjects/EventLogFile/${id}/LogFile` }]);
    return reply.code(201).send({ id, logFileLength: body.length, lines });
  });
  const { pubsub } = parts;
  if (pubsub) {
    app.post<{ Params: { topic: string } }>('/__emulator/pubsub/:topic', async (request, reply) => {
      const replayIds = pubsub.publish(request.params.topic, seededEvents(request.body));
      return reply.code(201).send({ replayIds });
    });
  }
  app.post('/__emulator/faults', async (request) => {
    try {
      parts.setFaults((request.body ?? {}) as FaultSettings);
    } catch (error) {
      throw new ApiError(400, 'INVALID_FAULT', error instanceof Error ? error.message : 'invalid fault');
    }
    return faults.pending();
  });
  app.get('/__emulator/stats', async () => ({ ...stats, faultsInjected: faults.injected, faultsPending: faults.pending() }));

  return app;
};
