import { randomUUID } from 'node:crypto';
import type { OrgClient, OrgRecord, UpsertResult } from '../../sidecar/src/writeback/index.js';

/**
 * The dashboards' Apex controllers, answered from an org over its REST API so that the components
 * run outside Salesforce. Each method mirrors its Apex counterpart in force-app/main/dashboards/classes:
 * same parameters, same result shape, same refusals (justification required, four eyes, ...).
 */

/** A refusal the user can act on; the server returns it as an AuraHandledException body. */
export class ApexError extends Error {}

/** A malformed call: Lightning would refuse it before Apex runs. */
export class ApiParamError extends Error {}

/** Who the preview runs as. */
export interface PreviewUser {
  id: string;
  name: string;
}

export interface ControllerContext {
  org: OrgClient;
  user: PreviewUser;
  /** Custom permissions the user holds; the preview's user holds every Leakwatch permission set, so all by default. */
  customPermissions?: ReadonlySet<string>;
  now?: () => Date;
}

type Params = Record<string, unknown>;
/** An `@AuraEnabled` method: named parameters in, the JSON Lightning would receive out. */
export type Method = (params: Params) => Promise<unknown>;

/*
 * The constants below mirror the Apex classes named in their comments; scripts/package/preview-parity.test.ts reads
 * the Apex source and fails when one of them, or a message the preview refuses with, drifts from it.
 */
/** OverviewController.TREND_DAYS and TOP_ACTORS. */
export const TREND_DAYS = 30;
export const TOP_ACTORS = 5;
/** VerdictSelector.MAX_ROWS: the verdict list, and the similar verdicts a false positive suppresses. */
export const MAX_ROWS = 200;
/** VerdictSelector.MAX_FINDINGS. */
export const MAX_FINDINGS = 500;
/** IncidentEscalationService.MAX_LISTED: verdicts named in a refused escalation. */
export const MAX_LISTED = 3;
const DAY = 86_400_000;
/** OverviewController.SEVERITIES: the overview's buckets, in the order of LeakVerdict__c.Severity__c. */
export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Info'];
/** IncidentEscalationService.SEVERITY_ORDER: incident severities, highest first; a verdict's Info counts as Low. */
export const INCIDENT_SEVERITIES = ['Critical', 'High', 'Medium', 'Low'];
/** VerdictStatuses: the verdict statuses the controllers read and set, by the Apex constant's name. */
export const VERDICT_STATUS = { UNTRIAGED: 'New', ACKNOWLEDGED: 'Acknowledged', FALSE_POSITIVE: 'FalsePositive', ESCALATED: 'Escalated' } as const;
/** VerdictStatuses.OPEN: verdicts that wait for a decision (the overview's open verdicts, those a false positive suppresses). */
export const OPEN_VERDICT_STATUSES = new Set<string>([VERDICT_STATUS.UNTRIAGED, VERDICT_STATUS.ACKNOWLEDGED]);
/** OverviewController.ALERT_SEVERITIES. */
export const ALERT_SEVERITIES = new Set(['Critical', 'High']);
/** DataMapService.SPECIAL_CATEGORIES (pinned by scripts/package/sidecar-parity.test.ts). */
export const SPECIAL_CATEGORIES = new Set(['MEDICAL']);
/** ClassificationReviewService.AWAITING_REVIEW and DECISIONS (pinned by scripts/package/sidecar-parity.test.ts). */
export const CLASSIFICATION_AWAITING_REVIEW = new Set(['Suggested', 'Failed']);
export const CLASSIFICATION_DECISIONS = new Set(['Approved', 'Dismissed']);
/** ClassificationReviewService.CURRENT: the field already has the suggestion; the data map leaves it out. */
const CLASSIFICATION_CURRENT = 'Current';
/** DataMapSelector.MAX_FLOWS and MAX_SUGGESTIONS. */
const MAX_FLOWS = 2000;
const MAX_SUGGESTIONS = 500;
/** VerdictSelector.SORTABLE_FIELDS. */
export const SORTABLE_FIELDS = new Set([
  'Name',
  'Severity__c',
  'RiskScore__c',
  'Status__c',
  'ObjectName__c',
  'RecordCount__c',
  'ActorUsername__c',
  'DetectedAt__c',
]);
/** LeakVerdict__c.Status__c's values in the picklist's order, which SOQL sorts picklists by. */
export const VERDICT_STATUS_ORDER = ['New', 'Acknowledged', 'FalsePositive', 'Escalated', 'Resolved'];
const PICKLIST_ORDER: Record<string, string[]> = {
  Severity__c: SEVERITIES,
  Status__c: VERDICT_STATUS_ORDER,
};
/** IncidentMilestoneService.MILESTONE_LABELS, MILESTONE_FIELDS and MILESTONE_STATUSES. */
export const MILESTONES: Record<string, { label: string; field?: string; status?: string }> = {
  confirm: { label: 'Breach confirmed', field: 'ConfirmedAt__c', status: 'Confirmed' },
  earlyWarning: { label: 'NIS2 early warning sent', field: 'EarlyWarningSentAt__c' },
  nis2Notification: { label: 'NIS2 incident notification sent', field: 'Nis2NotificationSentAt__c' },
  notifyAuthority: { label: 'Supervisory authority notified (GDPR Art. 33)', field: 'AuthorityNotifiedAt__c', status: 'Notified' },
  finalReport: { label: 'NIS2 final report sent', field: 'FinalReportSentAt__c' },
  contain: { label: 'Incident contained', status: 'Contained' },
  close: { label: 'Incident closed', status: 'Closed' },
};
/** IncidentMilestoneService.STATUS_ORDER: a milestone never moves an incident back. */
export const INCIDENT_STATUS_ORDER = ['Triage', 'Confirmed', 'Contained', 'Notified', 'Closed'];
/** IncidentMilestoneService.MERGED: set by the sidecar on an incident merged into another. */
export const MERGED = 'Merged';
/** IncidentMilestoneService.TRIAGE: where every incident starts. */
export const TRIAGE = 'Triage';
/** IncidentChangeService.MAX_MERGED and MAX_SPLIT: the sidecar's limits (routes/incidents.ts MergeBody, SplitBody). */
export const MAX_MERGED = 20;
export const MAX_SPLIT = 500;
/** IncidentChangeService.ONLY_LEAKWATCH. */
export const ONLY_LEAKWATCH = 'Only incidents Leakwatch opened can be merged or split.';
const INCIDENT_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Every verdict field the preview reads: VerdictSelector.detail's, but the incident's name. */
export const VERDICT_FIELDS = [
  'Id',
  'Name',
  'EventId__c',
  'Severity__c',
  'RiskScore__c',
  'Status__c',
  'OrgEventKind__c',
  'ObjectName__c',
  'Operation__c',
  'RecordCount__c',
  'ActorUserId__c',
  'ActorUsername__c',
  'ActorIsIntegration__c',
  'ConnectedAppId__c',
  'OccurredAt__c',
  'DetectedAt__c',
  'ReasonSummary__c',
  'Reasons__c',
  'PiiTypes__c',
  'ZScore__c',
  'Details__c',
  'ProcessingNotes__c',
  'FalsePositiveReason__c',
  'Incident__c',
];
/** VerdictSelector.detail: VERDICT_FIELDS and the incident's name. */
export const VERDICT_DETAIL_FIELDS = [...VERDICT_FIELDS, 'Incident__r.Name'];
/** VerdictSelector.LIST_FIELDS. */
export const LIST_FIELDS = [
  'Id',
  'Name',
  'Severity__c',
  'RiskScore__c',
  'Status__c',
  'OrgEventKind__c',
  'ObjectName__c',
  'Operation__c',
  'RecordCount__c',
  'ActorUserId__c',
  'ActorUsername__c',
  'ActorIsIntegration__c',
  'ReasonSummary__c',
  'PiiTypes__c',
  'DetectedAt__c',
  'Incident__c',
];
/** VerdictSelector.findings. */
export const FINDING_FIELDS = [
  'Id',
  'Name',
  'RecordId__c',
  'ObjectName__c',
  'FieldName__c',
  'EntityType__c',
  'Confidence__c',
  'Detector__c',
  'Occurrences__c',
  'MaskedSample__c',
];
/**
 * PermissionReviewController.ENFORCEMENT_QUEUED, RECENT_DAYS and MAX_RECENT (pinned by scripts/package/sidecar-parity.test.ts):
 * a decision that changes the assignment is saved Queued, and the sidecar carries it out.
 */
