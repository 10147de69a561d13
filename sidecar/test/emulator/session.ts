import { createPrivateKey } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';
import type { OrgEmulator } from '../../src/emulator/index.js';

export const FIXTURE_OBJECTS = fileURLToPath(new URL('./fixtures', import.meta.url));
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface Reply {
  status: number;
  body: any;
}

/** Signs an assertion for the emulator's connected app; `claims` overrides the defaults. */
export const assertion = (
  emulator: OrgEmulator,
  claims: { iss?: string; sub?: string; aud?: string; exp?: number } = {},
  privateKey = emulator.connectedApp.privateKey ?? '',
): Promise<string> =>
  new SignJWT({})
    .setProtectedHeader({ alg: 'RS256' })
    .setIssuer(claims.iss ?? emulator.connectedApp.clientId)
    .setSubject(claims.sub ?? emulator.identity.username)
    .setAudience(claims.aud ?? emulator.url)
    .setExpirationTime(claims.exp ?? '3m')
    .sign(createPrivateKey(privateKey));

export const requestToken = async (emulator: OrgEmulator, jwt: string): Promise<Reply> => {
  const response = await fetch(`${emulator.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: JWT_BEARER, assertion: jwt }).toString(),
  });
  return { status: response.status, body: await response.json() };
};

/** A raw REST session against the emulator, for assertions on status codes and bodies. */
export const rawSession = async (emulator: OrgEmulator) => {
  const token = (await requestToken(emulator, await assertion(emulator))).body.access_token as string;
  return async (method: string, path: string, body?: unknown): Promise<Reply> => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
};
