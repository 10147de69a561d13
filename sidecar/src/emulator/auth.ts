import { createHmac, generateKeyPairSync, randomBytes, type KeyObject, createPublicKey } from 'node:crypto';
import { jwtVerify } from 'jose';

export interface ConnectedApp {
  clientId: string;
  /** PEM (SPKI or certificate-free public key) the JWT assertions must be signed with. */
  publicKey: string;
  /** Present only when the emulator generated the key pair itself. */
  privateKey?: string;
}

export interface Identity {
  orgId: string;
  userId: string;
  username: string;
}

interface TokenResponse {
  access_token: string;
  instance_url: string;
  id: string;
  token_type: 'Bearer';
  scope: string;
  issued_at: string;
  signature: string;
}

/** An OAuth error answered by the token endpoint: `{ error, error_description }` with status 400. */
export class OAuthError extends Error {
  constructor(
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const AUDIENCES = ['https://login.salesforce.com', 'https://test.salesforce.com'];

/** A throwaway RSA key pair and consumer key, as a connected app configured for the JWT bearer flow has. */
export const generateConnectedApp = (): ConnectedApp => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    clientId: `3MVG9${randomBytes(24).toString('base64url')}`,
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
};

/** Issues and checks access tokens for one connected app and one integration user. */
export class OrgAuth {
  private readonly tokens = new Set<string>();
  private readonly key: KeyObject;
  private readonly secret = randomBytes(32);

  constructor(
    readonly app: ConnectedApp,
    readonly identity: Identity,
  ) {
    this.key = createPublicKey(app.publicKey);
  }

  /**
   * Exchanges a signed JWT assertion for an access token, refusing what Salesforce refuses. `loginRefusal`
   * is asked once the assertion is valid, for what stops the user logging in (a frozen account).
   */
  async exchange(grantType: unknown, assertion: unknown, instanceUrl: string, loginRefusal?: () => OAuthError | undefined): Promise<TokenResponse> {
    if (grantType !== JWT_BEARER) throw new OAuthError('unsupported_grant_type', 'grant type not supported');
    if (typeof assertion !== 'string' || assertion === '') throw new OAuthError('invalid_request', 'assertion missing');
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(assertion, this.key, {
        algorithms: ['RS256'],
        audience: [instanceUrl, ...AUDIENCES],
        requiredClaims: ['iss', 'sub', 'aud', 'exp'],
      }));
    } catch (error) {
      const expired = error instanceof Error && 'code' in error && error.code === 'ERR_JWT_EXPIRED';
      throw new OAuthError('invalid_grant', expired ? 'expired authorization code' : 'invalid assertion');
    }
    if (claims.iss !== this.app.clientId) throw new OAuthError('invalid_client_id', 'client identifier invalid');
    if (claims.sub !== this.identity.username) throw new OAuthError('invalid_grant', "user hasn't approved this consumer");
    const refusal = loginRefusal?.();
    if (refusal) throw refusal;
    const token = `${this.identity.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    this.tokens.add(token);
    const issuedAt = String(Date.now());
    const id = `${instanceUrl}/id/${this.identity.orgId}/${this.identity.userId}`;
    return {
      access_token: token,
      instance_url: instanceUrl,
      id,
      token_type: 'Bearer',
      scope: 'api',
      issued_at: issuedAt,
      signature: createHmac('sha256', this.secret)
        .update(id + issuedAt)
        .digest('base64'),
    };
  }

  isValid(token: string | undefined): boolean {
    return token !== undefined && this.tokens.has(token);
  }

  /** Invalidates one issued access token (the revoke endpoint); false when it is not a live token. */
  revoke(token: string): boolean {
    return this.tokens.delete(token);
  }

  /** Expires every issued token, as a session timeout or an admin's revocation does. */
  revokeAll(): void {
    this.tokens.clear();
  }
}
