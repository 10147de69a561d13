import type * as grpc from '@grpc/grpc-js';
import { isSalesforceId, toId18 } from '../../contract/salesforce-id.js';
import type { PubSubErrorKind } from './errors.js';

/** What the org knows to check a call's authentication headers. */
export interface PubSubAuth {
  /** The org's id (either form); `tenantid` may name it in its 15- or 18-character form. */
  orgId: string;
  /** Whether an access token is a live session of this org. */
  isValidToken: (token: string) => boolean;
  /** The org's instance URL; when given, `instanceurl` must name the same origin. */
  instanceUrl?: () => string;
}

const header = (metadata: grpc.Metadata, key: string): string => {
  const [value] = metadata.get(key);
  return typeof value === 'string' ? value.trim() : '';
};

const originOf = (url: string): string | undefined => {
  try {
    return new URL(url).origin.toLowerCase();
  } catch {
    return undefined;
  }
};

/**
 * Why a call's `accesstoken`, `instanceurl` and `tenantid` headers (the proto's service comment)
 * are refused, or undefined when they name a live session of this org: blank or malformed headers
 * are `authHeaders`, a token, org or instance that is not this org's live session is `auth`.
 */
export const authProblem = (metadata: grpc.Metadata, auth: PubSubAuth): PubSubErrorKind | undefined => {
  const token = header(metadata, 'accesstoken');
  const instanceUrl = header(metadata, 'instanceurl');
  const tenantId = header(metadata, 'tenantid');
  if (token === '' || originOf(instanceUrl) === undefined || !isSalesforceId(tenantId)) return 'authHeaders';
  if (toId18(tenantId) !== toId18(auth.orgId)) return 'auth';
  if (auth.instanceUrl && originOf(instanceUrl) !== originOf(auth.instanceUrl())) return 'auth';
  return auth.isValidToken(token) ? undefined : 'auth';
};
