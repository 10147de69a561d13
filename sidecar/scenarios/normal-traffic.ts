import type { Actor, LeakEvent } from '../src/contract/event.js';
import { ADMIN, AGENTS, APPS, ERP, FORMER_REP, MARKETING, SALES_REPS, SHOP_SYNC, type Agent } from './org.js';
import type { StreamBuilder } from './stream-builder.js';

type Draft = Omit<LeakEvent, 'id' | 'occurredAt'>;

const H = 60;
const MONDAY = 0;
const TUESDAY = 1;
const THURSDAY = 3;
const FRIDAY = 4;
const SATURDAY = 5;

/** One day of ordinary work in the org. Day 0 is a Monday. */
export function normalDay(b: StreamBuilder, day: number): void {
  const weekday = day % 7;
  const workday = weekday < SATURDAY;
  shopSyncNight(b, day);
  shopSyncDaytime(b, day);
  if (workday) {
    erpHours(b, day);
    marketingDay(b, day, weekday);
    for (const rep of SALES_REPS) salesDay(b, day, rep);
    adminDay(b, day, weekday);
  }
  for (const agent of AGENTS) {
    if (day < agent.startsOnDay) continue;
    if (workday) agentShift(b, day, agent, agent.shift);
    else if (weekday === SATURDAY && agent.worksSaturday) agentShift(b, day, agent, [9, 13]);
  }
  if (day < 4) formerRepZap(b, day);
}

function login(actor: Actor, loginType: string): Draft {
  return {
    kind: 'login',
    actor,
    operation: 'login',
    details: { source: 'LoginEventStream', loginType, status: 'Success' },
  };
}

function oauthUse(actor: Actor, app: { id: string; name: string; scopes: readonly string[] }): Draft {
  return {
    kind: 'oauth',
    actor: { ...actor, connectedAppId: app.id },
    operation: 'authorize',
    details: { source: 'OauthToken', appName: app.name, change: 'refresh', scopes: [...app.scopes] },
  };
}

function bulk(actor: Actor, object: string, operation: 'insert' | 'update', jobId: string) {
  return (count: number): Draft => ({
    kind: 'dml',
    actor: { ...actor, sessionId: `bulk-${jobId}` },
    object,
    operation,
    recordCount: count,
    details: {
      trigger: operation === 'insert' ? 'AFTER_INSERT' : 'AFTER_UPDATE',
      sliceSize: count,
      apiType: 'bulk',
      jobId,
    },
  });
}

/** The nightly commerce sync: customers, orders and the catalogue, as Bulk API jobs sliced by the triggers. */
function shopSyncNight(b: StreamBuilder, day: number): void {
  const r = b.rng;
  b.emit(day, 1 * H, login(SHOP_SYNC, 'Remote Access 2.0'));
  b.emit(day, 1 * H + 1, oauthUse(SHOP_SYNC, APPS.shopSync));
  b.slices(day, 1 * H + 5, r.int(2500, 4000), 200, 1, bulk(SHOP_SYNC, 'Contact', 'update', `750${day}C`));
  b.slices(day, 1 * H + 40, r.int(800, 1500), 200, 1, bulk(SHOP_SYNC, 'Order', 'insert', `750${day}O`));
  b.slices(day, 2 * H, r.int(4000, 6000), 200, 1, bulk(SHOP_SYNC, 'Product2', 'update', `750${day}P`));
}

/** Order status updates through the day. */
function shopSyncDaytime(b: StreamBuilder, day: number): void {
  for (let m = 6 * H; m < 22 * H; m += 15) {
    b.emit(day, m + b.rng.int(0, 10), {
      kind: 'dml',
      actor: SHOP_SYNC,
      object: 'Order',
      operation: 'update',
      recordCount: b.rng.int(5, 30),
      details: { trigger: 'AFTER_UPDATE', apiType: 'api' },
    });
  }
}

function erpHours(b: StreamBuilder, day: number): void {
  b.emit(day, 7 * H, oauthUse(ERP, APPS.erp));
  for (let hour = 7; hour < 20; hour++) {
    b.emit(day, hour * H + b.rng.int(0, 30), {
      kind: 'export',
      actor: ERP,
      object: 'Order',
      operation: 'query',
      recordCount: b.rng.int(50, 300),
      details: { source: 'ApiEventStream', apiType: 'api' },
    });
    b.emit(day, hour * H + b.rng.int(30, 59), {
      kind: 'dml',
      actor: ERP,
      object: 'Product2',
      operation: 'update',
      recordCount: b.rng.int(20, 100),
      details: { trigger: 'AFTER_UPDATE', apiType: 'api' },
    });
  }
}

