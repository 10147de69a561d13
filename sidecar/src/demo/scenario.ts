import type { Actor, EventField, LeakEvent } from '../contract/event.js';
import { toId18 } from '../contract/salesforce-id.js';
import { Random } from '../synthetic/random.js';
import { ADMIN, AGENTS, AI_APP, DEMO_ORG_ID, FIRST_NAMES, LAST_NAMES, MARKETING, SHOP_SYNC, SHOP_SYNC_APP } from './cast.js';
import { THIEF } from './live-theft.js';
import { EventLogBook, logLine, orgDateTime, type OrgData } from './org-data.js';

interface Customer {
  contactId: string;
  name: string;
  email: string;
  phone: string;
}

/** One stretch of the scenario: what the package's triggers send, and the org's own records and logs. */
interface ScenarioPhase {
  /** Events the package's DML triggers publish (`POST /v1/events`, as its Queueable sends them). */
  events: LeakEvent[];
  /** Raw org data the sidecar's collectors read: seeded through the emulator's seeding API. */
  org: OrgData;
}

interface Scenario {
  /** The org as it stood before: profiles, users, the storefront's connected app, ordinary permission sets. */
  setup: OrgData;
  /** {@link NORMAL_DAYS} days of ordinary traffic (the detector's warm-up). */
  history: ScenarioPhase;
  /** The day of the incidents; the canary records planted through the sidecar are read on it. */
  incidentDay: (canaryRecordIds: readonly string[]) => ScenarioPhase;
  /** Every raw personal value the scenario sends or seeds, for the checks that none is kept or logged. */
  personalValues: string[];
  /** What was planted, to find the verdicts that must come of it. */
  incidents: Incidents;
  /** The shop's customers' Contact ids (the live theft's pages name them). */
  contactIds: string[];
}

interface Incidents {
  /** A Data-Loader-style pull of every Contact by the storefront's integration user at 03:00 (API and ApiTotalUsage logs). */
  bulkPull: { userId: string; object: string; rows: number; hourUtc: number };
  /** Package DML events of one mass delete, in slices of 200. */
  massDelete: string[];
  /** A permission set with Modify All Data and Modify All on Contact, assigned by the admin to the marketer. */
  permission: { permissionSetName: string; assigneeId: string; assignerId: string };
  /** A connected app never seen before, authorised by the marketer. */
  newApp: { userId: string; appName: string; appId: string };
  /** A sharing rule opening Contacts to all internal users. */
  sharingRule: { userId: string; object: string };
  /** Who reads the canary records. */
  canaryReader: string;
  /** The package DML event of a Case comment holding a card number. */
  cardInCase: string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Days of ordinary traffic before the incidents: enough for the detector's warm-up. */
export const NORMAL_DAYS = 8;

const PROFILES = {
  integration: { Id: '00e5g000000IntGAAC', Name: 'Minimum Access - API Only Integrations' },
  admin: { Id: toId18('00e5g000000AdMn'), Name: 'System Administrator' },
  marketing: { Id: toId18('00e5g000000MkTg'), Name: 'Marketing User' },
  agent: { Id: toId18('00e5g000000AgNt'), Name: 'Service Agent' },
};
const EXPORT_SET = { Id: toId18('0PS5g0000MktExp'), Name: 'Marketing_Export_Access', Label: 'Marketing Export Access' };
const AGENT_SET = { Id: toId18('0PS5g0000AgtTls'), Name: 'Service_Agent_Tools', Label: 'Service Agent Tools' };
const SHOP_IP = '203.0.113.24';
const PULL_IP = '198.51.100.77';

/** A 16-digit number that passes the Luhn check, as a real card number does. */
const cardNumber = (random: Random): string => {
  const digits = [4, ...Array.from({ length: 14 }, () => random.int(0, 9))];
  const sum = digits
    .slice()
    .reverse()
    .reduce((total, digit, index) => {
      const doubled = index % 2 === 0 ? digit * 2 : digit;
      return total + (doubled > 9 ? doubled - 9 : doubled);
    }, 0);
  const number = [...digits, (10 - (sum % 10)) % 10].join('');
  return number.replace(/(\d{4})(?=\d)/g, '$1 ');
};

const recordId = (random: Random, prefix: string): string => toId18(random.sfid(prefix).slice(0, 15));

const customers = (random: Random): Customer[] =>
  FIRST_NAMES.map((first, index) => {
    const last = LAST_NAMES[index] as string;
    return {
      contactId: recordId(random, '003'),
      name: `${first} ${last}`,
      email: `${first.toLowerCase()}.${last.toLowerCase()}${random.int(10, 99)}@mail.example.com`,
      phone: `+44 20 7946 0${random.digits(3)}`,
    };
  });

class ScenarioBuilder {
  readonly personal = new Set<string>();
  events: LeakEvent[] = [];

