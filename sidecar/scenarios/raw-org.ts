import type { Actor, LeakEvent } from '../src/contract/event.js';
import { toId18 } from '../src/contract/salesforce-id.js';
import { eventLogCsv, LOG_COLUMNS, logLine, orgDateTime, type EventLogFileData } from '../src/demo/org-data.js';
import { Random } from '../src/synthetic/random.js';
import type { Scenario } from './ecommerce.js';
import { ADMIN, AGENTS, APPS, ERP, FORMER_REP, MARKETING, ORG_ID, SALES_REPS, SHOP_SYNC } from './org.js';
import type { LabelledEvent } from './stream-builder.js';

/**
 * The labelled stream as the org itself records it: what the collectors read (event log files,
 * LoginHistory, OauthToken, PermissionSetAssignment, SetupAuditTrail and the records they look up),
 * and what the package's triggers send (DML). A row holds what its labelled event says and what
 * follows from it (a REST query is a successful GET of `/query`; a token used when the stream starts
 * was granted before it); any other column or field is left empty, never made up.
 *
 * What the org does not record, and is therefore missing from the collected events:
 * - OAuth scopes of a token (OauthToken has no scope field): grants and uses carry no scopes, and
 *   an app's scopes are known only from the connected app changes in the setup audit trail.
 * - Row counts of UI look-ups: a record page or list view is a URI log line, which has no row count.
 * - The object of a report run (Report and ReportExport lines name the report, not its object) and
 *   the connected app of a Bulk API 2.0 job (BulkApi2 lines have no CONNECTED_APP_ID).
 * A permission set assigned to a user who already holds it cannot happen in an org (one assignment
 * per user and set): such an event is kept out, in `omitted`.
 */
export interface RawOrg {
  /** Records as they stand before the first read, and the rows the collectors page through by their own time fields. */
  records: Array<{ sobject: string; records: Array<Record<string, unknown>> }>;
  /** Row states that change as time passes (a token used again, an app authorised): apply those due before each read. */
  changes: Array<{ at: number; sobject: string; record: Record<string, unknown> }>;
  /** Daily event log files, created early the next day as the org generates them. */
  eventLogFiles: RawLogFile[];
  /**
   * The incident of each raw row that belongs to one: a record Id (LoginHistory, SetupAuditTrail,
   * PermissionSetAssignment), an event log REQUEST_ID, or `<OauthToken Id>@<LastUsedDate>` for one
   * use of a token (a snapshot row's use is the moment its LastUsedDate moved to).
   */
  labels: Map<string, string>;
  /** What the package's triggers send: the stream's DML events, with ids as the org spells them. */
  packageEvents: LabelledEvent[];
  /** Usernames the org's admin declares integration users (their profile is not the integration licence's). */
  integrationUsers: string[];
  /** Events of the stream that an org cannot record, and why. */
  omitted: Array<{ event: LabelledEvent; why: string }>;
}

export interface RawLogFile extends EventLogFileData {
  /** The REQUEST_ID of each line, line 1 (the first after the header) first. */
  requestIds: string[];
}

type LogType = 'API' | 'RestApi' | 'BulkApi2' | 'Report' | 'ReportExport' | 'URI';
type LogValues = Record<string, string | number | undefined>;

