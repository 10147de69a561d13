import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../src/contract/event.js';
import { createDetector } from '../../src/detect/index.js';
import { classified, entity, ORG } from './helpers.js';

function example(name: string): EventEnvelope {
  return JSON.parse(readFileSync(new URL(`../../schemas/examples/${name}.json`, import.meta.url), 'utf8')) as EventEnvelope;
}

describe('rules on the documented examples', () => {
  it('flags a card number in a Case description, naming the field but not the value', async () => {
    const [event] = example('dml-case-comment').events;
    const verdict = await createDetector().score({
      orgId: ORG,
      event: event!,
      findings: [
        {
          field: 'Description',
          fieldType: 'TEXTAREA',
          recordId: '5005g00000CaSe1AAB',
          entities: [entity('CREDIT_CARD'), entity('PHONE_NUMBER')],
        },
      ],
    });
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['pii_in_free_text']);
    expect(verdict?.reasons[0]?.message).toContain('Case.Description');
    expect(JSON.stringify(verdict)).not.toContain('4111');
    expect(verdict?.piiTypes).toEqual(['CREDIT_CARD', 'PHONE_NUMBER']);
    expect(verdict?.severity).toBe('Medium');
  });

  it('queues a critical permission assignment for review', async () => {
    const [event] = example('permission-assignment').events;
    const verdict = await createDetector().score({ orgId: ORG, event: event!, findings: [] });
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['critical_permission', 'pii_object_modify_all']);
    expect(verdict?.severity).toBe('Critical');
    expect(verdict?.permissionReview).toMatchObject({
      assignmentId: '0Pa5g00000AsSiGAAX',
      assigneeUsername: 'campaigns@acme-shop.example',
      criticalPermissions: ['ModifyAllData', 'ViewAllData', 'ModifyAll:Contact'],
      riskScore: 100,
    });
  });

  it('never takes the assignee for the assigner when the audit trail names none', async () => {
    const assignee = '0055g00000MaRkTAAN';
    const event = {
      kind: 'permission' as const,
      operation: 'assign' as const,
      object: 'PermissionSetAssignment',
      actor: { userId: assignee, username: 'campaigns@acme-shop.example' },
      details: { permissionSetName: 'Marketing Power', assigneeId: assignee, permissions: ['ModifyAllData'] },
    };
    const known = await createDetector().score(classified(event));
    expect(known?.reasons.map((r) => r.code)).toEqual(['critical_permission', 'self_assigned_permission']);
    const unknown = await createDetector().score(classified({ ...event, details: { ...event.details, assignerKnown: false } }));
    expect(unknown?.reasons.map((r) => r.code)).toEqual(['critical_permission']);
    expect(unknown?.reasons[0]?.message).toContain('an assigner the setup audit trail does not name');
    expect(unknown?.permissionReview?.assignedById).toBeUndefined();
  });

  it('words a permission turned on in a permission set itself for everyone holding it, and queues no review', async () => {
    const admin = { userId: '0055g00000AdMiNAAV', username: 'admin@acme-shop.example' };
    const change = (details: Record<string, unknown>) =>
      classified({ kind: 'permission', operation: 'change', object: 'PermissionSet', actor: admin, details });
    const set = await createDetector().score(
      change({ source: 'SetupAuditTrail', holder: 'permissionSet', permissionSetName: 'Marketing Power', permissions: ['ModifyAllData'] }),
    );
    expect(set?.reasons.map((r) => r.code)).toEqual(['critical_permission']);
    expect(set?.reasons[0]?.message).toBe(
      'admin@acme-shop.example turned on ModifyAllData in permission set Marketing Power; everyone assigned it now has it.',
    );
    expect(set?.permissionReview).toBeUndefined();
    const profile = await createDetector().score(
      change({ source: 'SetupAuditTrail', holder: 'profile', permissionSetName: 'Custom: Sales', permissions: ['ViewAllData', 'ExportReport'] }),
    );
    expect(profile?.reasons[0]?.message).toBe(
      'admin@acme-shop.example turned on ViewAllData, ExportReport in profile Custom: Sales; every user with the profile now has them.',
    );
    expect(profile?.permissionReview).toBeUndefined();
  });

  it('does not take an admin editing a connected app for a token holder', async () => {
    const detector = createDetector();
    const app = '0H45g000000ShSyCAK';
    const admin = { userId: '0055g00000AdMiNAAV', username: 'admin@acme-shop.example' };
    const edit = (occurredAt: string, details: Record<string, unknown>) =>
      classified({
        kind: 'oauth',
        operation: 'change',
        object: 'ConnectedApplication',
        occurredAt,
        actor: admin,
        details: { source: 'SetupAuditTrail', appName: 'ShopSync', connectedAppId: app, ...details },
      });
    expect(await detector.score(edit('2026-09-01T10:00:00.000Z', { change: 'connected_app_changed' }))).toBeNull();
    const later = await detector.score(edit('2026-10-11T10:00:00.000Z', { change: 'connected_app_changed' }));
    expect(later).toBeNull();
    const unseen = await detector.score(
      classified({
        kind: 'oauth',
        operation: 'change',
        occurredAt: '2026-10-12T10:00:00.000Z',
        actor: admin,
        details: { source: 'SetupAuditTrail', appName: 'Partner Sync', connectedAppId: 'app:Partner Sync', change: 'connected_app_changed' },
      }),
    );
    expect(unseen?.reasons.map((r) => r.code)).toEqual(['new_connected_app']);
    expect(unseen?.reasons[0]?.message).toBe('admin@acme-shop.example changed connected app Partner Sync (never seen before).');
  });

  it('counts only the scopes a connected app gains when the audit trail says what it had', async () => {
    const detector = createDetector();
    const admin = { userId: '0055g00000AdMiNAAV', username: 'admin@acme-shop.example' };
    // Warm the OAuth signal with an ordinary token use, then change an app the detector never saw.
    await detector.score(
      classified({
        kind: 'oauth',
        operation: 'login',
        occurredAt: '2026-09-01T10:00:00.000Z',
        actor: { ...admin, connectedAppId: '0H45g000000ShSyCAK' },
        details: { source: 'OauthToken', appName: 'ShopSync' },
      }),
    );
    const widened = await detector.score(
      classified({
        kind: 'oauth',
        operation: 'change',
        occurredAt: '2026-10-12T10:00:00.000Z',
        actor: admin,
        details: {
          source: 'SetupAuditTrail',
          appName: 'Partner Sync',
          connectedAppId: 'app:Partner Sync',
          change: 'connected_app_oauth_scopes',
          previousScopes: ['api', 'refresh_token'],
          scopes: ['api', 'refresh_token', 'full'],
        },
      }),
    );
    expect(widened?.reasons.map((r) => r.code)).toEqual(['new_oauth_scopes', 'broad_oauth_scopes']);
    expect(widened?.reasons[0]?.message).toBe('Connected app Partner Sync was given scopes full by admin@acme-shop.example.');
  });

  it('flags a sharing rule that opens Contact to all internal users', async () => {
    const [sharing] = example('sharing-oauth').events;
    const verdict = await createDetector().score({ orgId: ORG, event: sharing!, findings: [] });
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['sharing_opened_pii']);
  });

  it('returns null for ordinary work', async () => {
    const detector = createDetector();
    const verdict = await detector.score(
      classified({ object: 'Case', operation: 'update', recordCount: 1 }, [
        { field: 'Description', fieldType: 'TEXTAREA', entities: [entity('EMAIL_ADDRESS'), entity('PERSON')] },
      ]),
    );
    expect(verdict).toBeNull();
  });

  it('ignores a card number in a field configured to hold it', async () => {
    const detector = createDetector({ config: { allowedPlacements: { 'Case.Description': ['CREDIT_CARD'] } } });
    const verdict = await detector.score(
      classified({ object: 'Case', operation: 'update' }, [{ field: 'Description', fieldType: 'TEXTAREA', entities: [entity('CREDIT_CARD')] }]),
    );
    expect(verdict).toBeNull();
  });

  it('flags a canary record and a canary marker in a payload', async () => {
    const detector = createDetector({
      config: {
        canaries: [
          { kind: 'record', recordId: '0035g00000CaNaRyAAA', label: 'canary contact' },
          { kind: 'marker', value: 'lw-canary-9f3e@acme-shop.example', label: 'canary email' },
        ],
      },
    });
    const touched = await detector.score(classified({ kind: 'export', object: 'Contact', operation: 'export', recordIds: ['0035g00000CaNaRy'] }));
    expect(touched?.reasons[0]).toMatchObject({ code: 'canary_touched' });
    const seen = await detector.score(
      classified({
        object: 'Lead',
        operation: 'insert',
        fields: [{ name: 'Email', value: 'lw-canary-9f3e@acme-shop.example' }],
      }),
    );
    expect(seen?.reasons[0]?.code).toBe('canary_value_seen');
    expect(seen?.reasons[0]?.message).not.toContain('lw-canary');
  });

  it('takes the capture of a canary record being planted for what it is, and any later touch for a hit', async () => {
    const detector = createDetector({
      config: {
        canaries: [
          { kind: 'record', recordId: '0035g00000CaNaRyAAA', label: 'canary Contact 1a2b' },
          { kind: 'marker', value: 'lw-1a2b@canary.leakwatch.invalid', label: 'canary Contact 1a2b' },
        ],
      },
    });
    const planted = await detector.score(
      classified({
        object: 'Contact',
        operation: 'insert',
        recordIds: ['0035g00000CaNaRyAAA'],
        fields: [{ name: 'Email', recordId: '0035g00000CaNaRyAAA', value: 'lw-1a2b@canary.leakwatch.invalid' }],
      }),
    );
    expect(planted).toBeNull();
    const changed = await detector.score(classified({ object: 'Contact', operation: 'update', recordIds: ['0035g00000CaNaRyAAA'], recordCount: 1 }));
    expect(changed?.reasons.map((r) => r.code)).toEqual(['canary_touched']);
    const copied = await detector.score(
      classified({
        object: 'Lead',
        operation: 'insert',
        fields: [{ name: 'Email', recordId: '00Q5g00000LeAdXAAR', value: 'lw-1a2b@canary.leakwatch.invalid' }],
      }),
    );
    expect(copied?.reasons.map((r) => r.code)).toEqual(['canary_value_seen']);
  });

  it('flags an integration user signing in through the browser', async () => {
    const verdict = await createDetector().score(
      classified({
        kind: 'login',
        operation: 'login',
        actor: { userId: '0055g00000AbCdEAAZ', isIntegration: true },
        details: { loginType: 'Application' },
      }),
    );
    expect(verdict?.reasons.map((r) => r.code)).toEqual(['integration_interactive']);
  });
});