export const ENFORCEMENT_QUEUED = 'Queued';
export const RECENT_DECISION_DAYS = 30;
export const MAX_RECENT_DECISIONS = 50;
const DECISION_FIELDS = [
  'Id',
  'Name',
  'PermissionSetName__c',
  'AssignmentId__c',
  'AssigneeId__c',
  'AssigneeUsername__c',
  'Status__c',
  'DecidedBy__c',
  'DecidedAt__c',
  'AccessExpiresOn__c',
  'EnforcementStatus__c',
  'EnforcementError__c',
  'EnforcedAt__c',
  'EnforcementAttempts__c',
];
const REVIEW_FIELDS = [
  'Id',
  'Name',
  'ReviewKey__c',
  'PermissionSetName__c',
  'PermissionSetId__c',
  'AssignmentId__c',
  'AssigneeId__c',
  'AssigneeUsername__c',
  'AssignedById__c',
  'CriticalPermissions__c',
  'RiskReasons__c',
  'RiskScore__c',
  'Status__c',
  'CreatedDate',
];
const FLOW_FIELDS = [
  'Id',
  'FlowKey__c',
  'SourceService__c',
  'DestinationHost__c',
  'PolicyName__c',
  'Region__c',
  'AiService__c',
  'AllowListed__c',
  'RegionAllowed__c',
  'Objects__c',
  'Fields__c',
  'Spans30d__c',
  'SpansPerDay__c',
  'ActiveDays30d__c',
  'FirstSeen__c',
  'LastSeen__c',
];
const SUGGESTION_FIELDS = [
  'Id',
  'FieldKey__c',
  'ObjectName__c',
  'FieldName__c',
  'PiiTypes__c',
  'SuggestedSensitivity__c',
  'SuggestedCompliance__c',
  'CurrentSensitivity__c',
  'CurrentCompliance__c',
  'Reason__c',
  'Status__c',
  'ReviewedBy__r.Name',
  'ReviewedAt__c',
  'AppliedAt__c',
  'LastError__c',
];
const COLLECTOR_FIELDS = ['SourceKey__c', 'State__c', 'LastRowAt__c', 'Rows24h__c', 'LastError__c', 'CheckedAt__c'];
/** SignalCoverage.SOURCES: the sidecar's sources and what each covers (pinned by scripts/package/sidecar-parity.test.ts). */
export const COVERAGE_SOURCES: Record<string, string> = {
  EventLogFile: 'Reads and exports (event log files)',
  LoginHistory: 'Logins',
  OauthToken: 'OAuth tokens',
  PermissionSetAssignment: 'Permission set assignments',
  SetupAuditTrail: 'Setup, sharing, permission and connected app changes',
};
/** SignalCoverage.STREAMS: the real-time topics, listed once the sidecar reported them (pinned by scripts/package/sidecar-parity.test.ts). */
export const COVERAGE_STREAMS: Record<string, string> = {
  '/event/ApiEventStream': 'API queries, as they run',
  '/event/ReportEventStream': 'Report runs and exports, as they happen',
  '/event/BulkApiResultEvent': 'Bulk API result downloads, as they happen',
  '/event/ListViewEventStream': 'List views, as they are opened',
  '/event/LoginEventStream': 'Logins, as they happen',
  '/event/FileEvent': 'File downloads and previews, as they happen',
  '/event/PermissionSetEvent': 'Critical permissions assigned, as it happens',
  '/event/ApiAnomalyEvent': 'Salesforce threat detection: API anomalies',
  '/event/ReportAnomalyEvent': 'Salesforce threat detection: report anomalies',
  '/event/SessionHijackingEvent': 'Salesforce threat detection: session hijacking',
  '/event/CredentialStuffingEvent': 'Salesforce threat detection: credential stuffing',
};
/** SignalCoverage.STATE_LABELS. */
export const COVERAGE_STATE_LABELS: Record<string, string> = {
  Captured: 'Captured',
  SwitchedOff: 'Switched off',
  Collected: 'Collected',
  Unavailable: 'Not available in this org',
  Failing: 'Failing',
  Pending: 'Not read yet',
  NotCollected: 'Not collected',
  Subscribed: 'Streaming',
  Lagging: 'Catching up',
  Stale: 'Not reported for over a day',
  NotReported: 'Not reported by the sidecar',
};
/** SignalCoverage.STALE_AFTER_HOURS. */
const COVERAGE_STALE_MS = 24 * 3_600_000;
/** IncidentController.getIncidents, and IncidentKey__c: the emulated write-back updates incidents by their key. */
export const INCIDENT_FIELDS = [
  'Id',
  'Name',
  'IncidentKey__c',
  'Status__c',
  'Severity__c',
  'DetectedAt__c',
  'ConfirmedAt__c',
  'EarlyWarningSentAt__c',
  'AuthorityNotifiedAt__c',
  'Nis2NotificationSentAt__c',
  'FinalReportSentAt__c',
  'DataCategories__c',
  'EstimatedSubjects__c',
  'Summary__c',
  'Timeline__c',
  'Milestones__c',
  'Revision__c',
  'AwarenessAt__c',
  'AwarenessBasis__c',
  'GdprNotifyBy__c',
  'Nis2EarlyWarningBy__c',
  'Nis2NotificationBy__c',
  'Nis2FinalReportBy__c',
  'MergedInto__c',
  'MergedInto__r.Name',
];
/** ContainmentService.REVERSIBLE: ended sessions and revoked tokens cannot come back (pinned by scripts/package/sidecar-parity.test.ts). */
export const CONTAINMENT_REVERSIBLE = new Set(['FreezeUser', 'RestoreOrgWideDefault', 'DeleteSharingRule', 'BlockEgressDestination']);
/** ContainmentService's refusals, word for word (pinned by scripts/package/sidecar-parity.test.ts). */
export const CONTAINMENT_REFUSALS = {
  permission:
    'Only Leakwatch reviewers and admins may approve, decline or undo containment: it takes the Approve Leakwatch Containment permission of the Leakwatch Reviewer or Leakwatch Admin permission set.',
  noChoice: 'Choose whether to approve or decline the action.',
  notVisible: 'This containment action does not exist or you cannot see it.',
  target: 'Four eyes: this action targets you, so another reviewer must decide or undo it.',
  actor: 'Four eyes: you are an actor of this incident, so another reviewer must decide or undo its containment.',
  irreversible:
    'Ended sessions and revoked OAuth tokens cannot be undone: the user signs in again, and apps ask for access again. Only a freeze, a restored org-wide default or a blocked destination can be undone.',
};
/** ContainmentService's refusals that name the status: the text before and after its label. */
export const CONTAINMENT_STATUS_REFUSALS = {
  notProposed: ['Only a proposed action can be approved or declined; this one is ', '. Reload to see who decided it.'],
  notDone: ['Only a done action can be undone; this one is ', '.'],
} as const;
/** The picklist labels of ContainmentAction__c, which ContainmentController reads from the schema (pinned by the parity test). */
export const CONTAINMENT_LABELS: Record<'Action__c' | 'Mode__c' | 'Status__c', Record<string, string>> = {
  Action__c: {
    FreezeUser: 'Freeze User',
    EndSessions: 'End Sessions',
    RevokeOAuthTokens: 'Revoke OAuth Tokens',
    RestoreOrgWideDefault: 'Restore Org-Wide Default',
    DeleteSharingRule: 'Delete Sharing Rule',
    BlockEgressDestination: 'Block Egress Destination',
  },
  Mode__c: { Automatic: 'Automatic', AfterApproval: 'After Approval' },
  Status__c: {
    Proposed: 'Proposed',
    Approved: 'Approved',
    Declined: 'Declined',
    Done: 'Done',
    Failed: 'Failed',
    NotPossible: 'Not Possible',
    UndoRequested: 'Undo Requested',
    Undone: 'Undone',
  },
};
/** ContainmentSelector.MAX_ACTIONS. */
const MAX_CONTAINMENT_ACTIONS = 200;
/** ContainmentSelector.forIncident. */
const CONTAINMENT_FIELDS = [
  'Id',
  'Name',
  'ActionKey__c',
  'Incident__c',
  'Action__c',
  'TargetId__c',
  'TargetLabel__c',
  'Mode__c',
  'Status__c',
  'Playbook__c',
  'Rule__c',
  'ProposedAt__c',
  'DecidedAt__c',
  'DecidedBy__c',
  'DecidedBy__r.Name',
  'DoneAt__c',
  'TimeToContainmentSeconds__c',
  'ExpiresAt__c',
  'UndoneAt__c',
  'UndoneBy__c',
  'UndoneBy__r.Name',
  'Outcome__c',
  'Attempts__c',
  'IncidentActors__c',
];
/** IncidentController.getIncidentVerdicts, and RecordCount__c and DetectedAt__c for the emulated split. */
export const INCIDENT_VERDICT_FIELDS = [
  'Id',
  'Name',
  'Severity__c',
  'RiskScore__c',
  'ReasonSummary__c',
  'OccurredAt__c',
  'EventId__c',
  'RecordCount__c',
  'DetectedAt__c',
];

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const num = (value: unknown): number => (typeof value === 'number' ? value : 0);
const time = (value: unknown): number => (typeof value === 'string' ? Date.parse(value) : Number.NaN);