  constructor(
    readonly random: Random,
    readonly start: number,
  ) {}

  /** Epoch ms of a day of the scenario (0 = the first), an hour and a minute. */
  ms(day: number, hour: number, minute = this.random.int(0, 59), second = this.random.int(0, 59)): number {
    return this.start + day * DAY + hour * HOUR + minute * 60_000 + second * 1_000;
  }

  add(at: number, actor: Actor, rest: Omit<LeakEvent, 'id' | 'occurredAt' | 'actor'>): string {
    const id = this.random.uuid();
    if (actor.username) this.personal.add(actor.username);
    this.events.push({ id, occurredAt: new Date(at).toISOString(), actor, ...rest });
    return id;
  }

  field(name: string, type: string, id: string, value: string, ...personal: string[]): EventField {
    for (const item of [value, ...personal]) this.personal.add(item);
    return { name, type, label: name, recordId: id, value };
  }

  /** Takes the package events built so far, in time order. */
  take(): LeakEvent[] {
    const events = this.events.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt));
    this.events = [];
    return events;
  }
}

/** The org as it stood: who works in it and with which profile, the storefront's app, ordinary access. */
const setupData = (b: ScenarioBuilder): OrgData => {
  const users = [
    [SHOP_SYNC, PROFILES.integration, 'ShopSync'],
    [ADMIN, PROFILES.admin, 'Admin'],
    [MARKETING, PROFILES.marketing, 'Campaigns'],
    ...AGENTS.map((agent) => [agent, PROFILES.agent, (agent.username ?? 'agent').split('.')[0] ?? 'Agent'] as const),
  ] as const;
  for (const [user] of users) if (user.username) b.personal.add(user.username);
  const longAgo = orgDateTime(b.start - 90 * DAY);
  return {
    records: [
      { sobject: 'Profile', records: Object.values(PROFILES) },
      {
        sobject: 'User',
        records: users.map(([user, profile, lastName]) => ({
          Id: user.userId,
          Username: user.username,
          LastName: lastName,
          ProfileId: profile.Id,
          IsActive: true,
        })),
      },
      { sobject: 'ConnectedApplication', records: [{ Id: SHOP_SYNC_APP.id, Name: SHOP_SYNC_APP.name }] },
      { sobject: 'PermissionSet', records: [{ ...AGENT_SET, Type: 'Regular', PermissionsApiEnabled: true }] },
      {
        sobject: 'PermissionSetAssignment',
        records: AGENTS.map((agent) => ({ AssigneeId: agent.userId, PermissionSetId: AGENT_SET.Id, IsActive: true, SystemModstamp: longAgo })),
      },
    ],
    eventLogFiles: [],
  };
};

