import { fileURLToPath } from 'node:url';
import { generateConnectedApp, OrgAuth, type ConnectedApp, type Identity } from './auth.js';
import { FaultInjector, type FaultCounts, type FaultSettings } from './faults.js';
import { loadCustomMetadataRecords, loadSchema, type Schema } from './metadata.js';
import { classificationProblems, definitionRecords, metadataField, setClassification } from './field-definitions.js';
import { EventBus } from './pubsub/bus.js';
import { startPubSubServer, type PubSubControls } from './pubsub/server.js';
import type { TopicDefinition } from './pubsub/topics.js';
import { buildServer, type EmulatorStats, type UserPermission } from './server.js';
import { OrgStore, type StoredRecord } from './store.js';
import { OrgWideDefaults, type OrgWideDefault } from './sharing.js';
import { SharingRules, sharingRuleInput, isSharingRuleType, type SharingRule, type SharingRuleType } from './sharing-rules.js';
/** The org's Pub/Sub API (README, "Pub/Sub API"). */
interface PubSubOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Topics the org is licensed for (`/event/ApiEventStream`); default every channel of the catalog. */
  topics?: string[];
  /** Idle interval before an empty keepalive FetchResponse; default 270,000 (the service's 270 s). */
  keepaliveMs?: number;
  /** How long events stay replayable; default 72 hours. */
  retentionMs?: number;
  /** How long a stream with nothing left requested stays open; default 60,000. */
  idleTimeoutMs?: number;
  /** The event channels the org has; default the Real-Time Event Monitoring catalog (`pubsub/topics.ts`). */
  catalog?: readonly TopicDefinition[];
  /** The event bus clock (epoch ms), which retention counts by; default `Date.now`. */
  now?: () => number;
}
export { generateConnectedApp };

export interface OrgEmulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  /** Where the package's source-format objects live; defaults to the repository's `force-app`. */
  metadataDir?: string;
  /** Spell custom names with this namespace (`leakwatch`), as a subscriber org of the managed package does. */
  namespace?: string;
  faults?: FaultSettings;
  /** The connected app whose key signs JWT assertions; a throwaway one is generated when absent. */
  connectedApp?: ConnectedApp;
  /** The integration user the JWT `sub` must name. */
  username?: string;
  orgId?: string;
  userId?: string;
  /** Records per query page before `nextRecordsUrl`; 2000 as in Salesforce. */
  queryBatchSize?: number;
  /**
   * The org's daily API requests (`DailyApiRequests.Max`, reported in `Sforce-Limit-Info`); default
   * 100,000, the Enterprise Edition base allocation before per-licence additions.
   */
  dailyApiRequests?: number;
  /**
   * Whether the integration user has Customize Application. Without it (the default, as the
   * package's permission set grants it not), `OauthToken` answers only the user's own tokens, as
   * the Object Reference's special access rules say.
   */
  customizeApplication?: boolean;
  /**
   * Whether the integration user has Modify Metadata Through Metadata API Functions, which the
   * Metadata API requires (or Modify All Data). Off by default, as the package's permission set
   * grants it not; a PermissionSet seeded with `PermissionsModifyMetadata` and assigned to the user
   * grants it as well.
   */
  modifyMetadata?: boolean;
  /**
   * Whether the integration user has Assign Permission Sets, which deleting or updating a
   * PermissionSetAssignment through the API requires (Manage Users includes it). Off by default: a
   * managed package's permission sets cannot carry user permissions, so the customer grants it. A
   * PermissionSet seeded with `PermissionsAssignPermissionSets` (or `PermissionsManageUsers`) and
   * assigned to the user grants it as well.
   */
  assignPermissionSets?: boolean;
  /**
   * Whether the integration user has Manage Users, which UserLogin needs for any access (query and
   * update: freezing a user) and which lets AuthSession show and delete other users' sessions. Off by
   * default, for the same reason as `assignPermissionSets`; a PermissionSet seeded with
   * `PermissionsManageUsers` and assigned to the user grants it as well.
   */
  manageUsers?: boolean;
  /**
   * Whether the integration user has Manage Sharing, which creating or deleting a sharing rule through
   * the Metadata API requires ("SharingRules", Special Access Rules: "only users with the Manage Sharing
   * permission can edit this object"). Off by default, for the same reason as `assignPermissionSets`; a
   * PermissionSet seeded with `PermissionsManageSharing` and assigned to the user grants it as well.
   */
  manageSharing?: boolean;
  /** The Pub/Sub API beside the REST API (on by default); `false` serves none. */
  pubsub?: PubSubOptions | false;
}