const requireId = (value: unknown, what: string): string => {
  if (typeof value !== 'string' || !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(value)) throw new ApiParamError(`${what} is not a record id`);
  return value;
};

/** The distinct, lower-cased API names of a semicolon-separated list (DataMapService.names). */
const apiNames = (value: unknown): Set<string> =>
  new Set(
    text(value)
      .split(';')
      .map((name) => name.trim().toLowerCase())
      .filter(Boolean),
  );

/** DataMapService.FlowEntry. */
const flowEntry = (flow: OrgRecord) => ({
  key: text(flow.FlowKey__c),
  sourceService: flow.SourceService__c ?? null,
  destinationHost: flow.DestinationHost__c ?? null,
  region: flow.Region__c ?? null,
  aiService: flow.AiService__c === true,
  allowListed: flow.AllowListed__c === true,
  regionAllowed: flow.RegionAllowed__c === true,
  callsPerDay: flow.SpansPerDay__c ?? null,
  calls30d: flow.Spans30d__c ?? null,
  activeDays30d: flow.ActiveDays30d__c ?? null,
  firstSeen: flow.FirstSeen__c ?? null,
  lastSeen: flow.LastSeen__c ?? null,
  policyName: flow.PolicyName__c ?? null,
});
type FlowEntry = ReturnType<typeof flowEntry>;

/**
 * DataMapService.FlowIndex: a flow belongs to `Object.Field` when its Fields__c lists it, and to every field of an
 * object its Objects__c lists when it names no field of that object; API names match without regard to case.
 */
export const flowIndex = (flows: OrgRecord[]): ((objectName: string, fieldName: string) => FlowEntry[]) => {
  const byField = new Map<string, FlowEntry[]>();
  const byObjectOnly = new Map<string, FlowEntry[]>();
  const add = (index: Map<string, FlowEntry[]>, key: string, entry: FlowEntry) => index.set(key, [...(index.get(key) ?? []), entry]);
  for (const flow of flows) {
    const entry = flowEntry(flow);
    const objectsWithFields = new Set<string>();
    for (const field of apiNames(flow.Fields__c)) {
      if (!field.includes('.')) continue;
      add(byField, field, entry);
      objectsWithFields.add(field.slice(0, field.indexOf('.')));
    }
    for (const objectName of apiNames(flow.Objects__c)) if (!objectsWithFields.has(objectName)) add(byObjectOnly, objectName, entry);
  }
  return (objectName, fieldName) => [...(byField.get(`${objectName}.${fieldName}`.toLowerCase()) ?? []), ...(byObjectOnly.get(objectName.toLowerCase()) ?? [])];
};

/** DataMapSelector.flows' order: most recently seen first, then by key. */
const byLastSeen = (a: OrgRecord, b: OrgRecord): number =>
  Number(b.LastSeen__c != null) - Number(a.LastSeen__c != null) ||
  text(b.LastSeen__c).localeCompare(text(a.LastSeen__c)) ||
  text(a.FlowKey__c).localeCompare(text(b.FlowKey__c));

/** Compares Salesforce ids in 15- or 18-character form. */
const sameId = (left: unknown, right: string): boolean => typeof left === 'string' && left !== '' && left.slice(0, 15) === right.slice(0, 15);

const compareValues = (field: string, left: unknown, right: unknown): number => {
  const order = PICKLIST_ORDER[field];
  if (order) return order.indexOf(text(left)) - order.indexOf(text(right));
  if (typeof left === 'number' && typeof right === 'number') return left - right;
  return text(left).localeCompare(text(right));
};

const coverageSignal = (key: string, name: string, mode: string, source: string, state: string) => ({
  key,
  name,
  mode,
  source,
  state,
  stateLabel: COVERAGE_STATE_LABELS[state] ?? state,
});

/** SignalCoverage.describe(): the capture triggers, then every source from what the sidecar reported in CollectorStatus__c. */
export const signalCoverage = (statuses: OrgRecord[], at: Date): Record<string, unknown>[] => {
  const collector = (key: string, name: string, status: OrgRecord | undefined): Record<string, unknown> => {
    const source = `Sidecar collector ${key}`;
    if (!status) return coverageSignal(key, name, 'Polled', source, 'NotReported');
    const stale = !(time(status.CheckedAt__c) >= at.getTime() - COVERAGE_STALE_MS) || !text(status.State__c);
    return {
      ...coverageSignal(key, name, 'Polled', source, stale ? 'Stale' : text(status.State__c)),
      lastRowAt: status.LastRowAt__c ?? null,
      rows24h: status.Rows24h__c ?? null,
      lastError: status.LastError__c ?? null,
      checkedAt: status.CheckedAt__c ?? null,
    };
  };
  const sorted = [...statuses].sort((a, b) => text(a.SourceKey__c).localeCompare(text(b.SourceKey__c)));
  const byKey = new Map(sorted.map((status) => [text(status.SourceKey__c), status]));
  return [
    // The emulated org runs with the package's default settings: the capture triggers are on.
    coverageSignal('CaptureTriggers', 'Record changes on monitored objects', 'Real-time', "The package's capture triggers", 'Captured'),
    ...Object.keys(COVERAGE_SOURCES)
      .sort()
      .map((key) => collector(key, COVERAGE_SOURCES[key] as string, byKey.get(key))),
    ...sorted
      .filter((status) => text(status.SourceKey__c) in COVERAGE_STREAMS)
      .map((status) => {
        const key = text(status.SourceKey__c);
        return { ...collector(key, COVERAGE_STREAMS[key] as string, status), mode: 'Real-time', source: `Sidecar subscription ${key}` };
      }),
    ...sorted
      .filter((status) => !(text(status.SourceKey__c) in COVERAGE_SOURCES) && !(text(status.SourceKey__c) in COVERAGE_STREAMS))
      .map((status) => collector(text(status.SourceKey__c), text(status.SourceKey__c), status)),
  ];
};

