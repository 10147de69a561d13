import type { Severity, Verdict } from '../contract/verdict.js';
import type { StoredEvent } from '../ingest/stored-event.js';
import { atLeast } from '../detect/severity.js';
import { SIDECAR_ACTOR_ID } from '../contract/event.js';
import type { DraftSettings } from './draft-store.js';
import { isDrillEvent } from '../drill/mark.js';

/** When verdicts become incidents. */
export interface IncidentSettings {
  /** A verdict at this severity or above opens or joins an incident; default `High`. */
  minSeverity: Exclude<Severity, 'Info'>;
  /** A verdict joins an incident whose verdicts came within this span of it; default 24 hours. */
  windowMs: number;
  /**
   * When the controller counts as aware, and the clocks start (`LEAKWATCH_AWARENESS`): at detection
   * (default), or when a DPO confirms the breach in the org (`Incident__c.ConfirmedAt__c`).
   */
  awareness?: 'detection' | 'confirmation';
  /** Drafts of the GDPR and NIS2 reports stored with each revision; absent: drafts are only written on request. */
  drafts?: DraftSettings;
}

export const DEFAULT_INCIDENT_SETTINGS: IncidentSettings = { minSeverity: 'High', windowMs: 24 * 3_600_000 };

/** Reasons that make any verdict an incident, whatever its severity: a canary is never touched innocently. */
const ALWAYS = new Set(['canary_touched', 'canary_value_seen']);
/** Objects whose records are people: their record counts estimate the data subjects. */
export const PERSON_OBJECTS = new Set(['Contact', 'Lead', 'Individual', 'User', 'ContactPointEmail', 'ContactPointPhone', 'ContactPointAddress', 'Account']);
/** At most this many verdicts are kept in an incident's state (the count goes on). */
export const MAX_VERDICTS = 500;

/** One verdict as an incident keeps it: masked as the verdict is, no field value. */
export interface IncidentVerdict {
  eventId: string;
  severity: Severity;
  riskScore: number;
  codes: string[];
  occurredAt: string;
  detectedAt: string;
  /** The verdict's top reasons, as its ReasonSummary__c (users masked). */
  summary: string;
  actorId: string;
  /** The actor's username as stored (masked), else the user id. */
  actorName: string;
  /** The actor is an integration user (the event's `actor.isIntegration`): playbooks can answer only those. */
  integration?: true;
  /** An org-wide default change the verdict is about (SetupAuditTrail labels): what containment can set back. */
  sharingChange?: SharingChange;
  /** A sharing rule the verdict is about, created by the change: what containment can delete. */
  sharingRule?: SharingRuleRef;
  /** The host data went to (an egress decision or a data flow): what containment can block. */
  destinationHost?: string;
  object?: string;
  recordCount?: number;
  connectedAppId?: string;
  sessionId?: string;
  /** From a drill's synthetic event: it joins drill incidents only. */
  drill?: true;
}

/** An object's org-wide default changed from one Setup label to another (`Private` → `Public Read/Write`). */
export interface SharingChange {
  object: string;
  scope: 'internal' | 'external';
  from: string;
  to: string;
}

/** The org-wide default change an event reports (the SetupAuditTrail collector's details), if any. */
function sharingChangeOf(event: StoredEvent['event']): SharingChange | undefined {
  const d = event.details ?? {};
  const scope = d.change === 'org_wide_default' ? 'internal' : d.change === 'external_org_wide_default' ? 'external' : undefined;
  const object = typeof d.object === 'string' ? d.object : event.object;
  if (!scope || !object || typeof d.from !== 'string' || typeof d.to !== 'string') return undefined;
  return { object, scope, from: d.from, to: d.to };
}

/** A sharing rule an admin created, by its Metadata API name (`Contact` and `All_Contacts`). */
export interface SharingRuleRef {
  object: string;
  rule: string;
  /** The kind of rule when the audit trail said it; otherwise containment looks for it under each kind. */
  ruleType?: 'criteria' | 'owner' | 'guest';
}

const RULE_TYPES: ReadonlySet<string> = new Set(['criteria', 'owner', 'guest']);

/** The sharing rule a created-rule event names (the SetupAuditTrail collector's details), if any. */
function sharingRuleOf(event: StoredEvent['event']): SharingRuleRef | undefined {
  const d = event.details ?? {};
  const object = typeof d.object === 'string' ? d.object : event.object;
  if (d.change !== 'sharing_rule_created' || !object || typeof d.rule !== 'string') return undefined;
  return {
    object,
    rule: d.rule,
    ...(typeof d.ruleType === 'string' && RULE_TYPES.has(d.ruleType) ? { ruleType: d.ruleType as SharingRuleRef['ruleType'] } : {}),
  };
}

