import type { EntityType } from '../contract/entities.js';
import type { Operation } from '../contract/event.js';
import type { Canary } from './state.js';

/** Every tunable of the detection engine in one place. Defaults suit a mid-sized org. */
export interface DetectionConfig {
  /** A window is anomalous above mean + k·σ of its baseline. */
  k: number;
  /** Rolling horizon of baselines, in days. */
  baselineDays: number;
  /** Days a series (or an org, or an actor) must have been observed before its baseline is trusted. */
  warmupDays: number;
  /** σ never counts as less than this fraction of the mean (a very regular job still varies a little). */
  relativeSigmaFloor: number;
  /** σ never counts as less than this many records (a near-silent series still varies a little). */
  absoluteSigmaFloor: number;
  /** A window total below this many records is never a volume anomaly, whatever its baseline. */
  minAnomalyVolume: number;
  /** The same floor for seven-day totals, which catch exfiltration too slow for any one day to stand out. */
  minWeeklyAnomalyVolume: number;
  /** Operations whose record volumes are compared with their baselines. */
  volumeOperations: Operation[];
  /** Objects whose records carry personal data. */
  piiObjects: string[];
  /** Deleting at least this many PII-bearing records in one window is a mass delete. */
  massDeleteThreshold: number;
  /** Updating at least this many PII-bearing records in one window is a mass update. */
  massUpdateThreshold: number;
  /** An hour of day holding less than this share of an actor's activity (with its neighbours) is unusual. */
  unusualHourShare: number;
  /** Events an actor must have in the horizon before their working hours are trusted. */
  minActivityForHours: number;
  /** Entity types that do not belong in free-text fields, with the weight of finding one there. */
  misplacedEntityWeights: Partial<Record<EntityType, number>>;
  /** Field types that hold free text. */
  freeTextFieldTypes: string[];
  /** Field names that hold free text whatever their declared type. */
  freeTextFieldNames: string[];
  /** `Object.Field` → entity types that legitimately live there. */
  allowedPlacements: Record<string, EntityType[]>;
  /** Entities scored below this confidence are ignored by the placement rule. */
  minEntityScore: number;
  /** Permission names that are critical to grant. */
  criticalPermissions: string[];
  /** `details.apiType` values that mean a human at a browser. */
  interactiveApiTypes: string[];
  /** `details.loginType` values that mean a human at a browser (LoginHistory.LoginType). */
  interactiveLoginTypes: string[];
  /** Sharing audiences that open records widely, with the weight of opening a PII object to them. */
  openSharingAudiences: Record<string, number>;
  /** OAuth scopes that reach everything or last forever. */
  broadOAuthScopes: string[];
  /** A token holder silent this many days who acts again has woken up. */
  dormantTokenDays: number;
  /** Failed logins for one user within one clock hour that make a burst. */
  failedLoginBurst: number;
  /** Paging queries (Id ranges, ORDER BY Id, OFFSET) on one PII object in one session and hour that make an enumeration. */
  pagedQueriesPerHour: number;
  /** Reason codes that reviewer feedback can never suppress. */
  unsuppressibleCodes: string[];
  /** Default lifetime of a suppression created from reviewer feedback, in days. */
  suppressionDays: number;
  /** Canaries registered at start-up; one without `orgId` applies to every org. */
  canaries: Array<Canary & { orgId?: string }>;
  /** Weight of each reason code. */
  weights: ReasonWeights;
}

/** Weights of the reasons; each is read by the one rule that lists it in its `weights` (`rules/*.ts`). */
export interface ReasonWeights {
  volume_anomaly: number;
  /** Added per σ above the threshold, up to `volume_anomaly_max`. */
  volume_anomaly_per_sigma: number;
  volume_anomaly_max: number;
  mass_delete_pii: number;
  mass_update_pii: number;
  unusual_hour: number;
  integration_interactive: number;
  canary_touched: number;
  canary_value_seen: number;
  critical_permission: number;
  /** Added per critical permission beyond the first. */
  critical_permission_each: number;
  pii_object_view_all: number;
  pii_object_modify_all: number;
  self_assigned_permission: number;
  new_connected_app: number;
  new_oauth_scopes: number;
  broad_oauth_scopes: number;
  dormant_token_woke: number;
  integration_new_app: number;
  failed_login_burst: number;
  new_login_country: number;
  /** Salesforce's own threat detection: this much for any event, plus its score (0–100) scaled to `salesforce_threat_score`. */
  salesforce_threat_detected: number;
  salesforce_threat_score: number;
  realtime_coverage_gap: number;
  integration_new_client: number;
  unbounded_pii_query: number;
  paged_enumeration: number;
  report_export_pii: number;
  /** A service of the org's estate calling a destination not on the egress allow-list for the first time (OTLP traces). */
  new_data_flow: number;
  /** Personal-data objects flowing to an AI service outside the policy's allowed regions (OTLP traces). */
  pii_to_ai_outside_region: number;
  bulk_download_off_window: number;
  /** An outbound request the egress inspection blocked (`kind: egress`). */
  egress_blocked: number;
  /** An outbound request the egress inspection let through with its personal data redacted. */
  egress_redacted: number;
}

