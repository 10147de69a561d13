import { createPrivateKey, type KeyObject } from 'node:crypto';
import { SignJWT } from 'jose';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * The `aud` claim Salesforce expects: the production or sandbox login host, whatever My Domain
 * URL the client logs in through; any other host (an emulator, a test server) is its own audience.
 */
export const audienceFor = (loginUrl: string): string => {
  const host = new URL(loginUrl).hostname;
  if (host === 'test.salesforce.com' || host.endsWith('.sandbox.my.salesforce.com')) return 'https://test.salesforce.com';
  if (host.endsWith('.salesforce.com')) return 'https://login.salesforce.com';
  return new URL(loginUrl).origin;
};

/** Reads a PEM private key, PKCS#8 or the PKCS#1 `server.key` that `openssl genrsa` writes. */
export const readPrivateKey = (pem: string): KeyObject => createPrivateKey(pem);

interface AssertionClaims {
  clientId: string;
  username: string;
  audience: string;
}

/** A short-lived RS256 assertion for the OAuth 2.0 JWT bearer flow. */
export const signAssertion = (claims: AssertionClaims, key: KeyObject): Promise<string> =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(claims.clientId)
    .setSubject(claims.username)
    .setAudience(claims.audience)
    .setExpirationTime('3m')
    .sign(key);