/** The host an egress decision (`details.egress.host`) or a data flow (`details.destinationHost`) names. */
function destinationHostOf(event: StoredEvent['event']): string | undefined {
  const d = event.details ?? {};
  const egress = d.egress as { host?: unknown } | undefined;
  const host = typeof egress?.host === 'string' ? egress.host : typeof d.destinationHost === 'string' ? d.destinationHost : undefined;
  return host && host.length <= 253 ? host : undefined;
}

/** An incident as the sidecar knows it (`incident.state`). */
export interface IncidentState {
  key: string;
  orgId: string;
  revision: number;
  /** When the first verdict was detected: awareness by detection. */
  openedAt: string;
  /** The newest `occurredAt` among its verdicts: the window runs from here. */
  lastVerdictAt: string;
  firstEventAt: string;
  severity: Exclude<Severity, 'Info'>;
  canary: boolean;
  title: string;
  actors: string[];
  actorNames: string[];
  apps: string[];
  sessions: string[];
  objects: string[];
  dataCategories: string[];
  /** Records in the events that raised its verdicts (a floor: slices that raised none are not counted). */
  estimatedRecords: number;
  /** The same, for objects whose records are people. */
  estimatedSubjects: number;
  verdictCount: number;
  verdicts: IncidentVerdict[];
  /**
   * When the controller became aware, the clocks' start: `openedAt` (detection) unless a DPO's
   * confirmation read back from the org replaced it (`LEAKWATCH_AWARENESS=confirmation`).
   */
  awarenessAt?: string;
  /** What `awarenessAt` is: the sidecar's detection, or a DPO's confirmation in the org. */
  awarenessBasis?: 'detection' | 'confirmation';
  /** A synthetic breach run by `leakwatch drill`: canary data only, never joined with real verdicts. */
  drill?: boolean;
  /** What people recorded in the org (`Incident__c`), read back: milestones with who and when, and the status. */
  org?: OrgIncidentFacts;
  /** Set when an administrator merged this incident into another: the survivor's key. */
  mergedInto?: string;
}

/** The milestones a DPO records in the incident console (`IncidentController.recordMilestone`). */
export const MILESTONES = ['confirm', 'earlyWarning', 'notifyAuthority', 'nis2Notification', 'finalReport', 'contain', 'close'] as const;
export type Milestone = (typeof MILESTONES)[number];

/** An incident's facts as the org holds them: the sidecar never writes these, it reads them back. */
export interface OrgIncidentFacts {
  status?: string;
  /** Each milestone's first recording: when, and the Salesforce user id of who recorded it. */
  milestones: Partial<Record<Milestone, { at: string; userId?: string }>>;
}

export interface CorrelationInput {
  orgId: string;
  stored: StoredEvent;
  verdict: Verdict;
  detectedAt: Date;
}

/** Whether a verdict is an incident's business: severity at or above the setting, or a canary. */
export function qualifies(verdict: Verdict, settings: IncidentSettings): boolean {
  return atLeast(verdict.severity, settings.minSeverity) || verdict.reasons.some((r) => ALWAYS.has(r.code));
}

/**
 * The personal-data categories an event and its verdict name: the findings' entity types, the
 * query's selected fields (`details.query.piiTypes`) and a report's personal-data columns.
 */
function dataCategoriesOf(input: CorrelationInput): string[] {
  const out = new Set<string>(input.verdict.piiTypes);
  const details = input.stored.event.details ?? {};
  const query = details['query'];
  if (query && typeof query === 'object' && Array.isArray((query as Record<string, unknown>)['piiTypes']))
    for (const t of (query as { piiTypes: unknown[] }).piiTypes) if (typeof t === 'string' && /^[A-Z_]{2,40}$/.test(t)) out.add(t);
  const columns = details['piiColumns'];
  if (Array.isArray(columns))
    for (const c of columns) {
      const m = typeof c === 'string' ? /\(([A-Z_]{2,40})\)$/.exec(c) : null;
      if (m) out.add(m[1] as string);
    }
  return [...out].sort();
}

const maxSeverity = (a: Severity, b: Severity): Exclude<Severity, 'Info'> => {
  const top = atLeast(a, b) ? a : b;
  return top === 'Info' ? 'Low' : top;
};

