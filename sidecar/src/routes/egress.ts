import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger } from 'fastify';
import { Type } from 'typebox';
import { EGRESS_LIMITS, InspectInputError } from '../egress/body-strings.js';
import { recordEgressEvent } from '../egress/egress-event.js';
import { checkReplyOf, egressRequestOf, EXT_AUTHZ_PREFIX, EXT_AUTHZ_SECRET_HEADER, type RedactAs } from '../egress/ext-authz.js';
import { inspectEgress, type EgressDecision, type EgressRequest, type InspectDeps } from '../egress/inspect.js';
import { DEFAULT_EGRESS_REDACT_AS } from '../config.js';
import { secretHeaderAuth } from '../plugins/auth.js';
import { formatBytes } from '../plugins/limit-texts.js';
import type { Store } from '../store/store.js';
import { ErrorReply } from './error-reply.js';

export interface EgressRouteOptions extends InspectDeps {
  store: Store;
  /** Called after an egress event was stored, to score it without waiting for the next poll. */
  onAccepted: () => void;
}

interface ExtAuthzRouteOptions extends EgressRouteOptions {
  /** orgId (15-character form) → the secret Envoy adds under `x-leakwatch-org-secret`. */
  orgSecrets: Map<string, string>;
  /** How ext_authz enforces a `redact` decision (it cannot rewrite bodies); default `DEFAULT_EGRESS_REDACT_AS`. */
  redactAs?: RedactAs;
}

/** The JSON request may carry a 256 KB body base64-encoded, and headers: its own limit, below the listener's. */
const INSPECT_BODY_LIMIT = 512 * 1024;
/** The check request's body is the original body as Envoy buffered it (`max_request_bytes` at most 256 KB). */
const EXT_AUTHZ_BODY_LIMIT = EGRESS_LIMITS.bodyBytes + 1024;

const InspectBody = Type.Object(
  {
    destination: Type.Object(
      {
        url: Type.String({ minLength: 1, maxLength: 8192, description: 'Absolute URL the request goes to.' }),
        method: Type.String({ minLength: 1, maxLength: 16 }),
      },
      { additionalProperties: false },
    ),
    source: Type.Optional(Type.Object({ service: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false })),
    context: Type.Optional(
      Type.Object({ objects: Type.Optional(Type.Array(Type.String({ maxLength: 80 }), { maxItems: 50 })) }, { additionalProperties: false }),
    ),
    headers: Type.Optional(Type.Record(Type.String(), Type.String({ maxLength: 16_384 }), { maxProperties: EGRESS_LIMITS.headers })),
    body: Type.Optional(
      Type.String({
        description: `The body as sent: UTF-8 text, or base64 with bodyEncoding base64. At most ${formatBytes(EGRESS_LIMITS.bodyBytes)} decoded.`,
      }),
    ),
    bodyEncoding: Type.Optional(Type.Union([Type.Literal('utf8'), Type.Literal('base64')])),
    contentType: Type.Optional(Type.String({ maxLength: 256 })),
    placeholders: Type.Optional(Type.Boolean({ description: 'Redact with placeholders such as <EMAIL_1> and return their values (to the caller only).' })),
  },
  { additionalProperties: false },
);

const Reason = Type.Object({
  code: Type.String(),
  message: Type.String(),
  piiTypes: Type.Optional(Type.Array(Type.String())),
  count: Type.Optional(Type.Integer()),
});

const InspectReply = Type.Object({
  decision: Type.Union([Type.Literal('allow'), Type.Literal('redact'), Type.Literal('block')]),
  reasons: Type.Array(Reason),
  destination: Type.Object({
    host: Type.String(),
    region: Type.Optional(Type.String()),
    allowListed: Type.Boolean(),
    ai: Type.Boolean(),
    action: Type.String(),
  }),
  body: Type.Optional(Type.String({ description: 'For redact: the body to send instead, encoded as it came.' })),
  bodyEncoding: Type.Optional(Type.String()),
  placeholders: Type.Optional(
    Type.Record(Type.String(), Type.String(), { description: 'Placeholder → original value, to re-identify a reply locally. Never stored.' }),
  ),
  eventId: Type.Optional(Type.String({ description: 'The egress event a block or redaction was recorded as (its verdict carries this id).' })),
});

/** Stores a block or redaction as an egress event and returns its id; undefined when it could not be stored. */
async function recordDecision(
  options: EgressRouteOptions,
  log: FastifyBaseLogger,
  orgId: string,
  request: EgressRequest,
  decision: EgressDecision,
  how: Parameters<typeof recordEgressEvent>[4],
): Promise<string | undefined> {
  try {
    const eventId = await recordEgressEvent(options, orgId, request, decision, how);
    options.onAccepted();
    return eventId;
  } catch (err) {
    // The decision stands (a block still blocks); what failed is its verdict. Never the body in the log.
    log.error({ err }, 'egress event could not be stored');
    return undefined;
  }
}

