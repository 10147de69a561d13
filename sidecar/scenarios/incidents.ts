import type { Actor, LeakEvent } from '../src/contract/event.js';
import { ADMIN, AGENTS, APPS, CANARIES, ERP, FORMER_REP, MARKETING, SALES_REPS, SHOP_SYNC } from './org.js';
import type { StreamBuilder } from './stream-builder.js';

type Draft = Omit<LeakEvent, 'id' | 'occurredAt'>;

/** An injected incident: what happened, when, and the reason code a detector should give. */
export interface Incident {
  id: string;
  day: number;
  expectedCode: string;
  summary: string;
}

const H = 60;

function agent(i: number): Actor {
  const a = AGENTS[i];
  if (!a) throw new RangeError(`no agent ${i}`);
  return a.actor;
}

function rep(i: number): Actor {
  const a = SALES_REPS[i];
  if (!a) throw new RangeError(`no sales rep ${i}`);
  return a;
}

function query(actor: Actor, object: string, apiType: string, sessionId?: string) {
  return (count: number): Draft => ({
    kind: 'export',
    actor: sessionId ? { ...actor, sessionId } : actor,
    object,
    operation: object === 'Contact' && apiType === 'ui' ? 'export' : 'query',
    recordCount: count,
    details: { source: apiType === 'ui' ? 'ReportEventStream' : 'ApiEventStream', apiType },
  });
}

function dml(actor: Actor, object: string, operation: 'delete' | 'update', sessionId: string) {
  return (count: number): Draft => ({
    kind: 'dml',
    actor: { ...actor, sessionId },
    object,
    operation,
    recordCount: count,
    details: { trigger: operation === 'delete' ? 'AFTER_DELETE' : 'AFTER_UPDATE', sliceSize: count, apiType: 'api' },
  });
}

/** A pull every `gapMinutes` of `size` records between two minute offsets of `day` (may run past midnight). */
function trickle(b: StreamBuilder, id: string, day: number, from: number, to: number, size: number, gapMinutes: number, draft: (n: number) => Draft): void {
  for (let m = from; m < to; m += gapMinutes) b.emit(day, m + b.rng.next() * 3, draft(size - b.rng.int(0, size / 10)), [], id);
}