const union = (a: readonly string[], b: readonly (string | undefined)[]): string[] => [...new Set([...a, ...b.filter((x): x is string => !!x)])].sort();

function verdictOf(input: CorrelationInput): IncidentVerdict {
  const { event } = input.stored;
  const reasons = [...input.verdict.reasons].sort((a, b) => b.weight - a.weight);
  return {
    eventId: event.id,
    severity: input.verdict.severity,
    riskScore: input.verdict.riskScore,
    codes: reasons.map((r) => r.code),
    occurredAt: new Date(event.occurredAt).toISOString(),
    detectedAt: input.detectedAt.toISOString(),
    summary: reasons
      .slice(0, 3)
      .map((r) => r.message)
      .join(' ')
      .slice(0, 500),
    actorId: event.actor.userId,
    actorName: event.actor.username ?? event.actor.userId,
    ...(event.actor.isIntegration === true ? { integration: true as const } : {}),
    ...(sharingChangeOf(event) ? { sharingChange: sharingChangeOf(event) } : {}),
    ...(sharingRuleOf(event) ? { sharingRule: sharingRuleOf(event) } : {}),
    ...(destinationHostOf(event) ? { destinationHost: destinationHostOf(event) } : {}),
    ...(event.object ? { object: event.object } : {}),
    ...(event.recordCount !== undefined ? { recordCount: event.recordCount } : {}),
    ...(event.actor.connectedAppId ? { connectedAppId: event.actor.connectedAppId } : {}),
    ...(event.actor.sessionId ? { sessionId: event.actor.sessionId } : {}),
    ...(isDrillEvent(event) ? { drill: true as const } : {}),
  };
}

/** A one-line title from the incident's strongest reason: no personal data beyond the masked actor. */
export function titleOf(state: Pick<IncidentState, 'canary' | 'verdicts' | 'objects' | 'actorNames' | 'severity' | 'drill'>): string {
  const top = [...state.verdicts].sort((a, b) => b.riskScore - a.riskScore)[0];
  const code = state.canary ? 'canary_touched' : (top?.codes[0] ?? 'verdicts');
  const what = TITLES[code] ?? code.replace(/_/g, ' ');
  const on = state.objects.length ? ` (${state.objects.slice(0, 3).join(', ')})` : '';
  const who = state.actorNames[0] ? ` by ${state.actorNames[0]}${state.actorNames.length > 1 ? ` and ${state.actorNames.length - 1} more` : ''}` : '';
  return `${state.drill ? 'Drill: ' : ''}${what}${on}${who}`.slice(0, 80);
}

const TITLES: Record<string, string> = {
  canary_touched: 'Canary records read',
  canary_value_seen: 'Canary values seen',
  volume_anomaly: 'Unusual volume of records read',
  mass_delete_pii: 'Mass delete of personal data',
  mass_update_pii: 'Mass update of personal data',
  critical_permission: 'Critical permissions granted',
  pii_object_modify_all: 'Modify All on personal data granted',
  pii_object_view_all: 'View All on personal data granted',
  sharing_opened_pii: 'Personal data opened by sharing',
  new_connected_app: 'New connected app reading data',
  integration_new_client: 'Integration credentials used elsewhere',
  integration_new_app: 'Integration user acting through a new app',
  integration_interactive: 'Integration user in the user interface',
  salesforce_threat_detected: 'Threat detected by Salesforce',
  paged_enumeration: 'Records enumerated page by page',
  unbounded_pii_query: 'Unbounded query of personal data',
  report_export_pii: 'Report with personal data exported',
  dormant_token_woke: 'Dormant token used again',
  pii_in_free_text: 'Personal data in free text',
  realtime_coverage_gap: 'Monitoring gap',
  new_data_flow: 'New data flow to an unlisted destination',
  pii_to_ai_outside_region: 'Personal data sent to AI outside region',
};

/** Whether a verdict belongs to an incident: close enough in time and sharing an actor, an app or a session. */
function related(state: IncidentState, v: IncidentVerdict, windowMs: number): boolean {
  const at = Date.parse(v.occurredAt);
  const last = Date.parse(state.lastVerdictAt);
  const first = Date.parse(state.firstEventAt);
  if (at > last + windowMs || at < first - windowMs) return false;
  if (!!state.drill !== !!v.drill) return false;
  return (
    (v.actorId !== SIDECAR_ACTOR_ID && state.actors.includes(v.actorId)) ||
    (v.connectedAppId !== undefined && state.apps.includes(v.connectedAppId)) ||
    (v.sessionId !== undefined && state.sessions.includes(v.sessionId))
  );
}

