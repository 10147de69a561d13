import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { createOrgClient, type OrgClient } from '../../src/writeback/index.js';

describe('standard objects, seeding and limits of the org emulator', () => {
  let org: OrgEmulator;
  let client: OrgClient;
  let token: string;

  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${org.url}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(init.headers ?? {}) } });
  const seed = (sobject: string, records: unknown[]) =>
    fetch(`${org.url}/__emulator/records/${sobject}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ records }) });

  beforeAll(async () => {
    org = await startOrgEmulator({ port: 0, dailyApiRequests: 50 });
    client = createOrgClient({
      loginUrl: org.url,
      clientId: org.connectedApp.clientId,
      username: org.identity.username,
      privateKey: org.connectedApp.privateKey,
    });
    await client.identity();
    token = await loginToken(org);
  });
  afterAll(async () => org.close());

  it('seeds any documented field, system fields included, and refuses fields the object does not have', async () => {
    const ok = await seed('SetupAuditTrail', [
      {
        Action: 'PermSetAssign',
        Section: 'Manage Users',
        Display: 'Permission set Sales Ops: assigned to user a@acme-shop.example',
        CreatedById: '0055g00000AdMiNAAV',
        CreatedDate: '2026-11-30T03:00:00.000+0000',
      },
    ]);
    expect(ok.status).toBe(201);
    const { ids } = (await ok.json()) as { ids: string[] };
    expect(ids[0]).toMatch(/^0Ym[A-Za-z0-9]{15}$/);
    const rows = await client.query<{ Action: string; CreatedDate: string; CreatedById: string }>(
      'SELECT Id, Action, CreatedDate, CreatedById FROM SetupAuditTrail',
    );
    expect(rows[0]).toMatchObject({ Action: 'PermSetAssign', CreatedDate: '2026-11-30T03:00:00.000+0000', CreatedById: '0055g00000AdMiNAAV' });

    const bad = await seed('PermissionSetAssignment', [{ AssigneeId: '0055g00000AdMiNAAV', CreatedById: '0055g00000AdMiNAAV' }]);
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain("No such column 'CreatedById' on entity 'PermissionSetAssignment'");
    expect((await seed('NoSuchThing', [{}])).status).toBe(404);
  });

  it('answers OauthToken as an org does: no id, and other users’ tokens only with Customize Application', async () => {
    const other = '0055g00000MaRkTAAN';
    expect(
      (
        await seed('OauthToken', [
          {
            AppName: 'ShopSync',
            UserId: org.identity.userId,
            CreatedDate: '2026-11-01T08:00:00.000+0000',
            LastUsedDate: '2026-11-30T08:00:00.000+0000',
            UseCount: 5,
          },
          { AppName: 'MailBlast AI', UserId: other, CreatedDate: '2026-11-02T08:00:00.000+0000', LastUsedDate: '2026-11-29T08:00:00.000+0000', UseCount: 2 },
        ])
      ).status,
    ).toBe(201);
    const own = await client.query<{ Id: string | null; AppName: string }>('SELECT Id, AppName, UserId FROM OauthToken ORDER BY AppName');
    expect(own).toEqual([expect.objectContaining({ Id: null, AppName: 'ShopSync' })]);
    const admin = await startOrgEmulator({ port: 0, customizeApplication: true });
    try {
      const adminClient = createOrgClient({
        loginUrl: admin.url,
        clientId: admin.connectedApp.clientId,
        username: admin.identity.username,
        privateKey: admin.connectedApp.privateKey,
      });
      admin.seed('OauthToken', [{ AppName: 'MailBlast AI', UserId: other, CreatedDate: '2026-11-02T08:00:00.000+0000' }]);
      expect(await adminClient.query('SELECT AppName, UserId FROM OauthToken')).toEqual([expect.objectContaining({ AppName: 'MailBlast AI', UserId: other })]);
    } finally {
      await admin.close();
    }
  });

  it('refuses to create what the API only reads, and rejects unknown fields in queries', async () => {
    const created = await api('/services/data/v62.0/composite/sobjects', {
      method: 'POST',
      body: JSON.stringify({ records: [{ attributes: { type: 'LoginHistory' }, LoginType: 'Application' }] }),
    });
    const [result] = (await created.json()) as Array<{ success: boolean; errors: Array<{ statusCode: string }> }>;
    expect(result?.success).toBe(false);
    expect(result?.errors.map((e) => e.statusCode)).toContain('INVALID_TYPE_FOR_OPERATION');
    await expect(client.query('SELECT Id, Scope FROM OauthToken')).rejects.toMatchObject({ code: 'INVALID_FIELD' });
    await expect(client.query('SELECT Id, CreatedById FROM PermissionSetAssignment')).rejects.toMatchObject({ code: 'INVALID_FIELD' });
  });

  it('follows standard relationships: the audit row creator, the assignment’s permission set', async () => {
    const rows = await client.query<{ CreatedBy: { Username: string } | null }>('SELECT Id, CreatedBy.Username FROM SetupAuditTrail');
    expect(rows[0]?.CreatedBy).toBeNull();
    await seed('User', [{ Id: '0055g00000AdMiNAAV', Username: 'admin@acme-shop.example', LastName: 'Admin' }]);
    const again = await client.query<{ CreatedBy: { Username: string } | null }>('SELECT Id, CreatedBy.Username FROM SetupAuditTrail');
    expect(again[0]?.CreatedBy?.Username).toBe('admin@acme-shop.example');
  });

  it('serves event log files as CSV, gzipped when asked', async () => {
    const csv = '"EVENT_TYPE","TIMESTAMP_DERIVED","USER_ID","ROWS_PROCESSED"\n"API","2026-11-30T03:00:01.000Z","0055g00000ShOpS","2000"\n';
    const posted = await fetch(`${org.url}/__emulator/event-log-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'API', interval: 'Hourly', logDate: '2026-11-30T03:00:00.000+0000', csv }),
    });
    expect(posted.status).toBe(201);
    const { id, lines } = (await posted.json()) as { id: string; lines: number };
    expect(lines).toBe(1);
    const [file] = await client.query<Record<string, unknown>>(
      "SELECT Id, EventType, Interval, LogDate, LogFile, LogFileLength, LogFileFieldNames FROM EventLogFile WHERE EventType IN ('API', 'Login') AND Interval = 'Hourly'",
    );
    expect(file).toMatchObject({
      Id: id,
      EventType: 'API',
      LogFileLength: Buffer.byteLength(csv),
      LogFileFieldNames: 'EVENT_TYPE,TIMESTAMP_DERIVED,USER_ID,ROWS_PROCESSED',
    });
    expect(file?.LogFile).toBe(`/services/data/v62.0/sobjects/EventLogFile/${id}/LogFile`);
    const plain = await api(file?.LogFile as string);
    expect(plain.headers.get('content-type')).toMatch(/text\/csv/);
    expect(await plain.text()).toBe(csv);
    const zipped = await fetch(`${org.url}${file?.LogFile as string}`, { headers: { authorization: `Bearer ${token}`, 'accept-encoding': 'gzip' } });
    expect(zipped.headers.get('content-encoding')).toBe('gzip');
    const chunks: Uint8Array[] = [];
    for await (const chunk of await client.download(file?.LogFile as string)) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString('utf8')).toBe(csv);
    // fetch decodes the gzip it asked for: the body the client streams is the CSV.
    expect(await zipped.text()).toBe(csv);
    const bad = await fetch(`${org.url}/__emulator/event-log-files`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'API', interval: 'Weekly', logDate: '2026-11-30T03:00:00Z', csv }),
    });
    expect(bad.status).toBe(400);
  });

  it('reports API usage in Sforce-Limit-Info and refuses calls beyond the daily limit', async () => {
    const response = await api('/services/data/v62.0/limits');
    const header = response.headers.get('sforce-limit-info') ?? '';
    const used = Number(/api-usage=(\d+)\/50/.exec(header)?.[1]);
    expect(used).toBeGreaterThan(0);
    expect(((await response.json()) as { DailyApiRequests: { Max: number; Remaining: number } }).DailyApiRequests).toEqual({ Max: 50, Remaining: 50 - used });
    expect(client.apiUsage()).toMatchObject({ limit: 50 });
    org.setFaults({ apiUsage: 50 });
    await expect(client.query('SELECT Id FROM User')).rejects.toMatchObject({ code: 'REQUEST_LIMIT_EXCEEDED' });
    org.setFaults({ apiUsage: 0 });
  });
});

/** A token issued by the emulator for the integration user (its JWT flow). */
async function loginToken(org: OrgEmulator): Promise<string> {
  const { signAssertion, readPrivateKey } = await import('../../src/writeback/jwt.js');
  const assertion = await signAssertion(
    { clientId: org.connectedApp.clientId, username: org.identity.username, audience: org.url },
    readPrivateKey(org.connectedApp.privateKey ?? ''),
  );
  const response = await fetch(`${org.url}/services/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}