const savedOrThrow = (results: UpsertResult[]): string[] =>
  results.map((result) => {
    if (!result.success) throw new ApexError(result.message);
    return result.id;
  });

export const createControllers = (context: ControllerContext): Record<string, Record<string, Method>> => {
  const { org, user } = context;
  const customPermissions = context.customPermissions ?? new Set(['ManageCanaries', 'ManageIncidents', 'ManageDataClassification', 'ApproveContainment']);
  const now = context.now ?? (() => new Date());
  const select = <T extends OrgRecord = OrgRecord>(fields: string[], object: string, where = ''): Promise<T[]> =>
    org.query<T>(`SELECT ${fields.join(', ')} FROM ${object}${where ? ` WHERE ${where}` : ''}`);
  const byId = async (fields: string[], object: string, id: string): Promise<OrgRecord | undefined> => (await select(fields, object, `Id = '${id}'`))[0];

  const allVerdicts = () => select(VERDICT_FIELDS, 'LeakVerdict__c');

  const getOverview: Method = async () => {
    const [verdicts, findings, pendingReviews, collectorStatuses] = await Promise.all([
      allVerdicts(),
      select(['EntityType__c', 'ObjectName__c'], 'PiiFinding__c'),
      select(['Id'], 'PermissionReview__c', "Status__c = 'Pending'"),
      select(COLLECTOR_FIELDS, 'CollectorStatus__c'),
    ]);
    const count = (values: string[]) => {
      const counts = new Map<string, number>();
      for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
      return [...counts]
        .map(([label, total]) => ({ label, total }))
        .sort((a, b) => b.total - a.total)
        .slice(0, 20);
    };
    const since = now().getTime() - TREND_DAYS * DAY;
    const actors = new Map<
      string,
      { userId: string | null; username: string; integration: boolean; anomalyScore: number | null; riskScore: number; verdicts: number }
    >();
    for (const verdict of verdicts) {
      // The org resolves ActorUserId__c to the User's username; the emulated org has no User records, so the stored (masked) value stays.
      const username = text(verdict.ActorUsername__c);
      if (!username || !(time(verdict.DetectedAt__c) >= since)) continue;
      const userId = verdict.ActorUserId__c == null ? null : text(verdict.ActorUserId__c);
      const key = `${userId}|${username}|${verdict.ActorIsIntegration__c === true}`;
      const actor = actors.get(key) ?? { userId, username, integration: verdict.ActorIsIntegration__c === true, anomalyScore: null, riskScore: 0, verdicts: 0 };
      if (typeof verdict.ZScore__c === 'number') actor.anomalyScore = Math.max(actor.anomalyScore ?? Number.NEGATIVE_INFINITY, verdict.ZScore__c);
      actor.riskScore = Math.max(actor.riskScore, num(verdict.RiskScore__c));
      actor.verdicts += 1;
      actors.set(key, actor);
    }
    const ranked = [...actors.values()].sort((a, b) => (b.anomalyScore ?? Number.NEGATIVE_INFINITY) - (a.anomalyScore ?? Number.NEGATIVE_INFINITY));
    const top = (integration: boolean) =>
      ranked
        .filter((actor) => actor.integration === integration)
        .slice(0, TOP_ACTORS)
        .map(({ userId, username, anomalyScore, riskScore, verdicts: total }) => ({ userId, username, anomalyScore, riskScore, verdicts: total }));
    const today = Date.UTC(now().getUTCFullYear(), now().getUTCMonth(), now().getUTCDate());
    const trend = Array.from({ length: TREND_DAYS }, (_, index) => ({
      day: new Date(today - (TREND_DAYS - 1 - index) * DAY).toISOString().slice(0, 10),
      events: 0,
      alerts: 0,
    }));
    for (const verdict of verdicts) {
      const day = trend.find((entry) => entry.day === text(verdict.OccurredAt__c).slice(0, 10));
      if (!day) continue;
      day.events += 1;
      if (ALERT_SEVERITIES.has(text(verdict.Severity__c))) day.alerts += 1;
    }
    const lastContact =
      verdicts
        .map((verdict) => text(verdict.DetectedAt__c))
        .filter(Boolean)
        .sort()
        .at(-1) ?? null;
    return {
      openBySeverity: SEVERITIES.map((label) => ({
        label,
        total: verdicts.filter((v) => v.Severity__c === label && OPEN_VERDICT_STATUSES.has(text(v.Status__c))).length,
      })),
      findingsByType: count(findings.map((finding) => text(finding.EntityType__c))),
      findingsByObject: count(findings.map((finding) => text(finding.ObjectName__c))),
      topActors: top(false),
      topIntegrations: top(true),
      trend,
      sidecar: {
        lastContact,
        untriagedVerdicts: verdicts.filter((verdict) => verdict.Status__c === VERDICT_STATUS.UNTRIAGED).length,
        pendingReviews: pendingReviews.length,
      },
      coverage: signalCoverage(collectorStatuses, now()),
    };
  };

  const getVerdicts: Method = async ({ severity, status, searchTerm, sortBy, sortDirection }) => {
    const requested = text(sortBy).replace(/^leakwatch__/i, '');
    const field = SORTABLE_FIELDS.has(requested) ? requested : 'DetectedAt__c';
    const direction = sortDirection === 'asc' ? 1 : -1;
    const search = text(searchTerm).trim().toLowerCase();
    const rows = (await select(LIST_FIELDS, 'LeakVerdict__c')).filter(
      (verdict) =>
        (!severity || verdict.Severity__c === severity) &&
        (!status || verdict.Status__c === status) &&
        (!search || text(verdict.ActorUsername__c).toLowerCase().includes(search) || text(verdict.ObjectName__c).toLowerCase().includes(search)),
    );
    // The org resolves ActorUserId__c to the User's username; the emulated org has no User records, so the stored value stays.
    rows.sort((a, b) => {
      const nullsLast = Number(a[field] == null) - Number(b[field] == null);
      return nullsLast || direction * compareValues(field, a[field], b[field]) || text(b.Name).localeCompare(text(a.Name));
    });
    return rows.slice(0, MAX_ROWS);
  };

  const getVerdict: Method = async ({ verdictId }) => {
    const id = requireId(verdictId, 'verdictId');
    // The org resolves ActorUserId__c to the User's username; the emulated org has no User records, so the stored value stays.
    const verdict = await byId(VERDICT_DETAIL_FIELDS, 'LeakVerdict__c', id);
    if (!verdict) throw new ApexError('This verdict does not exist or you cannot see it.');
    const findings = await select(FINDING_FIELDS, 'PiiFinding__c', `LeakVerdict__c = '${id}'`);
    findings.sort((a, b) => num(b.Confidence__c) - num(a.Confidence__c) || text(a.FieldName__c).localeCompare(text(b.FieldName__c)));
    return { verdict, findings: findings.slice(0, MAX_FINDINGS) };
  };

  const updateVerdicts = async (changes: OrgRecord[]): Promise<void> => {
    if (changes.length > 0) savedOrThrow(await org.upsert('LeakVerdict__c', 'EventId__c', changes));
  };

  const idList = (value: unknown, what: string): string[] => {
    if (!Array.isArray(value)) throw new ApiParamError(`${what} must be a list of record ids`);
    return value.map((id) => requireId(id, what));
  };

  const acknowledge: Method = async ({ verdictIds }) => {
    const ids = new Set(idList(verdictIds, 'verdictIds'));
    const verdicts = (await allVerdicts()).filter((verdict) => ids.has(text(verdict.Id)) && verdict.Status__c === VERDICT_STATUS.UNTRIAGED);
    await updateVerdicts(verdicts.map((verdict) => ({ EventId__c: verdict.EventId__c, Status__c: VERDICT_STATUS.ACKNOWLEDGED })));
    return verdicts.length;
  };

  const markFalsePositive: Method = async ({ verdictId, reason }) => {
    const why = text(reason).trim();
    if (!why) throw new ApexError('Say why this verdict is a false positive.');
    const id = requireId(verdictId, 'verdictId');
    const verdicts = await allVerdicts();
    const verdict = verdicts.find((candidate) => candidate.Id === id);
    if (!verdict) throw new ApexError('This verdict does not exist or you cannot see it.');
    const similar = verdicts.filter(
      (other) =>
        other.Id !== id &&
        OPEN_VERDICT_STATUSES.has(text(other.Status__c)) &&
        ['ActorUserId__c', 'OrgEventKind__c', 'ObjectName__c', 'Operation__c'].every((field) => (other[field] ?? null) === (verdict[field] ?? null)),
    );
    await updateVerdicts([
      { EventId__c: verdict.EventId__c, Status__c: VERDICT_STATUS.FALSE_POSITIVE, FalsePositiveReason__c: why },
      ...similar.slice(0, MAX_ROWS).map((other) => ({
        EventId__c: other.EventId__c,
        Status__c: VERDICT_STATUS.FALSE_POSITIVE,
        FalsePositiveReason__c: `Suppressed as similar to ${text(verdict.Name)}: ${why}`,
      })),
    ]);
    return 1 + Math.min(similar.length, MAX_ROWS);
  };

  const escalate: Method = async ({ verdictIds, title }) => {
    const name = text(title).trim();
    if (!name) throw new ApexError('Give the incident a title.');
    const ids = new Set(idList(verdictIds, 'verdictIds'));
    const verdicts = (await allVerdicts())
      .filter((verdict) => ids.has(text(verdict.Id)))
      .sort((a, b) => text(a.DetectedAt__c).localeCompare(text(b.DetectedAt__c)));
    if (verdicts.length === 0) throw new ApexError('Select at least one verdict you can see.');
    const taken = verdicts.filter((verdict) => text(verdict.Incident__c));
    if (taken.length > 0) {
      const incidents = await select(['Id', 'Name'], 'Incident__c');
      const named = taken.map((verdict) => {
        const incident = incidents.find((candidate) => sameId(candidate.Id, text(verdict.Incident__c)));
        return `${text(verdict.Name)} already belongs to incident "${text(incident?.Name) || text(verdict.Incident__c)}"`;
      });
      const more = named.length > MAX_LISTED ? `, and ${named.length - MAX_LISTED} more verdict(s)` : '';
      throw new ApexError(
        `${named.slice(0, MAX_LISTED).join('; ')}${more}. Nothing was escalated: leave verdicts that are already in an incident out of the selection.`,
      );
    }
    const rank = Math.min(INCIDENT_SEVERITIES.length - 1, ...verdicts.map((v) => INCIDENT_SEVERITIES.indexOf(text(v.Severity__c))).filter((r) => r >= 0));
    const categories = [...new Set(verdicts.flatMap((v) => text(v.PiiTypes__c).split(';').filter(Boolean)))].sort();
    const detectedAt = text(verdicts[0]?.DetectedAt__c) || now().toISOString();
    const [incidentId] = savedOrThrow(
      await org.upsert('Incident__c', 'IncidentKey__c', [
        {
          IncidentKey__c: randomUUID(),
          Name: name.slice(0, 80),
          Status__c: TRIAGE,
          Severity__c: INCIDENT_SEVERITIES[rank],
          DetectedAt__c: detectedAt,
          DataCategories__c: categories.join(';').slice(0, 255),
          EstimatedSubjects__c: verdicts.reduce((sum, v) => sum + num(v.RecordCount__c), 0),
          Summary__c: verdicts.map((v) => `${text(v.Name)}: ${text(v.ReasonSummary__c)}`).join('\n'),
          Timeline__c: JSON.stringify([
            { at: detectedAt, what: 'Leak detected', who: 'Leakwatch' },
            { at: now().toISOString(), what: `Escalated from ${verdicts.length} verdict(s)`, who: user.name },
          ]),
        },
      ]),
    );
    await updateVerdicts(verdicts.map((verdict) => ({ EventId__c: verdict.EventId__c, Status__c: VERDICT_STATUS.ESCALATED, Incident__c: incidentId })));
    return incidentId;
  };

  const getPendingReviews: Method = async () => {
    // The org resolves AssigneeId__c to the User's username; the emulated org has no User records, so the stored value stays.
    const reviews = await select(REVIEW_FIELDS, 'PermissionReview__c', "Status__c = 'Pending'");
    return reviews.sort((a, b) => num(b.RiskScore__c) - num(a.RiskScore__c) || text(a.CreatedDate).localeCompare(text(b.CreatedDate))).slice(0, MAX_ROWS);
  };

  const pendingReview = async (reviewId: unknown, justification: unknown): Promise<OrgRecord> => {
    if (!text(justification).trim()) throw new ApexError('A justification is required for every decision.');
    const review = await byId(REVIEW_FIELDS, 'PermissionReview__c', requireId(reviewId, 'reviewId'));
    if (!review) throw new ApexError('This review does not exist or you cannot see it.');
    if (review.Status__c !== 'Pending') throw new ApexError(`This review was already decided: ${text(review.Status__c)}.`);
    if (sameId(review.AssignedById__c, user.id) || sameId(review.AssigneeId__c, user.id)) {
      throw new ApexError('Four eyes: you cannot decide on an assignment you made or received. Ask another reviewer.');
    }
    return review;
  };

  const getRecentDecisions: Method = async () => {
    const since = now().getTime() - RECENT_DECISION_DAYS * DAY;
    const decided = await select(DECISION_FIELDS, 'PermissionReview__c', "Status__c != 'Pending'");
    return decided
      .filter((review) => (time(review.DecidedAt__c) || 0) >= since)
      .sort((a, b) => (time(b.DecidedAt__c) || 0) - (time(a.DecidedAt__c) || 0))
      .slice(0, MAX_RECENT_DECISIONS);
  };

  // The decision only: the sidecar's integration user changes the PermissionSetAssignment afterwards, so a decision
  // that changes it (a Reject, an Approve with an end date) is saved Queued when the review names an assignment.
  const decide = async (review: OrgRecord, status: string, justification: unknown, expiresOn: string | null, changesAssignment: boolean): Promise<void> => {
    savedOrThrow(
      await org.upsert('PermissionReview__c', 'ReviewKey__c', [
        {
          ReviewKey__c: review.ReviewKey__c,
          Status__c: status,
          DecidedBy__c: user.id,
          DecidedAt__c: now().toISOString(),
          Justification__c: text(justification).trim(),
          AccessExpiresOn__c: expiresOn,
          ...(changesAssignment && text(review.AssignmentId__c) ? { EnforcementStatus__c: ENFORCEMENT_QUEUED } : {}),
        },
      ]),
    );
  };

  const approve: Method = async ({ reviewId, justification, expiresOn }) => {
    const review = await pendingReview(reviewId, justification);
    const until = expiresOn == null || expiresOn === '' ? null : text(expiresOn);
    if (until !== null && !/^\d{4}-\d{2}-\d{2}$/.test(until)) throw new ApiParamError('expiresOn must be a date');
    if (until !== null && until <= now().toISOString().slice(0, 10)) throw new ApexError('The access must end after today.');
    await decide(review, 'Approved', justification, until, until !== null);
    return null;
  };

  const reject: Method = async ({ reviewId, justification }) => {
    const review = await pendingReview(reviewId, justification);
    await decide(review, 'Rejected', justification, null, true);
    return null;
  };

  const getIncidents: Method = async () =>
    (await select(INCIDENT_FIELDS, 'Incident__c')).sort((a, b) => (time(b.DetectedAt__c) || 0) - (time(a.DetectedAt__c) || 0)).slice(0, 100);

  const recordMilestone: Method = async ({ incidentId, milestone }) => {
    const name = text(milestone);
    const definition = Object.hasOwn(MILESTONES, name) ? MILESTONES[name] : undefined;
    if (!definition) throw new ApexError(`Unknown milestone: ${name || 'null'}`);
    const incident = await byId(INCIDENT_FIELDS, 'Incident__c', requireId(incidentId, 'incidentId'));
    if (!incident) throw new ApexError('This incident does not exist or you cannot see it.');
    if (incident.Status__c === MERGED) {
      const survivor = incident.MergedInto__r as { Name?: unknown } | null | undefined;
      throw new ApexError(`This incident was merged into "${text(survivor?.Name) || 'null'}": record milestones there.`);
    }
    if (!incident.IncidentKey__c) throw new ApexError('This incident has no key and cannot be updated here.');
    let entries: unknown[];
    try {
      const parsed: unknown = JSON.parse(text(incident.Milestones__c) || '[]');
      if (!Array.isArray(parsed)) throw new TypeError('not a list');
      entries = parsed;
    } catch {
      throw new ApexError('The milestones recorded on this incident cannot be read, so nothing was recorded. Ask an admin to repair the Milestones field.');
    }
    const logged = entries.some((entry) => typeof entry === 'object' && entry !== null && (entry as { milestone?: unknown }).milestone === name);
    const stamped = definition.field ? incident[definition.field] != null : incident.Status__c === definition.status;
    if (logged || stamped) throw new ApexError(`Already recorded: ${definition.label}. The first record stands and is not overwritten.`);
    const at = now().toISOString();
    const change: OrgRecord = { IncidentKey__c: incident.IncidentKey__c };
    if (definition.field) change[definition.field] = at;
    if (name === 'notifyAuthority' && incident.ConfirmedAt__c == null) change.ConfirmedAt__c = at;
    if (definition.status && INCIDENT_STATUS_ORDER.indexOf(definition.status) > INCIDENT_STATUS_ORDER.indexOf(text(incident.Status__c)))
      change.Status__c = definition.status;
    change.Milestones__c = JSON.stringify([...entries, { milestone: name, at, who: user.name, userId: user.id }]);
    savedOrThrow(await org.upsert('Incident__c', 'IncidentKey__c', [change]));
    return null;
  };

  const getIncidentVerdicts: Method = async ({ incidentId }) => {
    if (incidentId == null) return [];
    const id = requireId(incidentId, 'incidentId');
    const verdicts = await select(INCIDENT_VERDICT_FIELDS, 'LeakVerdict__c', `Incident__c = '${id}'`);
    return verdicts
      .sort((a, b) => num(b.RiskScore__c) - num(a.RiskScore__c) || text(a.OccurredAt__c).localeCompare(text(b.OccurredAt__c)))
      .slice(0, MAX_SPLIT)
      .map(({ Id, Name, Severity__c, RiskScore__c, ReasonSummary__c, OccurredAt__c, EventId__c }) => ({
        Id,
        Name,
        Severity__c,
        RiskScore__c,
        ReasonSummary__c,
        OccurredAt__c,
        EventId__c,
      }));
  };

  /** IncidentChangeService.changeableKey: the sidecar knows only the incidents it opened, and a merged one is read-only. */
  const changeableKey = (incident: OrgRecord): string => {
    if (incident.Status__c === MERGED) {
      const survivor = incident.MergedInto__r as { Name?: unknown } | null | undefined;
      throw new ApexError(`Incident "${text(incident.Name)}" was already merged into "${text(survivor?.Name) || 'null'}": merge or split that one.`);
    }
    const key = text(incident.IncidentKey__c);
    if (!INCIDENT_KEY.test(key)) throw new ApexError(`${ONLY_LEAKWATCH} "${text(incident.Name)}" was escalated by hand, so the sidecar does not know it.`);
    return key.toLowerCase();
  };

  const selection = (value: unknown, what: string, max: number, whenEmpty: string, whenTooMany: string): string[] => {
    if (value == null || (Array.isArray(value) && value.length === 0)) throw new ApexError(whenEmpty);
    const ids = [...new Set(idList(value, what))];
    if (ids.length > max) throw new ApexError(whenTooMany);
    return ids;
  };

  const appended = (timeline: unknown, what: string): string =>
    JSON.stringify([...(JSON.parse(text(timeline) || '[]') as unknown[]), { at: now().toISOString(), what, who: user.name }]);

  /**
   * IncidentController.mergeIncidents. The sidecar's merge (`sidecar/src/incidents/merge-split.ts`) and its write-back
   * are emulated here: the others become Merged with MergedInto__c on the survivor, their verdicts move to it, and the
   * survivor gets a revision. The refusals are the sidecar's (not into itself, not twice) as Apex passes them on.
   */
  const mergeIncidents: Method = async ({ survivorId, otherIds }) => {
    const survivorRecordId = requireId(survivorId, 'survivorId');
    const others = selection(
      otherIds,
      'otherIds',
      MAX_MERGED,
      'Select the incidents to merge into this one.',
      `Merge at most ${MAX_MERGED} incidents at a time.`,
    );
    if (others.some((id) => sameId(id, survivorRecordId))) throw new ApexError('An incident cannot be merged into itself.');
    const incidents = await select(INCIDENT_FIELDS, 'Incident__c');
    const find = (id: string) => incidents.find((incident) => sameId(incident.Id, id));
    const survivor = find(survivorRecordId);
    if (!survivor) throw new ApexError('This incident does not exist or you cannot see it.');
    const merged = others.map(find);
    if (merged.some((incident) => !incident))
      throw new ApexError('An incident selected does not exist or you cannot see it. Reload the console and select again.');
    const mergedIncidents = merged as OrgRecord[];
    mergedIncidents.forEach(changeableKey);
    const survivorKey = changeableKey(survivor);
    const mergedIds = mergedIncidents.map((incident) => text(incident.Id));
    const verdicts = (await select(['EventId__c', 'Incident__c'], 'LeakVerdict__c')).filter((verdict) =>
      mergedIds.some((id) => sameId(verdict.Incident__c, id)),
    );
    await updateVerdicts(verdicts.map((verdict) => ({ EventId__c: verdict.EventId__c, Incident__c: survivor.Id })));
    savedOrThrow(
      await org.upsert('Incident__c', 'IncidentKey__c', [
        ...mergedIncidents.map((incident) => ({
          IncidentKey__c: incident.IncidentKey__c,
          Status__c: MERGED,
          MergedInto__c: survivor.Id,
          Revision__c: num(incident.Revision__c) + 1,
        })),
        {
          IncidentKey__c: survivorKey,
          Revision__c: num(survivor.Revision__c) + 1,
          EstimatedSubjects__c: [survivor, ...mergedIncidents].reduce((sum, incident) => sum + num(incident.EstimatedSubjects__c), 0),
          DataCategories__c: [...new Set([survivor, ...mergedIncidents].flatMap((incident) => text(incident.DataCategories__c).split(';').filter(Boolean)))]
            .sort()
            .join(';')
            .slice(0, 255),
          Timeline__c: appended(survivor.Timeline__c, `Merged in: ${mergedIncidents.map((incident) => text(incident.Name)).join(', ')}`),
        },
      ]),
    );
    return null;
  };

  /**
   * IncidentController.splitIncident. The sidecar's split and its write-back, emulated: the verdicts move to a new
   * incident that keeps the original's awareness and deadlines (a split restarts no clock), and both get a revision.
   */
  const splitIncident: Method = async ({ incidentId, verdictIds }) => {
    const id = requireId(incidentId, 'incidentId');
    const ids = selection(
      verdictIds,
      'verdictIds',
      MAX_SPLIT,
      'Select the verdicts to split out of this incident.',
      `Split at most ${MAX_SPLIT} verdicts at a time.`,
    );
    const incident = await byId(INCIDENT_FIELDS, 'Incident__c', id);
    if (!incident) throw new ApexError('This incident does not exist or you cannot see it.');
    changeableKey(incident);
    const verdicts = await select(INCIDENT_VERDICT_FIELDS, 'LeakVerdict__c', `Incident__c = '${id}'`);
    const moving = verdicts.filter((verdict) => ids.some((verdictId) => sameId(verdict.Id, verdictId)));
    if (moving.length !== ids.length)
      throw new ApexError('A verdict selected is not in this incident, or you cannot see it. Reload the incident and select again.');
    if (moving.length >= verdicts.length) throw new ApexError('A split must leave at least one verdict in the incident.');
    moving.sort((a, b) => text(a.DetectedAt__c).localeCompare(text(b.DetectedAt__c)));
    const key = randomUUID();
    const title = `Split from ${text(incident.Name)}`.slice(0, 80);
    const rank = Math.min(INCIDENT_SEVERITIES.length - 1, ...moving.map((v) => INCIDENT_SEVERITIES.indexOf(text(v.Severity__c))).filter((r) => r >= 0));
    const movedSubjects = moving.reduce((sum, verdict) => sum + num(verdict.RecordCount__c), 0);
    const clocks = Object.fromEntries(
      [
        'AwarenessAt__c',
        'AwarenessBasis__c',
        'GdprNotifyBy__c',
        'Nis2EarlyWarningBy__c',
        'Nis2NotificationBy__c',
        'Nis2FinalReportBy__c',
        'DataCategories__c',
      ].map((field) => [field, incident[field] ?? null]),
    );
    const [splitId] = savedOrThrow(
      await org.upsert('Incident__c', 'IncidentKey__c', [
        {
          IncidentKey__c: key,
          Name: title,
          Status__c: TRIAGE,
          Severity__c: INCIDENT_SEVERITIES[rank],
          DetectedAt__c: text(moving[0]?.DetectedAt__c) || now().toISOString(),
          EstimatedSubjects__c: movedSubjects,
          Summary__c: moving.map((v) => `${text(v.Name)}: ${text(v.ReasonSummary__c)}`).join('\n'),
          Timeline__c: appended('[]', `Split out of "${text(incident.Name)}"`),
          Revision__c: 1,
          ...clocks,
        },
        {
          IncidentKey__c: incident.IncidentKey__c,
          Revision__c: num(incident.Revision__c) + 1,
          EstimatedSubjects__c: Math.max(0, num(incident.EstimatedSubjects__c) - movedSubjects),
          Timeline__c: appended(incident.Timeline__c, `${moving.length} verdict(s) split out into "${title}"`),
        },
      ]),
    );
    await updateVerdicts(moving.map((verdict) => ({ EventId__c: verdict.EventId__c, Incident__c: splitId })));
    return { key, title, revision: 1 };
  };

  /** DataMapController.getDataMap: the fields with findings, each with the flows that carry it. */
  const getDataMap: Method = async () => {
    const [findings, flows] = await Promise.all([
      // Findings without an object are in outbound requests (egress), not in fields of the org.
      select(['ObjectName__c', 'FieldName__c', 'EntityType__c', 'Occurrences__c', 'Confidence__c'], 'PiiFinding__c', 'ObjectName__c != null'),
      select(FLOW_FIELDS, 'DataFlow__c'),
    ]);
    const entries = new Map<
      string,
      {
        key: string;
        objectName: string;
        fieldName: string;
        entityTypes: string[];
        findings: number;
        occurrences: number;
        maxConfidence: number;
        specialCategory: boolean;
      }
    >();
    for (const finding of findings) {
      const key = `${text(finding.ObjectName__c)}.${text(finding.FieldName__c)}`;
      const entry = entries.get(key) ?? {
        key,
        objectName: text(finding.ObjectName__c),
        fieldName: text(finding.FieldName__c),
        entityTypes: [],
        findings: 0,
        occurrences: 0,
        maxConfidence: 0,
        specialCategory: false,
      };
      const type = text(finding.EntityType__c);
      if (!entry.entityTypes.includes(type)) entry.entityTypes.push(type);
      entry.specialCategory ||= SPECIAL_CATEGORIES.has(type);
      entry.findings += 1;
      entry.occurrences += num(finding.Occurrences__c);
      entry.maxConfidence = Math.max(entry.maxConfidence, num(finding.Confidence__c));
      entries.set(key, entry);
    }
    const flowsOf = flowIndex(flows.sort(byLastSeen).slice(0, MAX_FLOWS));
    return [...entries.values()]
      .map((entry) => ({ ...entry, entityTypes: entry.entityTypes.sort(), flows: flowsOf(entry.objectName, entry.fieldName) }))
      .sort((a, b) => a.objectName.localeCompare(b.objectName) || a.fieldName.localeCompare(b.fieldName));
  };

  const canReviewClassifications = (): boolean => customPermissions.has('ManageDataClassification');

  /** DataMapController.getClassificationSuggestions: those awaiting review first, Current ones left out. */
  const getClassificationSuggestions: Method = async () => {
    const records = (await select(SUGGESTION_FIELDS, 'FieldClassification__c', `Status__c != '${CLASSIFICATION_CURRENT}'`))
      .sort((a, b) => text(a.FieldKey__c).localeCompare(text(b.FieldKey__c)))
      .slice(0, MAX_SUGGESTIONS);
    const suggestions = records.map((record) => ({
      id: record.Id,
      fieldKey: record.FieldKey__c ?? null,
      objectName: record.ObjectName__c ?? null,
      fieldName: record.FieldName__c ?? null,
      piiTypes: record.PiiTypes__c ?? null,
      currentSensitivity: record.CurrentSensitivity__c ?? null,
      suggestedSensitivity: record.SuggestedSensitivity__c ?? null,
      currentCompliance: record.CurrentCompliance__c ?? null,
      suggestedCompliance: record.SuggestedCompliance__c ?? null,
      reason: record.Reason__c ?? null,
      status: record.Status__c ?? null,
      awaitsReview: CLASSIFICATION_AWAITING_REVIEW.has(text(record.Status__c)),
      reviewedBy: (record.ReviewedBy__r as { Name?: string } | null | undefined)?.Name ?? null,
      reviewedAt: record.ReviewedAt__c ?? null,
      appliedAt: record.AppliedAt__c ?? null,
      lastError: record.LastError__c ?? null,
    }));
    return {
      canReview: canReviewClassifications(),
      suggestions: [...suggestions.filter((s) => s.awaitsReview), ...suggestions.filter((s) => !s.awaitsReview)],
    };
  };

  /** DataMapController.reviewClassification: ClassificationReviewService.review's checks, then the decision as the user. */
  const reviewClassification: Method = async ({ suggestionId, decision }) => {
    const id = requireId(suggestionId, 'suggestionId');
    if (!canReviewClassifications()) {
      throw new ApexError(
        'Only Leakwatch admins may approve or dismiss classification suggestions: it takes the Review Leakwatch Data Classification permission of the Leakwatch Admin permission set.',
      );
    }
    if (typeof decision !== 'string' || !CLASSIFICATION_DECISIONS.has(decision))
      throw new ApexError(`A suggestion is either Approved or Dismissed, not ${decision == null ? 'null' : String(decision)}.`);
    const suggestion = await byId(['Id', 'FieldKey__c', 'Status__c'], 'FieldClassification__c', id);
    if (!suggestion) throw new ApexError('This suggestion does not exist or you cannot see it.');
    if (!CLASSIFICATION_AWAITING_REVIEW.has(text(suggestion.Status__c))) {
      throw new ApexError(
        `The suggestion for ${text(suggestion.FieldKey__c)} is already ${text(suggestion.Status__c)}: only suggestions that are Suggested or Failed can be approved or dismissed.`,
      );
    }
    savedOrThrow(
      await org.upsert('FieldClassification__c', 'FieldKey__c', [
        { FieldKey__c: suggestion.FieldKey__c, Status__c: decision, ReviewedBy__c: user.id, ReviewedAt__c: now().toISOString() },
      ]),
    );
    return null;
  };

  /** ContainmentService.fourEyesRefusal: nobody acts on containment that targets them or on an incident they are an actor of. */
  const containmentFourEyes = (action: OrgRecord): string | null => {
    if (sameId(action.TargetId__c, user.id)) return CONTAINMENT_REFUSALS.target;
    const actors = text(action.IncidentActors__c)
      .split(',')
      .map((id) => id.trim());
    return actors.some((id) => sameId(id, user.id)) ? CONTAINMENT_REFUSALS.actor : null;
  };
  const statusLabel = (status: unknown): string => CONTAINMENT_LABELS.Status__c[text(status)] ?? text(status);
  const statusRefusal = ([before, after]: readonly [string, string], status: unknown): string => `${before}${statusLabel(status)}${after}`;
  /** ContainmentService.decideRefusal. */
  const decideRefusal = (action: OrgRecord): string | null =>
    action.Status__c !== 'Proposed' ? statusRefusal(CONTAINMENT_STATUS_REFUSALS.notProposed, action.Status__c) : containmentFourEyes(action);
  /** ContainmentService.undoRefusal. */
  const undoRefusal = (action: OrgRecord): string | null => {
    if (!CONTAINMENT_REVERSIBLE.has(text(action.Action__c))) return CONTAINMENT_REFUSALS.irreversible;
    if (action.Status__c !== 'Done') return statusRefusal(CONTAINMENT_STATUS_REFUSALS.notDone, action.Status__c);
    return containmentFourEyes(action);
  };
  const mayDecideContainment = () => customPermissions.has('ApproveContainment');
  const userName = (relation: unknown, id: unknown): string | null =>
    (relation as { Name?: string } | null | undefined)?.Name ?? (id == null ? null : text(id));

  /** ContainmentController.getActions: the incident's time to containment and its actions, with what the user may do. */
  const getActions: Method = async ({ incidentId }) => {
    const mayDecide = mayDecideContainment();
    const empty = { containedAt: null, timeToContainmentSeconds: null, mayDecide, actions: [] };
    if (incidentId == null) return empty;
    const id = requireId(incidentId, 'incidentId');
    const incident = await byId(['Id', 'DetectedAt__c', 'ContainedAt__c', 'TimeToContainmentSeconds__c'], 'Incident__c', id);
    if (!incident) return empty;
    const records = (await select(CONTAINMENT_FIELDS, 'ContainmentAction__c', `Incident__c = '${id}'`))
      .sort(
        (a, b) =>
          (time(a.ProposedAt__c) || Number.MAX_SAFE_INTEGER) - (time(b.ProposedAt__c) || Number.MAX_SAFE_INTEGER) || text(a.Name).localeCompare(text(b.Name)),
      )
      .slice(0, MAX_CONTAINMENT_ACTIONS);
    return {
      containedAt: incident.ContainedAt__c ?? null,
      timeToContainmentSeconds: incident.TimeToContainmentSeconds__c ?? null,
      mayDecide,
      actions: records.map((record) => {
        const open = record.Status__c === 'Proposed' || (record.Status__c === 'Done' && CONTAINMENT_REVERSIBLE.has(text(record.Action__c)));
        return {
          id: record.Id,
          name: record.Name,
          action: record.Action__c,
          actionLabel: CONTAINMENT_LABELS.Action__c[text(record.Action__c)] ?? null,
          target: record.TargetLabel__c ?? null,
          mode: record.Mode__c,
          modeLabel: CONTAINMENT_LABELS.Mode__c[text(record.Mode__c)] ?? null,
          status: record.Status__c,
          statusLabel: CONTAINMENT_LABELS.Status__c[text(record.Status__c)] ?? null,
          playbook: record.Playbook__c ?? null,
          outcome: record.Outcome__c ?? null,
          proposedAt: record.ProposedAt__c ?? null,
          decidedAt: record.DecidedAt__c ?? null,
          decidedBy: userName(record.DecidedBy__r, record.DecidedBy__c),
          doneAt: record.DoneAt__c ?? null,
          timeToContainmentSeconds: record.TimeToContainmentSeconds__c ?? null,
          expiresAt: record.ExpiresAt__c ?? null,
          undoneAt: record.UndoneAt__c ?? null,
          undoneBy: userName(record.UndoneBy__r, record.UndoneBy__c),
          canDecide: mayDecide && decideRefusal(record) === null,
          canUndo: mayDecide && undoRefusal(record) === null,
          blockedReason: mayDecide && open ? containmentFourEyes(record) : null,
        };
      }),
    };
  };

  /** ContainmentService.lockedAction, after the permission check. */
  const containmentAction = async (actionId: unknown): Promise<OrgRecord> => {
    if (!mayDecideContainment()) throw new ApexError(CONTAINMENT_REFUSALS.permission);
    const action = actionId == null ? undefined : await byId(CONTAINMENT_FIELDS, 'ContainmentAction__c', requireId(actionId, 'actionId'));
    if (!action) throw new ApexError(CONTAINMENT_REFUSALS.notVisible);
    return action;
  };

  /** ContainmentController.decide: the decision only; the sidecar carries out an approved action. */
  const decideContainment: Method = async ({ actionId, approve }) => {
    if (!mayDecideContainment()) throw new ApexError(CONTAINMENT_REFUSALS.permission);
    if (typeof approve !== 'boolean') throw new ApexError(CONTAINMENT_REFUSALS.noChoice);
    const action = await containmentAction(actionId);
    const refusal = decideRefusal(action);
    if (refusal) throw new ApexError(refusal);
    savedOrThrow(
      await org.upsert('ContainmentAction__c', 'ActionKey__c', [
        { ActionKey__c: action.ActionKey__c, Status__c: approve ? 'Approved' : 'Declined', DecidedAt__c: now().toISOString(), DecidedBy__c: user.id },
      ]),
    );
    return null;
  };

  /** ContainmentController.undo: asks the sidecar to reverse a done freeze or block. */
  const undoContainment: Method = async ({ actionId }) => {
    const action = await containmentAction(actionId);
    const refusal = undoRefusal(action);
    if (refusal) throw new ApexError(refusal);
    savedOrThrow(
      await org.upsert('ContainmentAction__c', 'ActionKey__c', [{ ActionKey__c: action.ActionKey__c, Status__c: 'UndoRequested', UndoneBy__c: user.id }]),
    );
    return null;
  };

  return {
    OverviewController: { getOverview },
    VerdictController: { getVerdicts, getVerdict, acknowledge, markFalsePositive, escalate },
    PermissionReviewController: { getPendingReviews, getRecentDecisions, approve, reject },
    IncidentController: { getIncidents, recordMilestone, getIncidentVerdicts, mergeIncidents, splitIncident },
    DataMapController: { getDataMap, getClassificationSuggestions, reviewClassification },
    ContainmentController: { getActions, decide: decideContainment, undo: undoContainment },
  };
};
