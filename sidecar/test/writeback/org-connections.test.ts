import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { OrgConnection } from '../../src/config.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import type { OrgClientResolver } from '../../src/outbox/org-client.js';
import { writeBackStep } from '../../src/outbox/write-back-step.js';
import type { WrongOrg } from '../../src/writeback/org-check.js';
import { connectOrgs } from '../../src/writeback/org-connections.js';
import { queueVerdicts } from '../outbox/outbox-fixture.js';
import { openTestStore, type TestStore } from '../store/test-stores.js';

const ORG_A = '00D5g000004Cx1aEAC';
const ORG_B = '00D5g000007Zz9bEAC';
const POLICY = { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 2 };

let testStore: TestStore;
let orgA: OrgEmulator;
let orgB: OrgEmulator;
const keyDir = mkdtempSync(join(tmpdir(), 'leakwatch-orgs-'));

/** The connection settings of an emulated org, its JWT key written to a file as in production. */
const connectionTo = (org: OrgEmulator): OrgConnection => {
  const privateKeyPath = join(keyDir, `${org.identity.orgId}.key`);
  writeFileSync(privateKeyPath, org.connectedApp.privateKey ?? '', { mode: 0o600 });
  return {
    loginUrl: org.url,
    clientId: org.connectedApp.clientId,
    username: org.identity.username,
    privateKeyPath,
    apiVersion: '62.0',
  };
};

const secrets = new Map([
  [ORG_A.slice(0, 15), 'secret-of-org-a-0123456789'],
  [ORG_B.slice(0, 15), 'secret-of-org-b-0123456789'],
]);

/** Runs write-back steps until nothing is due. */
const drain = async (clientFor: OrgClientResolver): Promise<void> => {
  const step = writeBackStep({ store: testStore.store, clientFor, owner: 'test', policy: POLICY });
  for (let idle = 0; idle < 5;) {
    if ((await step()) === 0) {
      idle += 1;
      await new Promise((r) => setTimeout(r, 10));
    } else idle = 0;
  }
};

const eventIdsIn = (org: OrgEmulator, sobject = 'LeakVerdict__c'): string[] =>
  org
    .records(sobject)
    .map((r) => String(sobject === 'LeakVerdict__c' ? r.EventId__c : r.FindingKey__c).slice(0, 36))
    .sort();

beforeAll(async () => {
  testStore = await openTestStore('pglite');
  [orgA, orgB] = await Promise.all([startOrgEmulator({ orgId: ORG_A }), startOrgEmulator({ orgId: ORG_B })]);
});
afterAll(async () => {
  await Promise.all([orgA.close(), orgB.close()]);
  await testStore.dispose();
  rmSync(keyDir, { recursive: true, force: true });
});
beforeEach(async () => {
  await testStore.store.query('DELETE FROM outbox WHERE parent_id IS NOT NULL');
  await testStore.store.query('DELETE FROM outbox');
});

describe('one org connection per org', () => {
  it("writes each org's verdicts and findings into that org and nothing into the other", async () => {
    const clientFor = connectOrgs({
      orgSecrets: secrets,
      orgConnections: new Map([
        [ORG_A.slice(0, 15), connectionTo(orgA)],
        [ORG_B.slice(0, 15), connectionTo(orgB)],
      ]),
    });
    const ofA = await queueVerdicts(testStore.store, 3, ORG_A);
    const ofB = await queueVerdicts(testStore.store, 2, ORG_B.slice(0, 15));
    await drain(clientFor);

    expect(eventIdsIn(orgA)).toEqual([...ofA].sort());
    expect(eventIdsIn(orgB)).toEqual([...ofB].sort());
    expect(eventIdsIn(orgA, 'PiiFinding__c')).toEqual([...ofA].sort());
    expect(eventIdsIn(orgB, 'PiiFinding__c')).toEqual([...ofB].sort());
    expect(clientFor(ORG_A)?.identityCheck?.()).toBe('verified');
    expect(clientFor(ORG_B.slice(0, 15))?.identityCheck?.()).toBe('verified');
    const [open] = await testStore.store.query<{ n: string | number }>("SELECT count(*) AS n FROM outbox WHERE state <> 'done'");
    expect(Number(open?.n)).toBe(0);
  });

  it('retries the identity check when the org is briefly unavailable', async () => {
    const clientFor = connectOrgs({
      orgSecrets: new Map([[ORG_B.slice(0, 15), 'secret-of-org-b-0123456789']]),
      salesforce: connectionTo(orgB),
    });
    const ofB = await queueVerdicts(testStore.store, 1, ORG_B);
    orgB.setFaults({ unavailable: 1 });
    await drain(clientFor);
    expect(eventIdsIn(orgB)).toContain(ofB[0]);
    expect(clientFor(ORG_B)?.identityCheck?.()).toBe('verified');
  });

  it('makes dead letters of the records of an org whose connection logs in to another org, and says why once', async () => {
    const wrong: WrongOrg[] = [];
    // The single-connection set-up of old, serving two orgs: the connection logs in to org A only.
    const clientFor = connectOrgs({ orgSecrets: secrets, salesforce: connectionTo(orgA) }, (w) => wrong.push(w));
    const ofA = await queueVerdicts(testStore.store, 2, ORG_A);
    const ofB = await queueVerdicts(testStore.store, 2, ORG_B);
    await drain(clientFor);
    await queueVerdicts(testStore.store, 1, ORG_B);
    await drain(clientFor);

    expect(eventIdsIn(orgA).filter((id) => ofB.includes(id))).toEqual([]);
    expect(eventIdsIn(orgA)).toEqual(expect.arrayContaining(ofA));
    const rows = await testStore.store.query<{ state: string; attempts: number; last_error: string }>(
      "SELECT state, attempts, last_error FROM outbox WHERE org_id = $1 AND sobject = 'LeakVerdict__c'",
      [ORG_B],
    );
    expect(rows).toHaveLength(3);
    for (const row of rows) {
      expect(row).toMatchObject({ state: 'dead', attempts: 1 });
      expect(row.last_error).toMatch(/^WRONG_ORG: the connection for org 00D5g000007Zz9b logs in to org 00D5g000004Cx1a /);
      expect(row.last_error).toContain('LEAKWATCH_ORGS_FILE');
    }
    expect(wrong).toEqual([{ orgId: ORG_B.slice(0, 15), connectedOrgId: ORG_A, username: orgA.identity.username }]);
    expect(clientFor(ORG_B)?.identityCheck?.()).toBe('wrong-org');
    expect(clientFor(ORG_A)?.identityCheck?.()).toBe('verified');
  });

  it('has no client for an org without a connection', () => {
    const clientFor = connectOrgs({
      orgSecrets: secrets,
      orgConnections: new Map([[ORG_A.slice(0, 15), connectionTo(orgA)]]),
    });
    expect(clientFor(ORG_A)).toBeDefined();
    expect(clientFor(ORG_B)).toBeUndefined();
    expect(clientFor('00D000000000001AAA')).toBeUndefined();
  });
});