/** An ordinary day: the storefront syncing Contacts, agents working cases, marketing's weekly report. */
const normalDay = (b: ScenarioBuilder, day: number, people: Customer[], logs: EventLogBook, logins: Array<Record<string, unknown>>, lastHour = 20): void => {
  const { random } = b;
  const session = `shop${day}${random.digits(6)}`;
  for (let hour = 8; hour <= lastHour; hour += 1) {
    const customer = random.pick(people);
    // The package's trigger sees the connector's writes ...
    b.add(b.ms(day, hour), SHOP_SYNC, {
      kind: 'dml',
      object: 'Contact',
      operation: random.next() < 0.7 ? 'update' : 'insert',
      recordCount: random.int(20, 90),
      recordIds: [customer.contactId],
      fields: [b.field('Email', 'EMAIL', customer.contactId, customer.email), b.field('Phone', 'PHONE', customer.contactId, customer.phone)],
      details: { trigger: 'AFTER_UPDATE', sliceSize: 200, apiType: 'rest' },
    });
    // ... and the REST API log its reads.
    const at = b.ms(day, hour, random.int(0, 59));
    logs.add(
      'RestApi',
      at,
      logLine(DEMO_ORG_ID, 'RestApi', at, SHOP_SYNC.userId, `4Rs${day}${hour}${random.digits(5)}`, {
        ENTITY_NAME: 'Contact',
        ROWS_PROCESSED: random.int(20, 90),
        SESSION_KEY: session,
        CLIENT_IP: SHOP_IP,
        USER_AGENT: 'ShopSync/4.2 (+connector)',
        METHOD: 'GET',
        URI: '/services/data/v62.0/query',
        STATUS_CODE: 200,
        CONNECTED_APP_ID: SHOP_SYNC_APP.id.slice(0, 15),
      }),
    );
  }
  const bulkAt = b.ms(day, 14);
  logs.add(
    'BulkApi2',
    bulkAt,
    logLine(DEMO_ORG_ID, 'BulkApi2', bulkAt, SHOP_SYNC.userId, `4Bk${day}${random.digits(6)}`, {
      ENTITY_TYPE: 'Contact',
      RECORDS_PROCESSED: random.int(120, 260),
      JOB_ID: `7505g0000${random.digits(6)}`,
      OPERATION_TYPE: 'query',
      JOB_STATUS: 'JobComplete',
      CLIENT_IP: SHOP_IP,
    }),
  );
  logins.push({
    UserId: SHOP_SYNC.userId,
    LoginTime: orgDateTime(b.ms(day, 7)),
    LoginType: 'Remote Access 2.0',
    Status: 'Success',
    Application: SHOP_SYNC_APP.name,
    SourceIp: SHOP_IP,
    Platform: 'Unknown',
    Browser: 'Unknown',
    CountryIso: 'IE',
  });
  for (const [index, agent] of AGENTS.entries()) {
    const ip = `192.0.2.${10 + index}`;
    logins.push({
      UserId: agent.userId,
      LoginTime: orgDateTime(b.ms(day, random.int(8, 9))),
      LoginType: 'Application',
      Status: 'Success',
      Application: 'Browser',
      SourceIp: ip,
      Platform: 'Windows 10',
      Browser: 'Chrome 131',
      CountryIso: 'GB',
    });
    b.personal.add(ip);
    for (let count = 0; count < 2; count += 1) {
      const customer = random.pick(people);
      const caseId = recordId(random, '500');
      const order = `SO-${random.digits(6)}`;
      const text =
        random.next() < 0.5
          ? `${customer.name} asked where order ${order} is; tracking link sent.`
          : `Return requested for ${order}. Customer reachable at ${customer.email}.`;
      const at = b.ms(day, random.int(9, 16));
      b.add(at, agent, {
        kind: 'dml',
        object: 'Case',
        operation: 'update',
        recordCount: 1,
        recordIds: [caseId],
        fields: [b.field('Description', 'TEXTAREA', caseId, text, customer.name, customer.email)],
        details: { trigger: 'AFTER_UPDATE', sliceSize: 1, apiType: 'ui' },
      });
      logs.add(
        'URI',
        at - 30_000,
        logLine(DEMO_ORG_ID, 'URI', at - 30_000, agent.userId, `4Ur${random.digits(8)}`, {
          URI: `/${customer.contactId.slice(0, 15)}`,
          URI_ID_DERIVED: customer.contactId,
          SESSION_KEY: `ui${day}${index}`,
          CLIENT_IP: ip,
          REFERRER_URI: '/lightning/o/Case/list',
        }),
      );
    }
  }
  if (day % 7 === 2) {
    const at = b.ms(day, 11);
    logs.add(
      'Report',
      at,
      logLine(DEMO_ORG_ID, 'Report', at, MARKETING.userId, `4Rp${random.digits(8)}`, {
        REPORT_ID: '00O5g000004NwSl',
        ROW_COUNT: random.int(300, 400),
        SESSION_KEY: `mk${day}`,
        CLIENT_IP: '192.0.2.40',
      }),
    );
  }
};