export const DEFAULT_DETECTION_CONFIG: DetectionConfig = {
  k: 2,
  baselineDays: 30,
  warmupDays: 7,
  relativeSigmaFloor: 0.25,
  absoluteSigmaFloor: 50,
  minAnomalyVolume: 500,
  minWeeklyAnomalyVolume: 2000,
  volumeOperations: ['export', 'query', 'delete', 'update'],
  piiObjects: [
    'Account',
    'Contact',
    'Lead',
    'Case',
    'CaseComment',
    'Task',
    'Order',
    'User',
    'Individual',
    'ContactPointEmail',
    'ContactPointPhone',
    'ContactPointAddress',
  ],
  massDeleteThreshold: 1000,
  massUpdateThreshold: 5000,
  unusualHourShare: 0.005,
  minActivityForHours: 50,
  misplacedEntityWeights: {
    CREDIT_CARD: 55,
    SECRET: 55,
    IBAN_CODE: 45,
    MEDICAL: 45,
    PASSPORT: 45,
    US_SSN: 45,
    UK_NINO: 45,
    DE_TAX_ID: 45,
    FR_NIR: 45,
    ES_NIF: 45,
    IT_FISCAL_CODE: 45,
    NL_BSN: 45,
    CRYPTO: 30,
  },
  freeTextFieldTypes: ['TEXTAREA', 'LONGTEXTAREA', 'RICHTEXTAREA', 'HTML'],
  freeTextFieldNames: ['Subject', 'Description', 'CommentBody', 'Comments', 'Body', 'TextBody', 'HtmlBody'],
  allowedPlacements: {},
  minEntityScore: 0.5,
  criticalPermissions: [
    'ModifyAllData',
    'ViewAllData',
    'ManageUsers',
    'AuthorApex',
    'CustomizeApplication',
    'ViewEncryptedData',
    'ManageEncryptionKeys',
    'AssignPermissionSets',
    'ManageSharing',
    'ManageInternalUsers',
    'ResetPasswords',
    'ViewAllUsers',
    'ModifyMetadata',
    'ExportReport',
  ],
  interactiveApiTypes: ['ui'],
  interactiveLoginTypes: ['Application', 'UI'],
  openSharingAudiences: {
    AllInternalUsers: 50,
    AllPartnerUsers: 55,
    AllCustomerPortalUsers: 60,
    Guest: 75,
    GuestUser: 75,
    Public: 75,
    PublicReadOnly: 60,
    PublicReadWrite: 70,
  },
  broadOAuthScopes: ['full', 'refresh_token', 'offline_access', 'web', 'api'],
  dormantTokenDays: 30,
  failedLoginBurst: 10,
  pagedQueriesPerHour: 20,
  unsuppressibleCodes: ['canary_touched', 'canary_value_seen'],
  suppressionDays: 30,
  canaries: [],
  weights: {
    volume_anomaly: 40,
    volume_anomaly_per_sigma: 5,
    volume_anomaly_max: 70,
    mass_delete_pii: 60,
    mass_update_pii: 45,
    unusual_hour: 30,
    integration_interactive: 50,
    canary_touched: 90,
    canary_value_seen: 90,
    critical_permission: 50,
    critical_permission_each: 10,
    pii_object_view_all: 40,
    pii_object_modify_all: 50,
    self_assigned_permission: 20,
    new_connected_app: 40,
    new_oauth_scopes: 40,
    broad_oauth_scopes: 15,
    dormant_token_woke: 45,
    integration_new_app: 45,
    failed_login_burst: 45,
    new_login_country: 35,
    salesforce_threat_detected: 40,
    salesforce_threat_score: 40,
    realtime_coverage_gap: 35,
    integration_new_client: 40,
    unbounded_pii_query: 35,
    paged_enumeration: 45,
    report_export_pii: 35,
    bulk_download_off_window: 40,
    egress_blocked: 65,
    egress_redacted: 40,
    new_data_flow: 40,
    pii_to_ai_outside_region: 70,
  },
};

export type DetectionConfigInput = Partial<Omit<DetectionConfig, 'weights'>> & { weights?: Partial<ReasonWeights> };

/** The defaults with the given overrides applied (weights merge key by key). */
export function resolveDetectionConfig(input: DetectionConfigInput = {}): DetectionConfig {
  return {
    ...DEFAULT_DETECTION_CONFIG,
    ...input,
    weights: { ...DEFAULT_DETECTION_CONFIG.weights, ...input.weights },
  };
}
