import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Verdict } from '../../src/contract/verdict.js';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import type { StoredEvent } from '../../src/ingest/stored-event.js';
import { verdictRecords } from '../../src/verdicts/verdict-records.js';
import { createOrgClient } from '../../src/writeback/index.js';
import { ORG_ID } from '../api/envelopes.js';

const EVENT_ID = '9a8b7c6d-5e4f-4321-a0b9-c8d7e6f5a4b3';

const stored: StoredEvent = {
  orgId: ORG_ID,
  event: {
    id: EVENT_ID,
    kind: 'permission',
    occurredAt: '2026-11-02T09:00:00.000Z',
    actor: {
      userId: '0055g00000AdMiNAAV',
      username: 'admin@acme-shop.example',
      isIntegration: false,
      connectedAppId: '0H45g000000AbCdCAK',
    },
    object: 'PermissionSetAssignment',
    operation: 'assign',
    recordCount: 1,
    details: { permissionSetName: 'Marketing_Export_Access', note: 'x'.repeat(40_000) },
  },
  findings: [
    {
      field: 'A_Field_Name_That_Is_Long_Enough_To_Push_The_Finding_Key_Over_One_Hundred_And_Twenty',
      recordId: '0035g00000Qw1AaAAJ',
      entities: [
        {
          type: 'EMAIL_ADDRESS',
          start: 0,
          end: 20,
          score: 0.97654,
          detector: 'pattern:email',
          masked: 'c•••@•••.example',
          hash: 'cd'.repeat(32),
        },
        {
          type: 'EMAIL_ADDRESS',
          start: 30,
          end: 50,
          score: 0.5,
          detector: 'ner',
          masked: 'd•••@•••.example',
          hash: 'ef'.repeat(32),
        },
      ],
    },
  ],
  notes: ['Description truncated from 40 KB to 32 KB before classification'],
};

const verdict: Verdict = {
  eventId: EVENT_ID,
  orgId: ORG_ID,
  severity: 'High',
  riskScore: 134.6,
  reasons: [
    { code: 'critical_permission', weight: 70, message: 'ViewAllData and ModifyAllData granted.' },
    { code: 'self_assignment', weight: 30, message: 'Assigned without a second approver.' },
  ],
  piiTypes: ['EMAIL_ADDRESS'],
  zScore: 123456789.129,
  permissionReview: {
    assignmentId: '0Pa5g00000AsSiGAAX',
    permissionSetId: '0PS5g00000PeRmSAAX',
    permissionSetName: 'Marketing_Export_Access',
    assigneeId: '0055g00000MkTgUAAV',
    assigneeUsername: 'campaigns@acme-shop.example',
    assignedById: '0055g00000AdMiNAAV',
    criticalPermissions: ['ViewAllData', 'ModifyAllData'],
    riskReasons: [{ code: 'critical_permission', weight: 70, message: 'ViewAllData and ModifyAllData granted.' }],
    riskScore: 70,
  },
};

describe('verdict records against the package objects (org emulator)', () => {
  let emulator: OrgEmulator;
  let keyDir: string;

  beforeAll(async () => {
    emulator = await startOrgEmulator({ orgId: ORG_ID });
    keyDir = mkdtempSync(join(tmpdir(), 'leakwatch-records-'));
  });
  afterAll(async () => {
    await emulator.close();
    rmSync(keyDir, { recursive: true, force: true });
  });

  it('fits every field the package defines and is accepted by the org', async () => {
    const records = verdictRecords(stored, verdict, new Date('2026-11-02T09:00:05.000Z'));
    expect(records.map((r) => r.sobject)).toEqual(['LeakVerdict__c', 'PiiFinding__c', 'PermissionReview__c']);
    const [leak, finding, review] = records;
    expect(leak?.fields).toMatchObject({
      RiskScore__c: 100,
      ZScore__c: 999999.99,
      ReasonSummary__c: 'ViewAllData and ModifyAllData granted. Assigned without a second approver.',
    });
    expect(String(leak?.fields.Details__c).length).toBeLessThanOrEqual(32_768);
    expect(finding?.externalId.length).toBeLessThanOrEqual(120);
    expect(finding?.fields).toMatchObject({
      Occurrences__c: 2,
      Confidence__c: 0.977,
      MaskedSample__c: 'c•••@•••.example',
      FieldName__c: expect.any(String),
    });
    expect(String(finding?.fields.FieldName__c).length).toBeLessThanOrEqual(80);
    expect(review?.fields).toMatchObject({
      ReviewKey__c: EVENT_ID,
      CriticalPermissions__c: 'ViewAllData;ModifyAllData',
      LeakVerdict__r: { EventId__c: EVENT_ID },
    });

    const keyPath = join(keyDir, 'server.key');
    writeFileSync(keyPath, emulator.connectedApp.privateKey ?? '', { mode: 0o600 });
    const client = createOrgClient({
      loginUrl: emulator.url,
      clientId: emulator.connectedApp.clientId,
      username: emulator.identity.username,
      privateKeyPath: keyPath,
    });
    for (const record of records) {
      const [result] = await client.upsert(record.sobject, record.externalIdField, [record.fields]);
      expect(result, `${record.sobject}: ${JSON.stringify(result)}`).toMatchObject({ success: true });
    }
    const [inOrg] = emulator.records('PermissionReview__c');
    expect(inOrg).toMatchObject({ Status__c: 'Pending', RiskScore__c: 70 });
    expect(emulator.records('LeakVerdict__c')[0]).toMatchObject({ Status__c: 'New', Severity__c: 'High' });
  });
});