function add(state: IncidentState, v: IncidentVerdict, input: CorrelationInput): IncidentState {
  const records = v.recordCount ?? 0;
  const verdicts = [...state.verdicts, v].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt)).slice(-MAX_VERDICTS);
  const next: IncidentState = {
    ...state,
    lastVerdictAt: v.occurredAt > state.lastVerdictAt ? v.occurredAt : state.lastVerdictAt,
    firstEventAt: v.occurredAt < state.firstEventAt ? v.occurredAt : state.firstEventAt,
    severity: maxSeverity(state.severity, v.severity),
    canary: state.canary || v.codes.some((c) => ALWAYS.has(c)),
    actors: union(state.actors, [v.actorId === SIDECAR_ACTOR_ID ? undefined : v.actorId]),
    actorNames: union(state.actorNames, [v.actorId === SIDECAR_ACTOR_ID ? undefined : v.actorName]),
    apps: union(state.apps, [v.connectedAppId]),
    sessions: union(state.sessions, [v.sessionId]),
    objects: union(state.objects, [v.object]),
    dataCategories: union(state.dataCategories, dataCategoriesOf(input)),
    estimatedRecords: state.estimatedRecords + records,
    estimatedSubjects: state.estimatedSubjects + (v.object && PERSON_OBJECTS.has(v.object) ? records : 0),
    verdictCount: state.verdictCount + 1,
    verdicts,
  };
  return { ...next, title: titleOf(next) };
}

/** A new incident from its first verdict. */
function open(key: string, input: CorrelationInput, v: IncidentVerdict, settings: IncidentSettings): IncidentState {
  const empty: IncidentState = {
    // Under awareness by confirmation the clocks wait for the DPO: no awareness time yet.
    ...(settings.awareness === 'confirmation' ? { awarenessBasis: 'confirmation' as const } : {}),
    key,
    orgId: input.orgId,
    revision: 0,
    openedAt: v.detectedAt,
    lastVerdictAt: v.occurredAt,
    firstEventAt: v.occurredAt,
    severity: maxSeverity('Low', v.severity),
    canary: false,
    title: '',
    actors: [],
    actorNames: [],
    apps: [],
    sessions: [],
    objects: [],
    dataCategories: [],
    estimatedRecords: 0,
    estimatedSubjects: 0,
    verdictCount: 0,
    verdicts: [],
    ...(v.drill ? { drill: true } : {}),
  };
  return add(empty, v, input);
}

interface CorrelationResult {
  /** Incidents opened or changed, each once, with its revision already moved on. */
  changed: IncidentState[];
  /** Event id → the key of the incident its verdict joined. */
  membership: Map<string, string>;
}

/**
 * Puts qualifying verdicts into incidents, in the order they happened: a verdict joins the most
 * recent incident of its org that shares its actor, connected app or session within the window,
 * and opens one otherwise. Every incident changed here moves on by one revision, however many
 * verdicts joined it. `known` are the org's recent incidents; `newKey` names new ones.
 */
export function correlate(
  known: readonly IncidentState[],
  inputs: readonly CorrelationInput[],
  settings: IncidentSettings,
  newKey: () => string,
): CorrelationResult {
  const incidents = new Map(known.map((s) => [s.key, s]));
  const changed = new Set<string>();
  const membership = new Map<string, string>();
  const ordered = inputs
    .filter((i) => qualifies(i.verdict, settings))
    .map((i) => ({ input: i, v: verdictOf(i) }))
    .sort((a, b) => a.v.occurredAt.localeCompare(b.v.occurredAt));
  for (const { input, v } of ordered) {
    if (membership.has(v.eventId)) continue;
    const candidates = [...incidents.values()]
      .filter((s) => s.orgId === input.orgId && related(s, v, settings.windowMs))
      .sort((a, b) => b.lastVerdictAt.localeCompare(a.lastVerdictAt));
    const target = candidates[0];
    const next = target ? add(target, v, input) : open(newKey(), input, v, settings);
    incidents.set(next.key, next);
    changed.add(next.key);
    membership.set(v.eventId, next.key);
  }
  return {
    changed: [...changed].map((key) => {
      const s = incidents.get(key) as IncidentState;
      return { ...s, revision: s.revision + 1 };
    }),
    membership,
  };
}