export interface OrgEmulator {
  /** Login and instance URL, e.g. `http://127.0.0.1:40123`. */
  url: string;
  connectedApp: ConnectedApp;
  identity: Identity;
  schema: Schema;
  /** Live counters. */
  stats: EmulatorStats & { faultsInjected: FaultCounts };
  records(sobject: string): StoredRecord[];
  /** Copies of the messages published on a platform event (`LeakAlert__e`), oldest first. */
  published(event: string): StoredRecord[];
  /** Loads records as an export of the org holds them (the seeding API); returns their ids. */
  seed(sobject: string, records: Record<string, unknown>[]): string[];
  /**
   * Sets a field's Data Sensitivity Level and Compliance Categorization as an admin would in Setup
   * (`POST /__emulator/field-classifications`); null clears. Throws for a field the Metadata API does
   * not support or a value the picklists do not have.
   */
  classifyField(fullName: string, classification: { securityClassification?: string | null; complianceGroup?: string | null }): void;
  /**
   * Sets an object's org-wide default as an admin would in Setup, Sharing Settings
   * (`POST /__emulator/org-wide-defaults`); a setting left out keeps its value. Throws for an object
   * the emulator keeps none for (Account, Contact, Lead, Case and the custom objects have one), a
   * value outside the SharingModel enumeration or not offered for the object, and an external default
   * wider than the internal one.
   */
  setOrgWideDefault(object: string, settings: { sharingModel?: string; externalSharingModel?: string }): void;
  /** An object's org-wide default now (what readMetadata of CustomObject shows); throws for an object the emulator keeps none for. */
  orgWideDefault(object: string): OrgWideDefault;
  /**
   * Creates a sharing rule as an admin would in Setup, Sharing Settings (`POST /__emulator/sharing-rules`):
   * `rule` is the component as the Metadata API carries it (`fullName` `Contact.Rule_Name`, `label`,
   * `accessLevel`, `sharedTo: { allInternalUsers: '' }` or `{ group: 'Name' }`, `criteriaItems`, …).
   * Throws `<statusCode>: <message>` on what createMetadata would refuse; returns the stored rule.
   */
  createSharingRule(type: SharingRuleType, rule: Record<string, unknown>): SharingRule;
  /** A sharing rule now, with its type (what readMetadata shows); undefined when there is none. */
  sharingRule(fullName: string): ({ type: SharingRuleType } & SharingRule) | undefined;
  /** API requests used today and the daily maximum. */
  apiUsage(): { used: number; max: number };
  /** When a record was first written, epoch milliseconds (its CreatedDate keeps only seconds, as in a real org). */
  createdAtMs(id: string): number | undefined;
  setFaults(settings: FaultSettings): void;
  /** The Pub/Sub API endpoint, `127.0.0.1:PORT`, plaintext gRPC; undefined with `pubsub: false`. */
  pubsubEndpoint: string | undefined;
  /**
   * Publishes monitoring events as the org generates them, with the checks of
   * `POST /__emulator/pubsub/{Topic}`; returns their replay ids (base64 of the 8 bytes) in order.
   */
  publishEvents(topic: string, events: Record<string, unknown>[]): string[];
  /** Pub/Sub API faults and counters; undefined with `pubsub: false`. */
  pubsub: PubSubControls | undefined;
  close(): Promise<void>;
}

export const DEFAULT_METADATA_DIR = fileURLToPath(new URL('../../../force-app', import.meta.url));
const DEFAULT_USERNAME = 'leakwatch-integration@acme-shop.example';