/** Injects every incident kind into the stream; all fall after the warm-up week. Day 0 is a Monday. */
export function injectIncidents(b: StreamBuilder): Incident[] {
  const incidents: Incident[] = [];
  const add = (id: string, day: number, expectedCode: string, summary: string, emit: (id: string) => void): void => {
    incidents.push({ id, day, expectedCode, summary });
    emit(id);
  };

  add('pii-card-in-comment', 15, 'pii_in_free_text', 'An agent pastes a card number into a case comment', (id) => {
    const recordId = b.rng.sfid('00a');
    b.emit(
      15,
      10 * H + 12,
      {
        kind: 'dml',
        actor: agent(0),
        object: 'CaseComment',
        operation: 'insert',
        recordCount: 1,
        recordIds: [recordId],
        details: { apiType: 'ui' },
      },
      [b.finding('CommentBody', 'TEXTAREA', ['CREDIT_CARD', 'PERSON'], recordId)],
      id,
    );
  });
  add('bulk-contact-export', 16, 'volume_anomaly', 'The commerce integration pulls 150,000 contacts in 10,000-record Bulk API batches', (id) => {
    b.slices(16, 2 * H + 30, 150_000, 10_000, 2, query(SHOP_SYNC, 'Contact', 'bulk', 'bulk-750XfIl'), id);
  });
  add('slow-report-exfiltration', 17, 'volume_anomaly', 'The marketing user pulls the contact report in chunks of at most 450 rows all Thursday', (id) => {
    trickle(b, id, 17, 9 * H, 17 * H, 450, 20, query(MARKETING, 'Contact', 'ui'));
  });
  add('integration-ui-login', 18, 'integration_interactive', 'Someone signs in to the browser as the commerce integration user', (id) => {
    b.emit(
      18,
      13 * H + 5,
      {
        kind: 'login',
        actor: SHOP_SYNC,
        operation: 'login',
        details: { source: 'LoginEventStream', loginType: 'Application', status: 'Success' },
      },
      [],
      id,
    );
    b.emit(18, 13 * H + 9, { ...query(SHOP_SYNC, 'Account', 'ui')(300) }, [], id);
  });
  add('mass-contact-delete', 19, 'mass_delete_pii', 'An agent account deletes 3,000 contacts through the API', (id) => {
    b.slices(19, 14 * H, 3000, 200, 0.5, dml(agent(3), 'Contact', 'delete', 'api-sess-del'), id);
  });
  add('iban-in-task', 20, 'pii_in_free_text', 'An IBAN is written into a task description', (id) => {
    b.emit(
      20,
      11 * H,
      { kind: 'dml', actor: agent(4), object: 'Task', operation: 'insert', recordCount: 1, details: { apiType: 'ui' } },
      [b.finding('Description', 'TEXTAREA', ['IBAN_CODE'])],
      id,
    );
  });
  add('critical-permission', 21, 'critical_permission', 'Modify All Data and View All Data granted to the marketing user', (id) => {
    b.emit(
      21,
      16 * H,
      {
        kind: 'permission',
        actor: ADMIN,
        object: 'PermissionSetAssignment',
        operation: 'assign',
        recordCount: 1,
        details: {
          source: 'PermissionSetAssignment',
          assignmentId: '0Pa5g00000AsSiGAAX',
          permissionSetName: 'Marketing_Export_Access',
          assigneeId: MARKETING.userId,
          assigneeUsername: MARKETING.username,
          assignedById: ADMIN.userId,
          criticalPermissions: ['ViewAllData', 'ModifyAllData'],
          objectPermissions: [],
        },
      },
      [],
      id,
    );
  });
  add('slow-api-exfiltration', 22, 'volume_anomaly', 'A sales rep session pulls 90 contacts every 15 minutes for 36 hours', (id) => {
    trickle(b, id, 22, 8 * H, 44 * H, 90, 15, query(rep(1), 'Contact', 'api', 'api-sess-slow'));
  });
  add('sharing-all-internal', 23, 'sharing_opened_pii', 'A sharing rule opens every contact to all internal users', (id) => {
    b.emit(
      23,
      11 * H + 30,
      {
        kind: 'sharing',
        actor: ADMIN,
        object: 'Contact',
        operation: 'change',
        details: {
          source: 'SetupAuditTrail',
          section: 'Sharing Rules',
          action: 'createdCriteriaSharingRule',
          sharedWith: 'AllInternalUsers',
          accessLevel: 'Edit',
        },
      },
      [],
      id,
    );
  });
  add('mass-contact-update', 24, 'mass_update_pii', 'An agent account overwrites the email of 8,000 contacts', (id) => {
    b.slices(24, 11 * H, 8000, 200, 0.5, dml(agent(5), 'Contact', 'update', 'api-sess-upd'), id);
  });
  add('new-connected-app', 25, 'new_connected_app', 'The marketing user authorises an unknown exporter app with full access', (id) => {
    b.emit(
      25,
      14 * H,
      {
        kind: 'oauth',
        actor: { ...MARKETING, connectedAppId: APPS.leadExporter.id },
        operation: 'authorize',
        details: {
          source: 'OauthToken',
          appName: APPS.leadExporter.name,
          change: 'new-app',
          scopes: [...APPS.leadExporter.scopes],
        },
      },
      [],
      id,
    );
  });
  add('secret-in-case', 26, 'pii_in_free_text', 'An API key is pasted into a case description', (id) => {
    const recordId = b.rng.sfid('500');
    b.emit(
      26,
      15 * H,
      {
        kind: 'dml',
        actor: agent(7),
        object: 'Case',
        operation: 'update',
        recordCount: 1,
        recordIds: [recordId],
        details: { apiType: 'ui' },
      },
      [b.finding('Description', 'TEXTAREA', ['SECRET'], recordId)],
      id,
    );
  });
  add('night-activity', 27, 'unusual_hour', 'An early-shift agent account is used at 03:00 on a Sunday', (id) => {
    b.emit(
      27,
      3 * H + 2,
      {
        kind: 'login',
        actor: agent(2),
        operation: 'login',
        details: { source: 'LoginEventStream', loginType: 'Application', status: 'Success' },
      },
      [],
      id,
    );
    for (let i = 0; i < 5; i++) b.emit(27, 3 * H + 5 + i * 4, query(agent(2), 'Contact', 'api')(20), [], id);
  });
  add('view-all-contacts', 28, 'pii_object_view_all', 'A permission set grants View All on Contact to a sales rep', (id) => {
    b.emit(
      28,
      10 * H,
      {
        kind: 'permission',
        actor: ADMIN,
        object: 'PermissionSetAssignment',
        operation: 'assign',
        recordCount: 1,
        details: {
          source: 'PermissionSetAssignment',
          permissionSetName: 'Contact_Auditor',
          assigneeId: rep(2).userId,
          assigneeUsername: rep(2).username,
          assignedById: ADMIN.userId,
          criticalPermissions: [],
          objectPermissions: [{ object: 'Contact', viewAll: true, modifyAll: false }],
        },
      },
      [],
      id,
    );
  });
  add('health-data-in-comment', 29, 'pii_in_free_text', 'Health details are written into a case comment', (id) => {
    b.emit(
      29,
      9 * H + 40,
      {
        kind: 'dml',
        actor: agent(1),
        object: 'CaseComment',
        operation: 'insert',
        recordCount: 1,
        details: { apiType: 'ui' },
      },
      [b.finding('CommentBody', 'TEXTAREA', ['MEDICAL', 'PERSON'])],
      id,
    );
  });
  add('canary-record-touched', 30, 'canary_touched', 'A sales rep query returns the canary contact', (id) => {
    b.emit(
      30,
      11 * H,
      {
        kind: 'export',
        actor: rep(3),
        object: 'Contact',
        operation: 'query',
        recordCount: 12,
        recordIds: [CANARIES.contactId, b.rng.sfid('003')],
        details: { source: 'ApiEventStream', apiType: 'ui' },
      },
      [],
      id,
    );
  });
  add('canary-marker-in-payload', 31, 'canary_value_seen', 'The canary email address comes back in a lead created through the API', (id) => {
    b.emit(
      31,
      13 * H,
      {
        kind: 'dml',
        actor: SHOP_SYNC,
        object: 'Lead',
        operation: 'insert',
        recordCount: 1,
        fields: [{ name: 'Email', type: 'EMAIL', value: CANARIES.marker }],
        details: { apiType: 'api' },
      },
      [b.finding('Email', 'EMAIL', ['EMAIL_ADDRESS'])],
      id,
    );
  });
  add('sharing-guest', 32, 'sharing_opened_pii', 'A guest user sharing rule exposes cases to the public site', (id) => {
    b.emit(
      32,
      16 * H,
      {
        kind: 'sharing',
        actor: ADMIN,
        object: 'Case',
        operation: 'change',
        details: {
          source: 'SetupAuditTrail',
          section: 'Sharing Rules',
          action: 'createdGuestUserSharingRule',
          sharedWith: 'Guest',
          accessLevel: 'Read',
        },
      },
      [],
      id,
    );
  });
  add('national-id-in-case', 33, 'pii_in_free_text', 'A national insurance number is written into a case description', (id) => {
    b.emit(
      33,
      12 * H,
      {
        kind: 'dml',
        actor: agent(9),
        object: 'Case',
        operation: 'update',
        recordCount: 1,
        details: { apiType: 'ui' },
      },
      [b.finding('Description', 'TEXTAREA', ['UK_NINO'])],
      id,
    );
  });
  add('new-scopes', 34, 'new_oauth_scopes', 'The commerce connector gains the full scope', (id) => {
    b.emit(
      34,
      1 * H + 1,
      {
        kind: 'oauth',
        actor: SHOP_SYNC,
        operation: 'authorize',
        details: {
          source: 'OauthToken',
          appName: APPS.shopSync.name,
          change: 'new-scopes',
          scopes: ['api', 'refresh_token', 'full'],
        },
      },
      [],
      id,
    );
  });
  add('lead-owd-public', 36, 'sharing_opened_pii', 'The Lead org-wide default becomes Public Read/Write', (id) => {
    b.emit(
      36,
      17 * H,
      {
        kind: 'setup',
        actor: ADMIN,
        object: 'Lead',
        operation: 'change',
        details: {
          source: 'SetupAuditTrail',
          section: 'Sharing Settings',
          action: 'changedOrgWideDefault',
          orgWideDefault: 'PublicReadWrite',
        },
      },
      [],
      id,
    );
  });
  add(
    'slow-patient-exfiltration',
    28,
    'volume_anomaly',
    'A sales rep wires Zapier to pull about 380 contacts a day for eight days, never 500 in a day',
    (id) => {
      const zap = { ...rep(0), connectedAppId: APPS.zapier.id };
      for (let day = 28; day < 36; day++)
        for (const hour of [10, 12, 14, 16]) b.emit(day, hour * H + b.rng.int(0, 20), query(zap, 'Contact', 'api')(95), [], id);
    },
  );
  add('dormant-token', 38, 'dormant_token_woke', "The former rep's Zapier token wakes after five weeks and pulls contacts", (id) => {
    b.emit(
      38,
      22 * H,
      {
        kind: 'oauth',
        actor: FORMER_REP,
        operation: 'authorize',
        details: {
          source: 'OauthToken',
          appName: APPS.zapier.name,
          change: 'refresh',
          scopes: [...APPS.zapier.scopes],
        },
      },
      [],
      id,
    );
    b.emit(38, 22 * H + 3, query(FORMER_REP, 'Contact', 'api')(400), [], id);
  });
  add('slow-integration-exfiltration', 39, 'volume_anomaly', 'The ERP integration pulls contacts 400 at a time every 10 minutes overnight', (id) => {
    trickle(b, id, 39, 22 * H, 30 * H, 400, 10, query(ERP, 'Contact', 'api', 'erp-sess-night'));
  });
  return incidents;
}