/** The lines of one event type on one day, before they are written out as a file. */
interface LogFile {
  eventType: LogType;
  day: number;
  lines: Array<{ at: number; requestId: string; values: LogValues }>;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** An id as the org spells it: the 15-character key and its case-safe suffix (the stream's suffixes are not always it). */
export const inOrg = (id: string): string => toId18(id.slice(0, 15));

const id15 = (id: string): string => id.slice(0, 15);

/** The key of one use of a token in `labels`: its Id and its LastUsedDate (kept to the second) in ISO-8601. */
export const tokenUseKey = (tokenId: string, at: number): string => `${tokenId}@${new Date(Math.floor(at / 1_000) * 1_000).toISOString()}`;

const columnsOf = (type: string): readonly string[] => {
  const columns = LOG_COLUMNS[type];
  if (!columns) throw new TypeError(`no columns for event type ${type}`);
  return columns;
};

/** Columns per event type (EventLogFile Supported Event Types); ReportExport has a Report run's, without the row count. */
const COLUMNS: Record<LogType, readonly string[]> = {
  API: columnsOf('API'),
  RestApi: columnsOf('RestApi'),
  BulkApi2: columnsOf('BulkApi2'),
  Report: columnsOf('Report'),
  ReportExport: [...columnsOf('Report').filter((c) => c !== 'ROW_COUNT'), 'CLIENT_INFO'],
  URI: columnsOf('URI'),
};

/** Key prefixes of list views by object (`/003/o` lists contacts). */
const KEY_PREFIXES: Readonly<Record<string, string>> = { Account: '001', Contact: '003', Lead: '00Q' };

/** Setup's labels of objects whose label is not their API name. */
const OBJECT_LABELS: Readonly<Record<string, string>> = { Product2: 'Product' };

/** Sharing rule audiences as Setup names them. */
const AUDIENCE_LABELS: Readonly<Record<string, string>> = {
  AllInternalUsers: 'All Internal Users',
  AllPartnerUsers: 'All Partner Users',
  Guest: 'Guest User',
};

const ACCESS_LABELS: Readonly<Record<string, string>> = { Read: 'Read Only', Edit: 'Read/Write', All: 'Full Access' };

/** Org-wide default access levels as Setup names them. */
const DEFAULT_LABELS: Readonly<Record<string, string>> = {
  PublicReadOnly: 'Public Read Only',
  PublicReadWrite: 'Public Read/Write',
};

/** OAuth scopes as the connected app page lists them: a label, the names in parentheses. */
const SCOPE_LABELS: Readonly<Record<string, string>> = {
  api: 'Manage user data via APIs (api)',
  refresh_token: 'Perform requests at any time (refresh_token, offline_access)',
  full: 'Full access (full)',
};

/** What a routine setup change's Display says: the stream names the action only, so the sentence holds no more. */
const SETUP_DISPLAYS: Readonly<Record<string, string>> = {
  changedFieldLength: 'Changed field length',
  createdCustomField: 'Created custom field',
  changedValidationRule: 'Changed validation rule',
  changedPicklistValues: 'Changed picklist values',
};

const PEOPLE: readonly Actor[] = [SHOP_SYNC, ERP, MARKETING, ADMIN, ...AGENTS.map((a) => a.actor), ...SALES_REPS, FORMER_REP];

type App = (typeof APPS)[keyof typeof APPS];

interface ObjectAccess {
  object: string;
  viewAll: boolean;
  modifyAll: boolean;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/**
 * Renders the stream's events as raw org rows. Rows the sources page through by time (logins,
 * audit trail, assignments, log files) are all given at once: a read sees only those older than
 * its settle time. OauthToken is read as it stands, so its rows come as changes over time.
 */
export function renderRawOrg(scenario: Scenario): RawOrg {
  const org = new RawOrgBuilder(new Random(scenario.seed), Date.parse(scenario.start));
  for (const e of scenario.events) org.render(e);
  return org.build();
}

class RawOrgBuilder {
  private readonly rows = new Map<string, Array<Record<string, unknown>>>();
  private readonly changes: RawOrg['changes'] = [];
  private readonly labels = new Map<string, string>();
  private readonly logs = new Map<string, LogFile>();
  private readonly packageEvents: LabelledEvent[] = [];
  private readonly omitted: RawOrg['omitted'] = [];
  private readonly counters = new Map<string, number>();
  private readonly permissionSets = new Map<string, { id: string; label: string }>();
  private readonly assignments = new Set<string>();
  private readonly tokens = new Map<string, { id: string; uses: number }>();
  private readonly appsSeen = new Set<string>();

  /** When the grants made before the stream were made: the org had its integrations before the stream starts. */
  private readonly grantedBefore: number;

  constructor(
    private readonly rng: Random,
    startMs: number,
  ) {
    this.grantedBefore = startMs - 90 * DAY_MS;
    const profiles = new Map<string, string>();
    for (const person of PEOPLE) {
      const profile = person.profile ?? 'Standard User';
      if (!profiles.has(profile)) profiles.set(profile, this.newId('00e'));
    }
    this.put('Profile', ...[...profiles].map(([name, id]) => ({ Id: id, Name: name })));
    this.put(
      'User',
      ...PEOPLE.map((person) => ({
        Id: inOrg(person.userId),
        Username: person.username,
        LastName: (person.username ?? person.userId).split('@')[0],
        ProfileId: profiles.get(person.profile ?? 'Standard User'),
        IsActive: true,
        UserType: 'Standard',
      })),
    );
    // Apps installed before the stream starts; others appear when a user first authorises them.
    for (const app of [APPS.shopSync, APPS.erp, APPS.marketingCloud, APPS.zapier]) this.app(app, this.grantedBefore);
  }

  render(e: LabelledEvent): void {
    const event = e.input.event;
    const at = Date.parse(event.occurredAt);
    switch (event.kind) {
      case 'dml':
        this.packageEvents.push(inOrgIds(e));
        return;
      case 'login':
        return this.login(event, at, e.incident);
      case 'export':
        return this.read(event, at, e.incident);
      case 'oauth':
        return text(event.details?.['change']) === 'new-scopes' ? this.scopeChange(event, at, e.incident) : this.tokenUse(event, at, e.incident);
      case 'permission':
        return this.assignment(e, at);
      case 'sharing':
        return this.sharingRule(event, at, e.incident);
      case 'setup':
        return text(event.details?.['action']) === 'changedOrgWideDefault'
          ? this.orgWideDefault(event, at, e.incident)
          : this.setupChange(event, at, e.incident);
    }
  }

  build(): RawOrg {
    return {
      // In the order first written: users before the rows that name them, permission sets before their assignments.
      records: [...this.rows].map(([sobject, records]) => ({ sobject, records })),
      changes: [...this.changes].sort((a, b) => a.at - b.at),
      eventLogFiles: this.files(),
      labels: this.labels,
      packageEvents: this.packageEvents,
      integrationUsers: PEOPLE.filter((p) => p.isIntegration).map((p) => p.username ?? p.userId),
      omitted: this.omitted,
    };
  }

  /** LoginHistory: who, when, how, and whether it worked; client, address and country are not in the stream. */
  private login(event: LeakEvent, at: number, incident: string | null): void {
    this.put(
      'LoginHistory',
      this.labelled(incident, {
        Id: this.newId('0Ya'),
        UserId: inOrg(event.actor.userId),
        LoginTime: orgDateTime(at),
        LoginType: text(event.details?.['loginType']),
        Status: text(event.details?.['status']),
      }),
    );
  }

  /**
   * Reads as event log lines: API calls through a connected app as RestApi lines (which name the
   * app), other API calls as SOAP API lines, Bulk API results as BulkApi2 lines of their job,
   * reports as Report runs (an export also logs its ReportExport), and UI look-ups as URI lines:
   * one per record opened, or one for the list view when no record is named.
   */
  private read(event: LeakEvent, at: number, incident: string | null): void {
    const { actor } = event;
    const source = text(event.details?.['source']);
    const apiType = text(event.details?.['apiType']);
    const object = event.object;
    if (source === 'ReportEventStream') {
      const reportId = text(event.details?.['reportId']);
      const report = { REPORT_ID: reportId ? id15(reportId) : undefined, SESSION_KEY: actor.sessionId };
      this.log('Report', at, actor.userId, { ...report, ROW_COUNT: event.recordCount }, incident);
      if (event.operation === 'export') this.log('ReportExport', at, actor.userId, report, incident);
      return;
    }
    if (source !== 'ApiEventStream') throw new TypeError(`no raw rendering for exports from ${source}`);
    if (apiType === 'bulk') {
      const bulk = { ENTITY_TYPE: object, RECORDS_PROCESSED: event.recordCount, JOB_ID: jobIdOf(actor.sessionId) };
      this.log('BulkApi2', at, actor.userId, { ...bulk, OPERATION_TYPE: 'query', JOB_STATUS: 'JobComplete' }, incident);
    } else if (apiType === 'api' && actor.connectedAppId) {
      const call = { ENTITY_NAME: object, ROWS_PROCESSED: event.recordCount, SESSION_KEY: actor.sessionId };
      const rest = { METHOD: 'GET', URI: '/services/data/v62.0/query', STATUS_CODE: 200 };
      this.log('RestApi', at, actor.userId, { ...call, ...rest, CONNECTED_APP_ID: id15(actor.connectedAppId) }, incident);
    } else if (apiType === 'api') {
      const call = { ENTITY_NAME: object, ROWS_PROCESSED: event.recordCount, SESSION_KEY: actor.sessionId };
      this.log('API', at, actor.userId, { ...call, METHOD_NAME: 'query' }, incident);
    } else if (apiType === 'ui') {
      const ids = (event.recordIds ?? []).map(inOrg);
      const prefix = object ? KEY_PREFIXES[object] : undefined;
      if (ids.length === 0 && !prefix) throw new TypeError(`no list view for ${object}`);
      const views = ids.length > 0 ? ids.map((id) => ({ URI: `/${id15(id)}`, URI_ID_DERIVED: id })) : [{ URI: `/${prefix}/o` }];
      for (const view of views) this.log('URI', at, actor.userId, { ...view, SESSION_KEY: actor.sessionId }, incident);
    } else {
      throw new TypeError(`no raw rendering for ${apiType} reads`);
    }
  }

  /**
   * A token used: its OauthToken row appears at its first use (a grant made before the stream was
   * made 90 days earlier) and its LastUsedDate and UseCount move with every later use.
   */
  private tokenUse(event: LeakEvent, at: number, incident: string | null): void {
    const app = appNamed(text(event.details?.['appName']));
    const change = text(event.details?.['change']);
    this.app(app, at);
    const userId = inOrg(event.actor.userId);
    const key = `${userId}|${app.name}`;
    let token = this.tokens.get(key);
    if (!token) {
      token = { id: this.newId('0CQ'), uses: 0 };
      this.tokens.set(key, token);
    }
    token.uses += 1;
    const state = { Id: token.id, LastUsedDate: orgDateTime(at), UseCount: token.uses };
    const created = orgDateTime(change === 'new-app' ? at : this.grantedBefore);
    const record = token.uses === 1 ? { ...state, AppName: app.name, UserId: userId, CreatedDate: created } : state;
    this.changes.push({ at, sobject: 'OauthToken', record });
    if (incident) this.labels.set(tokenUseKey(token.id, at), incident);
  }

  /** New scopes for a connected app: an audit trail row listing its scopes before and after. */
  private scopeChange(event: LeakEvent, at: number, incident: string | null): void {
    const app = appNamed(text(event.details?.['appName']));
    const after = (event.details?.['scopes'] as string[] | undefined) ?? [];
    const list = (scopes: readonly string[]) => scopes.map((s) => SCOPE_LABELS[s] ?? s).join(', ');
    this.audit(event.actor, at, incident, {
      Action: 'changeOauthDefaultScope',
      Section: 'Connected Apps',
      Display: `Changed OAuth scopes for connected app ${app.name} from ${list(app.scopes)} to ${list(after)}`,
    });
  }

  /**
   * A permission set assigned: the set (its critical permissions, View All / Modify All on objects),
   * the assignment, and the audit trail row of the assigner that logged it.
   */
  private assignment(e: LabelledEvent, at: number): void {
    const { details } = e.input.event;
    const name = text(details?.['permissionSetName']);
    const assignee = text(details?.['assigneeId']);
    const assigner = text(details?.['assignedById']);
    if (!name || !assignee || !assigner) throw new TypeError('an assignment names its set, assignee and assigner');
    const set = this.permissionSet(name, details ?? {});
    const key = `${inOrg(assignee)}|${set.id}`;
    if (this.assignments.has(key)) {
      const holder = text(details?.['assigneeUsername']) ?? assignee;
      this.omitted.push({ event: e, why: `${holder} already holds ${name}: an org keeps one assignment per user and set` });
      return;
    }
    this.assignments.add(key);
    const assignmentId = text(details?.['assignmentId']);
    this.put(
      'PermissionSetAssignment',
      this.labelled(e.incident, {
        Id: assignmentId ? inOrg(assignmentId) : this.newId('0Pa'),
        AssigneeId: inOrg(assignee),
        PermissionSetId: set.id,
        IsActive: true,
        SystemModstamp: orgDateTime(at),
      }),
    );
    this.audit({ userId: assigner }, at, e.incident, {
      Action: 'PermSetAssign',
      Section: 'Manage Users',
      Display: `Permission set ${set.label}: assigned to user ${text(details?.['assigneeUsername']) ?? inOrg(assignee)}`,
    });
  }

  private permissionSet(name: string, details: Record<string, unknown>): { id: string; label: string } {
    const known = this.permissionSets.get(name);
    if (known) return known;
    const set = { id: this.newId('0PS'), label: name.replace(/_/g, ' ') };
    this.permissionSets.set(name, set);
    const critical = (details['criticalPermissions'] as string[] | undefined) ?? [];
    this.put('PermissionSet', {
      Id: set.id,
      Name: name,
      Label: set.label,
      Type: 'Regular',
      ...Object.fromEntries(critical.map((p) => [`Permissions${p}`, true])),
    });
    const objects = (details['objectPermissions'] as ObjectAccess[] | undefined) ?? [];
    this.put(
      'ObjectPermissions',
      ...objects.map((p) => ({
        Id: this.newId('110'),
        ParentId: set.id,
        SobjectType: p.object,
        PermissionsRead: true,
        PermissionsViewAllRecords: p.viewAll,
        PermissionsModifyAllRecords: p.modifyAll,
      })),
    );
    return set;
  }

  /**
   * A sharing rule: who it shares which object with, at which access. The stream names no rule, so
   * the rule's name is made of its object and audience.
   */
  private sharingRule(event: LeakEvent, at: number, incident: string | null): void {
    const action = text(event.details?.['action']) ?? 'createdCriteriaSharingRule';
    const object = event.object ?? '';
    const sharedWith = text(event.details?.['sharedWith']) ?? '';
    const [targetType, targetName] = sharedWith.split(':');
    const audience = targetName ? `${targetType}: ${targetName.replace(/_/g, ' ')}` : (AUDIENCE_LABELS[sharedWith] ?? sharedWith);
    const access = ACCESS_LABELS[text(event.details?.['accessLevel']) ?? ''] ?? 'Read Only';
    const kind = action === 'createdGuestUserSharingRule' ? 'guest user' : 'criteria-based';
    const rule = `${object}_${(targetName ?? sharedWith).replace(/[^A-Za-z0-9]/g, '_')}`;
    const label = OBJECT_LABELS[object] ?? object;
    this.audit(event.actor, at, incident, {
      Action: action,
      Section: 'Sharing Rules',
      Display: `Created ${kind} sharing rule ${rule} for ${label}: shared with ${audience}, access ${access}`,
    });
  }

  /**
   * An org-wide default changed, under the Section Setup logs it in. The stream gives only the new
   * default; the old one is written as Private: the incident is an org opening records it kept private.
   */
  private orgWideDefault(event: LeakEvent, at: number, incident: string | null): void {
    const object = event.object ?? '';
    const to = DEFAULT_LABELS[text(event.details?.['orgWideDefault']) ?? ''];
    if (!to) throw new TypeError('an org-wide default change names the new default');
    this.audit(event.actor, at, incident, {
      Action: text(event.details?.['action']),
      Section: 'Sharing Defaults',
      Display: `${OBJECT_LABELS[object] ?? object}: Private -> ${to}`,
    });
  }

  private setupChange(event: LeakEvent, at: number, incident: string | null): void {
    const action = text(event.details?.['action']) ?? '';
    const section = text(event.details?.['section']);
    this.audit(event.actor, at, incident, { Action: action, Section: section, Display: SETUP_DISPLAYS[action] ?? action });
  }

  private audit(actor: Pick<Actor, 'userId'>, at: number, incident: string | null, row: Record<string, unknown>): void {
    const by = { CreatedById: inOrg(actor.userId), CreatedDate: orgDateTime(at) };
    this.put('SetupAuditTrail', this.labelled(incident, { Id: this.newId('0Ym'), ...row, ...by }));
  }

  /** A connected app in the org from `at` on (the first time it is named). */
  private app(app: App, at: number): void {
    if (this.appsSeen.has(app.name)) return;
    this.appsSeen.add(app.name);
    this.changes.push({ at, sobject: 'ConnectedApplication', record: { Id: inOrg(app.id), Name: app.name } });
  }

  private log(eventType: LogType, at: number, userId: string, values: LogValues, incident: string | null): void {
    const day = Math.floor(at / DAY_MS) * DAY_MS;
    const key = `${eventType}|${day}`;
    const file = this.logs.get(key) ?? { eventType, day, lines: [] };
    this.logs.set(key, file);
    const requestId = this.requestId();
    const line = logLine(ORG_ID, eventType, at, inOrg(userId), requestId, values);
    file.lines.push({ at, requestId, values: line });
    if (incident) this.labels.set(requestId, incident);
  }

  /** Daily files: one per event type and day, generated early the next morning. */
  private files(): RawLogFile[] {
    return [...this.logs.values()]
      .sort((a, b) => a.day - b.day || a.eventType.localeCompare(b.eventType))
      .map((file) => {
        const lines = [...file.lines].sort((a, b) => a.at - b.at);
        return {
          eventType: file.eventType,
          interval: 'Daily' as const,
          logDate: orgDateTime(file.day),
          createdDate: orgDateTime(file.day + DAY_MS + 150 * MINUTE_MS),
          csv: eventLogCsv(
            COLUMNS[file.eventType],
            lines.map((l) => l.values),
          ),
          requestIds: lines.map((l) => l.requestId),
        };
      });
  }

  private put(sobject: string, ...records: Array<Record<string, unknown>>): void {
    const rows = this.rows.get(sobject) ?? [];
    rows.push(...records);
    this.rows.set(sobject, rows);
  }

  private labelled(incident: string | null, row: Record<string, unknown> & { Id: string }): Record<string, unknown> {
    if (incident) this.labels.set(row.Id, incident);
    return row;
  }

  /** A record id of the object with this key prefix, unique in the org. */
  private newId(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return toId18(`${prefix}5g00Rw${String(n).padStart(6, '0')}`);
  }

  /** A REQUEST_ID in the form the org writes them: 22 characters of its URL-safe alphabet. */
  private requestId(): string {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    let id = '';
    for (let i = 0; i < 22; i++) id += alphabet[this.rng.below(alphabet.length)];
    return id;
  }
}

function appNamed(name: string | undefined): App {
  const app = Object.values(APPS).find((a) => a.name === name);
  if (!app) throw new TypeError(`no connected app named ${name}`);
  return app;
}

/** A Bulk API job id (`750…`) from the job key the stream's slices share. */
function jobIdOf(sessionId: string | undefined): string | undefined {
  const key = sessionId?.replace(/^bulk-/, '').replace(/^750/, '');
  return key ? `7505g${key.padStart(10, '0')}` : undefined;
}

/** A package event with every id as the org spells it (the package sends 18-character ids with their checksum). */
function inOrgIds(e: LabelledEvent): LabelledEvent {
  const { event, findings } = e.input;
  const actor = { ...event.actor, userId: inOrg(event.actor.userId) };
  if (actor.connectedAppId) actor.connectedAppId = inOrg(actor.connectedAppId);
  return {
    incident: e.incident,
    input: {
      ...e.input,
      event: {
        ...event,
        actor,
        ...(event.recordIds ? { recordIds: event.recordIds.map(inOrg) } : {}),
        ...(event.fields ? { fields: event.fields.map(withOrgRecordId) } : {}),
      },
      findings: findings.map(withOrgRecordId),
    },
  };
}

function withOrgRecordId<T extends { recordId?: string }>(item: T): T {
  return item.recordId ? { ...item, recordId: inOrg(item.recordId) } : item;
}
