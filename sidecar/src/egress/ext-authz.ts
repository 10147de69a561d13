import type { IncomingHttpHeaders } from 'node:http';
import type { EgressDecision, EgressReason, EgressRequest } from './inspect.js';

/** Where Envoy's `http_service.path_prefix` points: the original path follows it. */
export const EXT_AUTHZ_PREFIX = '/v1/egress/ext-authz';

/** The header Envoy adds (`authorization_request.headers_to_add`) with the org's bearer secret. */
export const EXT_AUTHZ_SECRET_HEADER = 'x-leakwatch-org-secret';

/** Envoy marks a body it cut at `max_request_bytes` (`allow_partial_message: true`) with this header. */
const PARTIAL_BODY_HEADER = 'x-envoy-auth-partial-body';

/**
 * How a `redact` decision is enforced over ext_authz, whose HTTP protocol cannot rewrite a request
 * body: `block` answers 403 (default); `allow` lets the request through unredacted with
 * `x-leakwatch-decision: redact` for the upstream (via `allowed_upstream_headers`) and records it.
 */
export type RedactAs = 'block' | 'allow';

/** Headers of the check request that are Envoy's or the sidecar's, never the client's. */
const NOT_THE_CLIENTS = new Set([
  EXT_AUTHZ_SECRET_HEADER,
  PARTIAL_BODY_HEADER,
  'x-forwarded-for',
  'x-forwarded-proto',
  'x-request-id',
  'x-envoy-expected-rq-timeout-ms',
  'x-envoy-internal',
]);

interface CheckRequest {
  method: string;
  /** The check request's path: `path_prefix` followed by the original path and query. */
  url: string;
  headers: IncomingHttpHeaders;
  body?: Buffer;
}

/**
 * The original request as Envoy's HTTP ext_authz check request carries it: the method as sent (Envoy
 * forwards it unless `method_override` is set), `Host` (the original `:authority`), the path after
 * `path_prefix`, the headers `allowed_headers` lets through (`Host`, `Method`, `Path`,
 * `Content-Length` and `Authorization` always), and the buffered body when `with_request_body` is set.
 * The scheme is `x-forwarded-proto` when Envoy passes it, else https.
 */
export function egressRequestOf(check: CheckRequest): { request: EgressRequest; partialBody: boolean } {
  const host = first(check.headers[':authority']) ?? first(check.headers.host) ?? '';
  const path = check.url.startsWith(EXT_AUTHZ_PREFIX) ? check.url.slice(EXT_AUTHZ_PREFIX.length) : check.url;
  const scheme = first(check.headers['x-forwarded-proto']) === 'http' ? 'http' : 'https';
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(check.headers)) {
    if (value === undefined || NOT_THE_CLIENTS.has(name) || name.startsWith('x-envoy-')) continue;
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  const body = check.body && check.body.length > 0 ? check.body : undefined;
  const contentType = first(check.headers['content-type']);
  return {
    request: {
      destination: { url: `${scheme}://${host}${path.startsWith('/') ? path : `/${path}`}`, method: check.method },
      headers,
      ...(body ? { body: body.toString('base64'), bodyEncoding: 'base64' as const } : {}),
      ...(contentType ? { contentType } : {}),
    },
    partialBody: first(check.headers[PARTIAL_BODY_HEADER]) === 'true',
  };
}

interface CheckReply {
  /** 200 lets the request through; anything else is the status Envoy answers the client with. */
  status: number;
  headers: Record<string, string>;
  body?: { decision: string; reasons: EgressReason[]; destination: { host: string; region?: string; ai: boolean; allowListed: boolean } };
}

/**
 * The check reply: 200 with `x-leakwatch-decision` (for `allowed_upstream_headers`) to allow; 403
 * with the decision and reason codes in headers and a JSON body (for `allowed_client_headers` and
 * the client) to deny. A `redact` decision is enforced per `redactAs`.
 */
export function checkReplyOf(decision: Pick<EgressDecision, 'decision' | 'reasons' | 'destination'>, redactAs: RedactAs): CheckReply {
  const codes = decision.reasons.map((r) => r.code).join(',');
  const enforced = decision.decision === 'redact' && redactAs === 'block' ? 'block' : decision.decision;
  const headers: Record<string, string> = { 'x-leakwatch-decision': enforced, ...(codes ? { 'x-leakwatch-reasons': codes } : {}) };
  if (enforced !== 'block') return { status: 200, headers };
  const { host, region, ai, allowListed } = decision.destination;
  return {
    status: 403,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8' },
    body: { decision: enforced, reasons: decision.reasons, destination: { host, ...(region ? { region } : {}), ai, allowListed } },
  };
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}