function reportExport(actor: Actor, object: string, reportId: string, sessionId: string) {
  return (count: number): Draft => ({
    kind: 'export',
    actor: { ...actor, sessionId },
    object,
    operation: 'export',
    recordCount: count,
    details: { source: 'ReportEventStream', reportId, apiType: 'ui', rowsProcessed: count },
  });
}

/** Weekly campaign audience export on Monday (chunked report pulls), lead review on Thursday. */
function marketingDay(b: StreamBuilder, day: number, weekday: number): void {
  const r = b.rng;
  b.emit(day, 9 * H + r.int(0, 10), login(MARKETING, 'Application'));
  if (weekday === MONDAY) {
    b.emit(day, 9 * H + 12, oauthUse(MARKETING, APPS.marketingCloud));
    b.slices(day, 9 * H + 15, r.int(14_000, 16_000), 2000, 3, reportExport(MARKETING, 'Contact', '00O5g000001AuDnEAC', `rpt-${day}`));
  }
  if (weekday === THURSDAY) b.emit(day, 10 * H, reportExport(MARKETING, 'Lead', '00O5g000001LeAdEAC', `rpt-${day}`)(r.int(500, 900)));
  for (let i = r.int(5, 10); i > 0; i--) {
    b.emit(day, r.int(9 * H + 15, 17 * H), {
      kind: 'dml',
      actor: MARKETING,
      object: 'Campaign',
      operation: 'update',
      recordCount: r.int(1, 5),
      details: { trigger: 'AFTER_UPDATE', apiType: 'ui' },
    });
  }
}

const CASE_NOTE = 'Customer asked about a delayed parcel; tracking link resent.';

/** A service agent's shift (now and then with overtime): cases, comments, tasks and contact look-ups. */
function agentShift(b: StreamBuilder, day: number, agent: Agent, shift: [number, number]): void {
  const r = b.rng;
  const start = shift[0] * H + r.int(-20, 20);
  const overtime = r.chance(0.05) ? r.int(30, 90) : 0;
  const end = shift[1] * H + r.int(-20, 30) + overtime;
  const actor = agent.actor;
  b.emit(day, start, login(actor, 'Application'));
  for (let i = r.int(35, 60); i > 0; i--) {
    const at = r.int(start + 2, end);
    const roll = r.next();
    const recordId = r.sfid('500');
    if (roll < 0.4) {
      const findings = r.chance(0.3) ? [b.finding('Description', 'TEXTAREA', [r.pick(['EMAIL_ADDRESS', 'PHONE_NUMBER', 'PERSON'] as const)], recordId)] : [];
      b.emit(
        day,
        at,
        {
          kind: 'dml',
          actor,
          object: 'Case',
          operation: 'update',
          recordCount: 1,
          recordIds: [recordId],
          fields: [{ name: 'Description', type: 'TEXTAREA', recordId, value: CASE_NOTE }],
          details: { trigger: 'AFTER_UPDATE', apiType: 'ui' },
        },
        findings,
      );
    } else if (roll < 0.6) {
      const findings = r.chance(0.3) ? [b.finding('CommentBody', 'TEXTAREA', ['PERSON', 'PHONE_NUMBER'], recordId)] : [];
      b.emit(
        day,
        at,
        {
          kind: 'dml',
          actor,
          object: 'CaseComment',
          operation: 'insert',
          recordCount: 1,
          details: { trigger: 'AFTER_INSERT', apiType: 'ui' },
        },
        findings,
      );
    } else if (roll < 0.75) {
      b.emit(day, at, {
        kind: 'dml',
        actor,
        object: 'Task',
        operation: 'insert',
        recordCount: 1,
        details: { trigger: 'AFTER_INSERT', apiType: 'ui' },
      });
    } else if (roll < 0.9) {
      b.emit(day, at, {
        kind: 'export',
        actor,
        object: 'Contact',
        operation: 'query',
        recordCount: r.int(1, 20),
        details: { source: 'ApiEventStream', apiType: 'ui' },
      });
    } else if (roll < 0.98) {
      b.emit(day, at, {
        kind: 'dml',
        actor,
        object: 'Contact',
        operation: 'update',
        recordCount: 1,
        details: { trigger: 'AFTER_UPDATE', apiType: 'ui' },
      });
    } else {
      b.emit(day, at, {
        kind: 'dml',
        actor,
        object: 'Contact',
        operation: 'delete',
        recordCount: r.int(1, 3),
        details: { trigger: 'AFTER_DELETE', apiType: 'ui' },
      });
    }
  }
}

