import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { CANARY_DOMAIN } from '../../src/collect/canaries.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { startSidecar, type RunningSidecar } from '../../src/server.js';
import { createOrgClient } from '../../src/writeback/index.js';

// The sidecar as `npm run serve` builds it, with its collectors on, against one emulated org, and
// a second org that has a secret but no connection.
const SECRET = 'canary-coverage-secret-0123456789';
const OTHER_ORG = '00D7x000001Ab2cEAC';
const OTHER_SECRET = 'other-org-secret-0123456789abc';

describe('canaries and coverage, through the API and the command line', () => {
  let org: OrgEmulator;
  let sidecar: RunningSidecar;
  let dataDir: string;
  let url: string;

  beforeAll(async () => {
    org = await startOrgEmulator({ port: 0 });
    dataDir = await mkdtemp(join(tmpdir(), 'leakwatch-canaries-'));
    const client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
    const orgId = org.identity.orgId;
    sidecar = await startSidecar(
      {
        host: '127.0.0.1',
        port: 0,
        logLevel: 'silent',
        dataDir: join(dataDir, 'store'),
        modelDir: 'none',
        orgSecrets: new Map([
          [orgId.slice(0, 15), SECRET],
          [OTHER_ORG.slice(0, 15), OTHER_SECRET],
        ]),
        outbox: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 40 },
        pollMs: 20,
        collect: { enabled: true, apiShare: 0.5, orgHeadroom: 0.9, integrationUsers: [] },
      },
      { orgClientFor: (id) => (id.slice(0, 15) === orgId.slice(0, 15) ? client : undefined) },
    );
    url = sidecar.url.replace('[::1]', '127.0.0.1');
  }, 60_000);
  afterAll(async () => {
    await sidecar?.close();
    await org?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const call = (method: 'GET' | 'POST', path: string, secret: string, body?: unknown) =>
    fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  const cli = async (args: string[], secret = SECRET) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (c) => out.push(String(c)));
    stderr.on('data', (c) => err.push(String(c)));
    const code = await main([...args, '--url', url], { stdin: new PassThrough(), stdout, stderr, env: { LEAKWATCH_SECRET: secret } });
    return { code, stdout: out.join(''), stderr: err.join('') };
  };

  it('plants synthetic records in the org and registers them, never real data', async () => {
    const response = await call('POST', '/v1/canaries', SECRET, { object: 'Lead', count: 2 });
    expect(response.status).toBe(201);
    const { seeded } = (await response.json()) as { seeded: Array<{ recordId: string; markers: string[] }> };
    expect(seeded).toHaveLength(2);
    const leads = org.records('Lead');
    for (const canary of seeded) {
      const lead = leads.find((l) => l.Id === canary.recordId);
      expect(lead?.Email).toMatch(new RegExp(`@${CANARY_DOMAIN.replace(/\./g, '\\.')}$`));
      expect(canary.markers).toContain(lead?.Email);
    }
    const listed = (await (await call('GET', '/v1/canaries', SECRET)).json()) as { records: Array<{ recordId: string }>; markers: number };
    expect(listed.records.map((r) => r.recordId).sort()).toEqual(seeded.map((s) => s.recordId).sort());
    expect(listed.markers).toBe(4);
  });

  it('refuses a bad request, a missing secret and an org without a connection, and keeps orgs apart', async () => {
    expect((await call('POST', '/v1/canaries', SECRET, { object: 'Account', count: 2 })).status).toBe(400);
    expect((await call('POST', '/v1/canaries', SECRET, { object: 'Contact', count: 21 })).status).toBe(400);
    expect((await call('POST', '/v1/canaries', 'not-the-secret-0123456789', { object: 'Contact', count: 1 })).status).toBe(401);
    const unconnected = await call('POST', '/v1/canaries', OTHER_SECRET, { object: 'Contact', count: 1 });
    expect(unconnected.status).toBe(409);
    expect(((await unconnected.json()) as { message: string }).message).toContain('no connection');
    expect(((await (await call('GET', '/v1/canaries', OTHER_SECRET)).json()) as { records: unknown[] }).records).toEqual([]);
  });

  it('answers the org’s coverage from what the collectors read', async () => {
    org.seed('LoginHistory', [
      { UserId: org.identity.userId, LoginTime: new Date(Date.now() - 3_600_000).toISOString(), LoginType: 'Remote Access 2.0', Status: 'Success' },
    ]);
    await sidecar.app.collectNow();
    const { sources } = (await (await call('GET', '/v1/coverage', SECRET)).json()) as {
      sources: Array<{ source: string; state: string; rowsTotal: number; available: boolean | null }>;
    };
    expect(sources.map((s) => s.source).sort()).toEqual(['EventLogFile', 'LoginHistory', 'OauthToken', 'PermissionSetAssignment', 'SetupAuditTrail']);
    expect(sources.every((s) => s.state === 'collected' && s.available === true)).toBe(true);
    expect(sources.find((s) => s.source === 'LoginHistory')?.rowsTotal).toBe(1);
    const other = (await (await call('GET', '/v1/coverage', OTHER_SECRET)).json()) as { sources: Array<{ state: string }> };
    expect(new Set(other.sources.map((s) => s.state))).toEqual(new Set(['not-collected']));
  });

  it('plants, lists and shows coverage from the command line', async () => {
    const planted = await cli(['canaries', '--plant', '--object', 'Contact', '--count', '1']);
    expect(planted).toMatchObject({ code: 0, stderr: '' });
    expect(planted.stdout).toMatch(/^planted Contact 003\w{15} +canary Contact \w+\n$/);
    const listed = await cli(['canaries']);
    expect(listed.stdout).toContain('3 canary record(s), 6 marker value(s) registered');
    const shown = await cli(['coverage']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^LoginHistory +collected +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d +\d+ (min|s) +1 +1 +$/m);
    expect(shown.stdout).toContain('event types: no file yet');
    expect((await cli(['canaries', '--plant', '--count', '0'])).code).toBe(2);
    expect((await cli(['coverage'], 'wrong-secret-0123456789abc')).stderr).toContain('401');
    expect(await main(['coverage', '--url', url], { stdin: new PassThrough(), stdout: new PassThrough(), stderr: new PassThrough(), env: {} })).toBe(2);
  });
});