/**
 * POST /v1/egress/inspect: the org's egress decision on an outbound request (bearer secret, per org,
 * from the `/v1` context in `routes/v1.ts`). See `src/egress/README.md`.
 */
export const egressInspectRoute: FastifyPluginAsyncTypebox<EgressRouteOptions> = async (app, options) => {
  app.post(
    '/v1/egress/inspect',
    {
      bodyLimit: INSPECT_BODY_LIMIT,
      schema: {
        summary: 'Inspect an outbound request before it is sent',
        description:
          "Decides allow, redact or block under the org's egress policy: canaries and secrets block; personal data bound for an AI service outside the allowed regions blocks, or is redacted where the destination rule says redact. " +
          `A block or redaction is recorded as an egress verdict (masked); the body is never stored or logged. Limits: ${formatBytes(EGRESS_LIMITS.bodyBytes)} decoded body, JSON depth ${EGRESS_LIMITS.depth}, ${EGRESS_LIMITS.strings.toLocaleString('en-US')} strings (413/400 beyond).`,
        security: [{ bearer: [] }],
        body: InspectBody,
        response: { 200: InspectReply, 400: ErrorReply, 401: ErrorReply, 413: ErrorReply, 415: ErrorReply },
      },
    },
    async (request, reply) => {
      const orgId = request.orgId as string;
      const body = request.body as EgressRequest;
      let decision: EgressDecision;
      try {
        decision = await inspectEgress(options, orgId, body);
      } catch (err) {
        if (!(err instanceof InspectInputError)) throw err;
        return reply.code(err.statusCode).send({
          statusCode: err.statusCode,
          error: err.statusCode === 413 ? 'Payload Too Large' : err.statusCode === 415 ? 'Unsupported Media Type' : 'Bad Request',
          message: err.message,
          requestId: request.id,
        });
      }
      const eventId = decision.decision === 'allow' ? undefined : await recordDecision(options, request.log, orgId, body, decision, { channel: 'inspect' });
      const { host, region, allowListed, ai, action } = decision.destination;
      return {
        decision: decision.decision,
        reasons: decision.reasons,
        destination: { host, ...(region ? { region } : {}), allowListed, ai, action },
        ...(decision.body !== undefined ? { body: decision.body, bodyEncoding: decision.bodyEncoding } : {}),
        ...(decision.placeholders ? { placeholders: decision.placeholders } : {}),
        ...(eventId ? { eventId } : {}),
      };
    },
  );
};

/**
 * The Envoy ext_authz HTTP service under `/v1/egress/ext-authz/*`. Outside the `/v1` bearer context:
 * Envoy forwards the client's own `Authorization`, and adds the org secret under `x-leakwatch-org-secret`.
 * See `src/egress/README.md`.
 */
export const extAuthzRoute: FastifyPluginAsyncTypebox<ExtAuthzRouteOptions> = async (app, options) => {
  app.addHook('onRequest', secretHeaderAuth(options.orgSecrets, EXT_AUTHZ_SECRET_HEADER));
  // The check request carries the original body as it was, whatever its type: read as bytes.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: EXT_AUTHZ_BODY_LIMIT }, (_request, body, done) => done(null, body));
  app.all(`${EXT_AUTHZ_PREFIX}/*`, { bodyLimit: EXT_AUTHZ_BODY_LIMIT, schema: { hide: true } }, async (request, reply) => {
    const orgId = request.orgId as string;
    const redactAs = options.redactAs ?? DEFAULT_EGRESS_REDACT_AS;
    const { request: egress } = egressRequestOf({
      method: request.method,
      url: request.url,
      headers: request.headers,
      ...(Buffer.isBuffer(request.body) ? { body: request.body } : {}),
    });
    let decision: EgressDecision;
    try {
      decision = await inspectEgress(options, orgId, egress);
    } catch (err) {
      // Envoy turns a 5xx into its failure mode (which may allow): an uninspectable request is denied here instead.
      if (!(err instanceof InspectInputError)) request.log.error({ err }, 'egress inspection failed');
      const message = err instanceof InspectInputError ? err.message : 'The request could not be inspected.';
      return reply
        .code(403)
        .headers({ 'x-leakwatch-decision': 'block', 'x-leakwatch-reasons': 'not_inspectable', 'content-type': 'application/json; charset=utf-8' })
        .send({ decision: 'block', reasons: [{ code: 'not_inspectable', message }] });
    }
    const check = checkReplyOf(decision, redactAs);
    if (decision.decision !== 'allow') {
      const blocked = check.status !== 200;
      await recordDecision(options, request.log, orgId, egress, decision, {
        channel: 'ext_authz',
        enforced: blocked ? 'block' : 'redact',
        unredacted: !blocked,
      });
    }
    reply.code(check.status).headers(check.headers);
    return check.body ? reply.send(check.body) : reply.send();
  });
};