/** Starts a local server that answers the REST calls the sidecar makes the way a Salesforce org would. */
export const startOrgEmulator = async (options: OrgEmulatorOptions = {}): Promise<OrgEmulator> => {
  const schema = await loadSchema(options.metadataDir ?? DEFAULT_METADATA_DIR, options.namespace);
  const store = new OrgStore(schema);
  // The package's custom metadata records (`customMetadata/*.md-meta.xml`), as installing it deploys them.
  for (const { type, record } of await loadCustomMetadataRecords(options.metadataDir ?? DEFAULT_METADATA_DIR, schema, options.namespace))
    store.seed(type, [record]);
  const connectedApp = options.connectedApp ?? generateConnectedApp();
  const identity: Identity = {
    orgId: options.orgId ?? '00D5g000004Cx1aEAC',
    userId: options.userId ?? '0055g00000LwInTAAV',
    username: options.username ?? DEFAULT_USERNAME,
  };
  const auth = new OrgAuth(connectedApp, identity);
  const faults = new FaultInjector();
  const counters: EmulatorStats = {
    requests: 0,
    tokensIssued: 0,
    upsertRequests: 0,
    createRequests: 0,
    queries: 0,
    recordsSaved: 0,
    recordsFailed: 0,
    eventsPublished: 0,
    tokensRevoked: 0,
  };
  const api = { used: 0, max: options.dailyApiRequests ?? 100_000 };
  const setFaults = (settings: FaultSettings): void => {
    faults.set(settings);
    if (settings.apiUsage !== undefined) api.used = settings.apiUsage;
    if (settings.expireSessions) {
      auth.revokeAll();
      faults.injected.sessionsExpired += 1;
    }
  };
  let url = '';
  // The integration user exists in its org, as every user the REST API names does.
  store.seed('User', [{ Id: identity.userId, Username: identity.username, LastName: 'Integration', IsActive: true, UserType: 'Standard' }]);
  // EntityDefinition and FieldDefinition describe the schema; classifications start unset.
  const definitions = definitionRecords(schema);
  store.putDerived('EntityDefinition', definitions.entities);
  store.putDerived('FieldDefinition', definitions.fields);
  const grants = new Set<UserPermission>([
    ...(options.customizeApplication ? ['CustomizeApplication' as const] : []),
    ...(options.modifyMetadata ? ['ModifyMetadata' as const] : []),
    ...(options.assignPermissionSets ? ['AssignPermissionSets' as const] : []),
    ...(options.manageUsers ? ['ManageUsers' as const] : []),
    ...(options.manageSharing ? ['ManageSharing' as const] : []),
  ]);
  const pubsubOptions = options.pubsub === false ? undefined : (options.pubsub ?? {});
  const bus =
    pubsubOptions &&
    new EventBus({
      catalog: pubsubOptions.catalog,
      licensed: pubsubOptions.topics,
      retentionMs: pubsubOptions.retentionMs,
      now: pubsubOptions.now,
      createdById: identity.userId,
    });
  // Org-wide defaults: the standard objects' starting values and each custom object's from its source file.
  const sharing = new OrgWideDefaults(schema);
  // Sharing rules: none until a test, the seeding API or createMetadata makes one.
  const sharingRules = new SharingRules(sharing);
  const app = buildServer({
    api,
    blobs: new Map(),
    store,
    auth,
    faults,
    stats: counters,
    queryBatchSize: options.queryBatchSize ?? 2000,
    grants,
    baseUrl: () => url,
    setFaults,
    pubsub: bus,
    sharing,
    sharingRules,
  });
  if (options.faults) setFaults(options.faults);
  const address = await app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  url = address.replace('[::1]', '127.0.0.1');
  const pubsub =
    bus &&
    (await startPubSubServer({
      bus,
      orgId: identity.orgId,
      isValidToken: (token) => auth.isValid(token),
      instanceUrl: () => url,
      host: options.host ?? '127.0.0.1',
      port: pubsubOptions?.port,
      keepaliveMs: pubsubOptions?.keepaliveMs,
      idleTimeoutMs: pubsubOptions?.idleTimeoutMs,
    }).catch(async (error: unknown) => {
      await app.close();
      throw error;
    }));
  return {
    url,
    connectedApp,
    identity,
    schema,
    stats: Object.defineProperty(counters, 'faultsInjected', { get: () => faults.injected, enumerable: true }) as OrgEmulator['stats'],
    records: (sobject) => store.records(sobject),
    published: (event) => store.published(event),
    seed: (sobject, records) => store.seed(sobject, records),
    classifyField: (fullName, classification) => {
      const target = metadataField(store, fullName);
      if (!target) throw new Error(`the Metadata API does not support a field ${fullName}`);
      const level = classification.securityClassification ?? null;
      const groups = classification.complianceGroup ?? null;
      const [problem] = classificationProblems(level, groups);
      if (problem) throw new Error(problem.message);
      setClassification(store, target, level, groups);
    },
    setOrgWideDefault: (object, settings) => {
      const target = sharing.target(object);
      if (!target) throw new Error(`the emulator keeps no org-wide default for ${object}`);
      const current = sharing.get(target.object.name) as OrgWideDefault;
      const next = {
        sharingModel: settings.sharingModel ?? current.sharingModel,
        externalSharingModel: settings.externalSharingModel ?? current.externalSharingModel,
      };
      const [problem] = sharing.problems(target, next);
      if (problem) throw new Error(`${problem.statusCode}: ${problem.message}`);
      sharing.set(target, next);
    },
    orgWideDefault: (object) => {
      const value = sharing.get(object);
      if (!value) throw new Error(`the emulator keeps no org-wide default for ${object}`);
      return value;
    },
    createSharingRule: (type, rule) => {
      if (!isSharingRuleType(type)) throw new Error(`the emulator serves no sharing rule type ${String(type)}`);
      const input = sharingRuleInput(rule);
      const [problem] = sharingRules.problems(type, input);
      if (problem) throw new Error(`${problem.statusCode}: ${problem.message}`);
      return sharingRules.create(type, input);
    },
    sharingRule: (fullName) => {
      const stored = sharingRules.get(fullName);
      return stored && { type: stored.type, ...stored.rule };
    },
    apiUsage: () => ({ ...api }),
    createdAtMs: (id) => store.createdAtMs(id),
    setFaults,
    pubsubEndpoint: pubsub?.endpoint,
    publishEvents: (topic, events) => {
      if (!bus) throw new Error('This org emulator serves no Pub/Sub API (pubsub: false)');
      return bus.publish(topic, events);
    },
    pubsub,
    close: async () => {
      await pubsub?.close();
      await app.close();
    },
  };
};