/** The day of the incidents, as the org records it. */
const incidentDay = (
  b: ScenarioBuilder,
  day: number,
  people: Customer[],
  canaryRecordIds: readonly string[],
): { phase: ScenarioPhase; massDelete: string[]; cardInCase: string } => {
  const { random } = b;
  const logs = new EventLogBook('Hourly');
  const logins: Array<Record<string, unknown>> = [];
  normalDay(b, day, people, logs, logins, 17);

  // 03:04: the integration user's credentials pull every Contact, 2,000 rows a call (query, then queryMore).
  const pullSession = `dl${random.digits(8)}`;
  for (let call = 0; call < 24; call += 1) {
    const at = b.ms(day, 3, 4 + Math.floor(call / 4), (call % 4) * 14);
    const requestId = `4Dl${String(call).padStart(3, '0')}${random.digits(6)}`;
    logs.add(
      'API',
      at,
      logLine(DEMO_ORG_ID, 'API', at, SHOP_SYNC.userId, requestId, {
        ENTITY_NAME: 'Contact',
        ROWS_PROCESSED: 2_000,
        SESSION_KEY: pullSession,
        CLIENT_IP: PULL_IP,
        CLIENT_NAME: 'DataLoaderPartnerUI/62.0.0',
        API_TYPE: 'P',
        METHOD_NAME: call === 0 ? 'query' : 'queryMore',
      }),
    );
    logs.add(
      'ApiTotalUsage',
      at,
      logLine(DEMO_ORG_ID, 'ApiTotalUsage', at, SHOP_SYNC.userId, requestId, {
        ENTITY_NAME: 'Contact',
        CLIENT_IP: PULL_IP,
        CLIENT_NAME: 'DataLoaderPartnerUI/62.0.0',
        API_FAMILY: 'SOAP',
        API_RESOURCE: call === 0 ? 'query' : 'queryMore',
        HTTP_METHOD: 'POST',
      }),
    );
  }
  b.personal.add(PULL_IP);

  // 10:12: the marketer authorises an AI lead-scoring app never seen in the org; from 10:20 the app
  // copies Contacts through the REST API under the marketer's token. The token itself is visible
  // only to a user with Customize Application; the REST API log names the app either way.
  const appAt = b.ms(day, 10, 12);
  for (let call = 0; call < 3; call += 1) {
    const at = b.ms(day, 10, 20 + call, 0);
    logs.add(
      'RestApi',
      at,
      logLine(DEMO_ORG_ID, 'RestApi', at, MARKETING.userId, `4Ai${String(call).padStart(8, '0')}`, {
        ENTITY_NAME: 'Contact',
        ROWS_PROCESSED: 500,
        SESSION_KEY: `ai${day}`,
        CLIENT_IP: '198.51.100.120',
        USER_AGENT: 'LeadGenie/1.3',
        METHOD: 'GET',
        URI: '/services/data/v62.0/query',
        STATUS_CODE: 200,
        CONNECTED_APP_ID: AI_APP.id.slice(0, 15),
      }),
    );
  }
  // 11:20: the marketer opens the canary records.
  for (const [index, id] of canaryRecordIds.entries()) {
    // Drawn from nothing random: the rest of the day is the same whatever the canaries.
    const at = b.ms(day, 11, 20 + index, 0);
    logs.add(
      'URI',
      at,
      logLine(DEMO_ORG_ID, 'URI', at, MARKETING.userId, `4Cn${String(index).padStart(8, '0')}`, {
        URI: `/${id.slice(0, 15)}`,
        URI_ID_DERIVED: id,
        SESSION_KEY: `mk${day}`,
        CLIENT_IP: '192.0.2.40',
        REFERRER_URI: '/lightning/o/Contact/list',
      }),
    );
  }

  // 16:20: a mass delete through the Bulk API, seen by the package's trigger in slices of 200.
  const deleter = { ...MARKETING, sessionId: `bulk-7505g0000${random.digits(6)}` };
  const massDelete = Array.from({ length: 11 }, (_, slice) =>
    b.add(b.ms(day, 16, 20), deleter, {
      kind: 'dml',
      object: 'Contact',
      operation: 'delete',
      recordCount: 200,
      recordIds: Array.from({ length: 200 }, () => recordId(random, '003')),
      details: { trigger: 'AFTER_DELETE', sliceSize: 200, apiType: 'bulk', slice },
    }),
  );

  // 16:41: the admin opens Contacts to all internal users; 17:05: gives the marketer Modify All Data.
  const sharingAt = b.ms(day, 16, 41);
  const assignAt = b.ms(day, 17, 5, 12);

  // 18:40: an agent types a card number into a case comment.
  const customer = random.pick(people);
  const card = cardNumber(random);
  const commentId = recordId(random, '00a');
  const cardInCase = b.add(b.ms(day, 18, 40), AGENTS[0] as Actor, {
    kind: 'dml',
    object: 'CaseComment',
    operation: 'insert',
    recordCount: 1,
    recordIds: [commentId],
    fields: [
      b.field(
        'CommentBody',
        'TEXTAREA',
        commentId,
        `${customer.name} wants to pay by phone: card ${card} exp 09/29, call back on ${customer.phone}.`,
        customer.name,
        card,
        card.replace(/ /g, ''),
        customer.phone,
      ),
    ],
    details: { trigger: 'AFTER_INSERT', sliceSize: 1, apiType: 'ui' },
  });

  const org: OrgData = {
    records: [
      { sobject: 'ConnectedApplication', records: [{ Id: AI_APP.id, Name: AI_APP.name }] },
      {
        sobject: 'OauthToken',
        records: [
          {
            UserId: MARKETING.userId,
            AppName: AI_APP.name,
            CreatedDate: orgDateTime(appAt),
            LastUsedDate: orgDateTime(appAt + 3 * 60_000),
            UseCount: 3,
            DeleteToken: 'synthetic-delete-token-marketing-ai-app',
          },
        ],
      },
      {
        sobject: 'PermissionSet',
        records: [
          {
            ...EXPORT_SET,
            Type: 'Regular',
            PermissionsModifyAllData: true,
            PermissionsViewAllData: true,
            PermissionsExportReport: true,
            PermissionsApiEnabled: true,
          },
        ],
      },
      {
        sobject: 'ObjectPermissions',
        records: [
          { ParentId: EXPORT_SET.Id, SobjectType: 'Contact', PermissionsRead: true, PermissionsViewAllRecords: true, PermissionsModifyAllRecords: true },
        ],
      },
      {
        sobject: 'PermissionSetAssignment',
        records: [{ AssigneeId: MARKETING.userId, PermissionSetId: EXPORT_SET.Id, IsActive: true, SystemModstamp: orgDateTime(assignAt) }],
      },
      {
        sobject: 'SetupAuditTrail',
        records: [
          {
            Action: 'createdsharingrule',
            Section: 'Sharing Rules',
            Display:
              'Created Contact sharing rule "Open_Contacts": Contact owned by All Internal Users shared with All Internal Users; access level: Read/Write',
            CreatedById: ADMIN.userId,
            CreatedDate: orgDateTime(sharingAt),
          },
          {
            Action: 'PermSetAssign',
            Section: 'Manage Users',
            Display: `Permission set ${EXPORT_SET.Label}: assigned to user ${MARKETING.username}`,
            CreatedById: ADMIN.userId,
            CreatedDate: orgDateTime(assignAt),
          },
        ],
      },
      { sobject: 'LoginHistory', records: logins },
    ],
    eventLogFiles: logs.files(),
    // The rule the audit trail row above records: Contacts owned by internal users, shared with all of them.
    sharingRules: [
      {
        type: 'SharingOwnerRule',
        rule: {
          fullName: 'Contact.Open_Contacts',
          label: 'Open Contacts',
          accessLevel: 'Edit',
          sharedFrom: { allInternalUsers: '' },
          sharedTo: { allInternalUsers: '' },
        },
      },
    ],
  };
  return { phase: { events: b.take(), org }, massDelete, cardInCase };
};

