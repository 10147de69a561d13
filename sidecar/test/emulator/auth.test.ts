import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateConnectedApp, startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { assertion, FIXTURE_OBJECTS, requestToken } from './session.js';

let emulator: OrgEmulator;

beforeAll(async () => {
  emulator = await startOrgEmulator({ metadataDir: FIXTURE_OBJECTS });
});
afterAll(() => emulator.close());

describe('the JWT bearer token endpoint', () => {
  it('issues a token, instance URL and identity URL for a well-signed assertion', async () => {
    const reply = await requestToken(emulator, await assertion(emulator));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      access_token: expect.stringMatching(/^00D5g000004Cx1a!/),
      instance_url: emulator.url,
      id: `${emulator.url}/id/${emulator.identity.orgId}/${emulator.identity.userId}`,
      token_type: 'Bearer',
      scope: 'api',
    });
    const userinfo = await fetch(`${emulator.url}/services/oauth2/userinfo`, { headers: { authorization: `Bearer ${reply.body.access_token}` } });
    expect(await userinfo.json()).toMatchObject({ preferred_username: emulator.identity.username, organization_id: emulator.identity.orgId });
  });

  it('refuses assertions signed by another key, from another app, for another user, expired or for another audience', async () => {
    const stranger = generateConnectedApp();
    const past = Math.floor(Date.now() / 1000) - 60;
    expect((await requestToken(emulator, await assertion(emulator, {}, stranger.privateKey))).body).toEqual({
      error: 'invalid_grant',
      error_description: 'invalid assertion',
    });
    expect((await requestToken(emulator, await assertion(emulator, { iss: stranger.clientId }))).body.error).toBe('invalid_client_id');
    expect((await requestToken(emulator, await assertion(emulator, { sub: 'someone@else.example' }))).body.error).toBe('invalid_grant');
    expect((await requestToken(emulator, await assertion(emulator, { exp: past }))).body).toEqual({
      error: 'invalid_grant',
      error_description: 'expired authorization code',
    });
    const wrongAudience = await requestToken(emulator, await assertion(emulator, { aud: 'https://evil.example' }));
    expect(wrongAudience).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('accepts assertions signed for a connected app whose public key is configured', async () => {
    const { clientId, publicKey, privateKey } = generateConnectedApp();
    const configured = await startOrgEmulator({ metadataDir: FIXTURE_OBJECTS, connectedApp: { clientId, publicKey }, username: 'sync@shop.example' });
    try {
      expect(configured.connectedApp.privateKey).toBeUndefined();
      const reply = await requestToken(configured, await assertion(configured, {}, privateKey));
      expect(reply).toMatchObject({ status: 200, body: { instance_url: configured.url } });
      expect((await requestToken(configured, await assertion(configured, {}, emulator.connectedApp.privateKey))).body.error).toBe('invalid_grant');
    } finally {
      await configured.close();
    }
  });

  it('answers 401 INVALID_SESSION_ID without a valid token, and after sessions expire', async () => {
    const query = `${emulator.url}/services/data/v62.0/query?q=${encodeURIComponent('SELECT Id FROM Probe__c')}`;
    const anonymous = await fetch(query);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
    const token = (await requestToken(emulator, await assertion(emulator))).body.access_token;
    expect((await fetch(query, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    emulator.setFaults({ expireSessions: true });
    expect((await fetch(query, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
  });
});