function salesDay(b: StreamBuilder, day: number, actor: Actor): void {
  const r = b.rng;
  b.emit(day, 8 * H + r.int(0, 30), login(actor, 'Application'));
  for (let i = r.int(15, 25); i > 0; i--) {
    const at = r.int(8 * H + 30, 18 * H);
    const roll = r.next();
    if (roll < 0.4)
      b.emit(day, at, {
        kind: 'dml',
        actor,
        object: 'Opportunity',
        operation: 'update',
        recordCount: 1,
        details: { apiType: 'ui' },
      });
    else if (roll < 0.6)
      b.emit(day, at, {
        kind: 'export',
        actor,
        object: 'Account',
        operation: 'query',
        recordCount: r.int(1, 50),
        details: { source: 'ApiEventStream', apiType: 'ui' },
      });
    else if (roll < 0.8)
      b.emit(day, at, {
        kind: 'dml',
        actor,
        object: 'Lead',
        operation: 'update',
        recordCount: r.int(1, 3),
        details: { apiType: 'ui' },
      });
    else
      b.emit(day, at, {
        kind: 'export',
        actor,
        object: 'Contact',
        operation: 'query',
        recordCount: r.int(1, 30),
        details: { source: 'ApiEventStream', apiType: 'ui' },
      });
  }
}

const SETUP_ACTIONS = ['changedFieldLength', 'createdCustomField', 'changedValidationRule', 'changedPicklistValues'];

/** Setup changes, routine permission grants and sharing rules that do not open personal data. */
function adminDay(b: StreamBuilder, day: number, weekday: number): void {
  const r = b.rng;
  b.emit(day, 9 * H + r.int(0, 20), login(ADMIN, 'Application'));
  for (let i = r.int(1, 4); i > 0; i--)
    b.emit(day, r.int(9 * H + 30, 17 * H), {
      kind: 'setup',
      actor: ADMIN,
      operation: 'change',
      details: { source: 'SetupAuditTrail', section: 'Customize', action: r.pick(SETUP_ACTIONS) },
    });
  if (weekday === TUESDAY) {
    const agent = r.pick(AGENTS).actor;
    b.emit(day, 11 * H + r.int(0, 30), {
      kind: 'permission',
      actor: ADMIN,
      object: 'PermissionSetAssignment',
      operation: 'assign',
      recordCount: 1,
      details: {
        source: 'PermissionSetAssignment',
        permissionSetName: 'Service_Console_User',
        assigneeId: agent.userId,
        assigneeUsername: agent.username,
        assignedById: ADMIN.userId,
        criticalPermissions: [],
        objectPermissions: [{ object: 'Case', viewAll: false, modifyAll: false }],
      },
    });
  }
  if (weekday === FRIDAY) {
    const [object, sharedWith] = r.pick([
      ['Opportunity', 'Role:Sales_Managers'],
      ['Product2', 'AllInternalUsers'],
      ['Case', 'Role:Support_Leads'],
    ] as const);
    b.emit(day, 15 * H + r.int(0, 60), {
      kind: 'sharing',
      actor: ADMIN,
      object,
      operation: 'change',
      details: {
        source: 'SetupAuditTrail',
        section: 'Sharing Rules',
        action: 'createdCriteriaSharingRule',
        sharedWith,
        accessLevel: 'Read',
      },
    });
  }
}

/** A rep who left in the first week; the Zapier token keeps working until someone revokes it. */
function formerRepZap(b: StreamBuilder, day: number): void {
  b.emit(day, 10 * H, oauthUse(FORMER_REP, APPS.zapier));
  b.emit(day, 10 * H + 5, {
    kind: 'export',
    actor: FORMER_REP,
    object: 'Contact',
    operation: 'query',
    recordCount: b.rng.int(20, 50),
    details: { source: 'ApiEventStream', apiType: 'api' },
  });
}