/**
 * The built-in synthetic scenario: a small online shop's org. {@link NORMAL_DAYS} days of ordinary
 * traffic, then a day (yesterday) on which the storefront's integration user pulls every Contact at
 * 03:00, the marketer authorises an AI app and opens canary records, Contacts are mass-deleted, the
 * admin opens Contacts to all internal users and gives the marketer Modify All Data, and an agent
 * types a card number into a case comment. Reads, logins, tokens, permissions and setup changes are
 * raw org data for the collectors; only DML comes from the package's triggers.
 */
export const buildScenario = (now: Date = new Date(), seed = 20_261_102): Scenario => {
  const random = new Random(seed);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const b = new ScenarioBuilder(random, today - (NORMAL_DAYS + 1) * DAY);
  const people = customers(random);
  const setup = setupData(b);

  const logs = new EventLogBook('Daily');
  const logins: Array<Record<string, unknown>> = [];
  for (let day = 0; day < NORMAL_DAYS; day += 1) normalDay(b, day, people, logs, logins);
  const history: ScenarioPhase = {
    events: b.take(),
    org: {
      records: [
        { sobject: 'LoginHistory', records: logins },
        {
          sobject: 'OauthToken',
          records: [
            {
              UserId: SHOP_SYNC.userId,
              AppName: SHOP_SYNC_APP.name,
              CreatedDate: orgDateTime(b.start - 90 * DAY),
              LastUsedDate: orgDateTime(b.ms(NORMAL_DAYS - 1, 20, 30)),
              UseCount: 48_211,
              DeleteToken: 'synthetic-delete-token-shopsync',
            },
          ],
        },
      ],
      eventLogFiles: logs.files(),
    },
  };
  b.personal.add(SHOP_IP);

  // The incident day draws from its own stream, so the planted ids do not depend on the canaries'.
  const incident = (canaryRecordIds: readonly string[]) => {
    const day = new ScenarioBuilder(new Random(seed + 1), b.start);
    const built = incidentDay(day, NORMAL_DAYS, people, canaryRecordIds);
    for (const value of day.personal) b.personal.add(value);
    return built;
  };
  const planted = incident([]);
  return {
    setup,
    history,
    incidentDay: (ids) => incident(ids).phase,
    personalValues: [...b.personal, THIEF.ip].filter((v) => v !== ''),
    contactIds: people.map((p) => p.contactId),
    incidents: {
      bulkPull: { userId: SHOP_SYNC.userId, object: 'Contact', rows: 48_000, hourUtc: 3 },
      massDelete: planted.massDelete,
      permission: { permissionSetName: EXPORT_SET.Label, assigneeId: MARKETING.userId, assignerId: ADMIN.userId },
      newApp: { userId: MARKETING.userId, appName: AI_APP.name, appId: AI_APP.id },
      sharingRule: { userId: ADMIN.userId, object: 'Contact' },
      canaryReader: MARKETING.userId,
      cardInCase: planted.cardInCase,
    },
  };
};
