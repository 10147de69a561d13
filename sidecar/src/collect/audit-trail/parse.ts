import { API_NAME } from '../../contract/api-name.js';
/**
 * SetupAuditTrail rows as typed changes.
 *
 * A row has three texts: `Action`, a code that does not depend on the language of the user who
 * made the change (`PermSetAssign`, `insertConnectedApplication`); `Section`, the Setup menu
 * section (`Manage Users`, `Connected Apps`); and `Display`, a sentence in that user's language
 * that holds the names and values of the change (Object Reference, "SetupAuditTrail": Action
 * `PermSetCreate` has a Display like "Created permission set MAD: with user license Salesforce.").
 *
 * The Action code, or else the Section, chooses a family of changes; the family's Display patterns
 * then read the details. Salesforce documents no Display grammar, so the patterns are written from
 * the public examples cited next to each and kept tolerant; a Display they do not read (another
 * language, a format not seen yet) gives `unknown`, never a guess. Where an Action code alone
 * says what changed (a profile's login IP ranges), the family says so without the Display.
 *
 * Everything returned is structural: codes, API names, access levels, scope names, and the names
 * of permission sets and connected apps that the detector's reasons cite. Display text itself is
 * never returned: it can hold anything an admin typed, including personal data.
 */

/** Sharing audiences, as the detector's `openSharingAudiences` keys them (detect/config.ts). */
type Audience = 'AllInternalUsers' | 'AllPartnerUsers' | 'AllCustomerPortalUsers' | 'GuestUser' | 'PublicReadOnly' | 'PublicReadWrite';

/** Who a sharing rule opens records to when it is not one of the open audiences. */
type ShareTarget = 'role' | 'roleAndSubordinates' | 'group' | 'queue' | 'territory';

/** Sharing rules as the Metadata API types them (SharingCriteriaRule, SharingOwnerRule, SharingGuestRule). */
type SharingRuleType = 'criteria' | 'owner' | 'guest';

/** Record access levels as the API names them (`Read`, `Edit`, `All`). */
type AccessLevel = 'Read' | 'Edit' | 'All';

type SettingCode = 'login_ip_range' | 'trusted_ip_range' | 'session_timeout' | 'session_security_level' | 'session_settings';

type IpRelaxation = 'enforce' | 'enforce_except_refresh_tokens' | 'relax_with_second_factor' | 'relax';

export type AuditChange =
  /** Permission set (group) assignments: the PermissionSetAssignment source reports them. */
  | { type: 'assignment' }
  | {
      type: 'sharingRule';
      change: 'created' | 'changed' | 'deleted';
      object?: string;
      /** Set only when the rule opens records to one of the open audiences (and was not deleted). */
      sharedWith?: Audience;
      sharedWithType?: ShareTarget;
      accessLevel?: AccessLevel;
      /** The rule's name when the Display gives one that can be its API name (`All_Contacts`). */
      rule?: string;
      /** The kind of rule when the Display says it: the Metadata API type to act on it by. */
      ruleType?: SharingRuleType;
    }
  | {
      type: 'orgWideDefault';
      scope: 'internal' | 'external';
      object?: string;
      from: string;
      to: string;
      /** The audience the new default opens records to; set only when the default was widened. */
      opensTo?: Audience;
    }
  | {
      type: 'permission';
      holder: 'permissionSet' | 'profile';
      name?: string;
      /** API names of the detector's critical permissions the change names (none when the label is another). */
      permissions: string[];
      from?: string;
      to?: string;
      /** True when the permission was turned on. */
      granted: boolean;
    }
  | {
      type: 'connectedApp';
      change: 'created' | 'changed' | 'deleted' | 'oauth_scopes' | 'ip_relaxation';
      appName: string;
      /** OAuth scope names (`api`, `refresh_token`, …) the app has after the change, when the Display lists them. */
      scopes?: string[];
      /** The scopes the app had before, when the Display says "from … to …". */
      previousScopes?: string[];
      ipRelaxation?: IpRelaxation;
    }
  | { type: 'setting'; change: SettingCode }
  | { type: 'unknown' };

/** The three texts of a row the parser reads. */
export interface AuditRowText {
  Action: string;
  Section?: string | null;
  Display?: string | null;
}

type Groups = Record<string, string | undefined>;

interface DisplayRule {
  pattern: RegExp;
  /** The change the match describes; undefined to let the next rule try. */
  build: (groups: Groups) => AuditChange | undefined;
}

interface Family {
  /** Action codes of the family, compared without case (the org spells them `changedprofileforuser`, `PermSetAssign`, …). */
  actions: readonly string[];
  /** Setup menu sections whose rows may belong to the family; their Display decides. */
  sections: readonly string[];
  displays: readonly DisplayRule[];
  /** Action codes that say the change without the Display. */
  byAction?: Readonly<Record<string, AuditChange>>;
  /** Sections whose every row is one change, whatever the Display. */
  bySection?: Readonly<Record<string, AuditChange>>;
}

/**
 * Assignment Action codes, as sfdx-hardis lists them among the "Manage Users" actions of its
 * audit trail monitor (hardisgroupcom/sfdx-hardis, src/commands/hardis/org/diagnose/audittrail.ts).
 * Licence assignments (PermSetLicenseAssign) grant no permission and stay ordinary setup changes.
 */
export const ASSIGNMENT_ACTIONS = ['PermSetAssign', 'PermSetGroupAssign', 'PermSetUnassign', 'PermSetGroupUnassign'] as const;

/**
 * The assignment codes that log a permission set or group being assigned (not removed): the rows in
 * which the PermissionSetAssignment source looks for an assignment's assigner.
 */
export const ASSIGN_ACTIONS: readonly string[] = ASSIGNMENT_ACTIONS.filter((action) => !/unassign$/i.test(action));

/**
 * The detector's critical permissions (detect/config.ts `criticalPermissions`) by the label Setup
 * shows for them (Salesforce Help, "User Permissions"; the Metadata API guide names "Modify Metadata
 * Through Metadata API Functions"). A test pins this table to the detector's list.
 */
export const PERMISSION_LABELS: Readonly<Record<string, string>> = {
  'Modify All Data': 'ModifyAllData',
  'View All Data': 'ViewAllData',
  'Manage Users': 'ManageUsers',
  'Author Apex': 'AuthorApex',
  'Customize Application': 'CustomizeApplication',
  'View Encrypted Data': 'ViewEncryptedData',
  'Manage Encryption Keys': 'ManageEncryptionKeys',
  'Assign Permission Sets': 'AssignPermissionSets',
  'Manage Sharing': 'ManageSharing',
  'Manage Internal Users': 'ManageInternalUsers',
  'Reset User Passwords and Unlock Users': 'ResetPasswords',
  'View All Users': 'ViewAllUsers',
  'Modify Metadata Through Metadata API Functions': 'ModifyMetadata',
  'Export Reports': 'ExportReport',
};

/** How a permission checkbox's old and new values read ("was changed from False to True"). */
const ON_VALUES = ['true', 'enabled', 'checked', 'on', 'yes'];
const OFF_VALUES = ['false', 'disabled', 'unchecked', 'off', 'no'];

/**
 * Organization-wide default access levels (Salesforce Help, "Organization-Wide Default Access
 * Settings"), ranked by how widely they open records, with the detector's audience key for each.
 * Controlled by Parent opens nothing by itself.
 */
const DEFAULT_ACCESS: Readonly<Record<string, { rank: number; audience?: Audience }>> = {
  Private: { rank: 0 },
  'Controlled by Parent': { rank: 0 },
  'Public Read Only': { rank: 1, audience: 'PublicReadOnly' },
  'Public Read/Write': { rank: 2, audience: 'PublicReadWrite' },
  'Public Read/Write/Transfer': { rank: 3, audience: 'PublicReadWrite' },
  'Public Full Access': { rank: 3, audience: 'PublicReadWrite' },
};

/**
 * Sharing rule targets that open records widely: the "All Internal Users", "All Partner Users" and
 * "All Customer Portal Users" public groups (Salesforce Help, "Sharing Rule Categories"; "Entire
 * Organization" is the older name of All Internal Users, salesforcefaq.blogspot.com 2013, "Best
 * Practices of Creating Contact Sharing Rules") and the guest user of guest user sharing rules.
 */
const AUDIENCE_LABELS: Readonly<Record<string, Audience>> = {
  'All Internal Users': 'AllInternalUsers',
  'Entire Organization': 'AllInternalUsers',
  'All Partner Users': 'AllPartnerUsers',
  'All Customer Portal Users': 'AllCustomerPortalUsers',
  'Guest Users': 'GuestUser',
  'Guest User': 'GuestUser',
  'guest users': 'GuestUser',
  'guest user': 'GuestUser',
};

/** Every audience the parser can name; the detector must weigh each (a test pins them to its configuration). */
export const AUDIENCES: readonly Audience[] = [
  ...new Set([...Object.values(AUDIENCE_LABELS), ...Object.values(DEFAULT_ACCESS).flatMap((level) => (level.audience ? [level.audience] : []))]),
];

/** The other "Share with" categories (Salesforce Help, "Sharing Rule Categories"), longest first. */
const SHARE_TARGET_LABELS: ReadonlyArray<[string, ShareTarget]> = [
  ['Roles, Internal and Portal Subordinates', 'roleAndSubordinates'],
  ['Roles and Internal Subordinates', 'roleAndSubordinates'],
  ['Role and Internal Subordinates', 'roleAndSubordinates'],
  ['Roles and Subordinates', 'roleAndSubordinates'],
  ['Role and Subordinates', 'roleAndSubordinates'],
  ['Territories and Subordinates', 'territory'],
  ['Territory and Subordinates', 'territory'],
  ['Public Groups', 'group'],
  ['Public Group', 'group'],
  ['Territories', 'territory'],
  ['Territory', 'territory'],
  ['Queues', 'queue'],
  ['Queue', 'queue'],
  ['Roles', 'role'],
  ['Role', 'role'],
  ['Group', 'group'],
];

/** Sharing rule access levels as Setup labels them, with the API's name. */
const RULE_ACCESS_LABELS: ReadonlyArray<[string, AccessLevel]> = [
  ['Read/Write', 'Edit'],
  ['Read Only', 'Read'],
  ['Full Access', 'All'],
];

/**
 * OAuth scopes a connected app can request (Salesforce Help, "OAuth Tokens and Scopes"). The
 * connected app page lists each as a label with its names in parentheses, e.g. "Manage user data
 * via APIs (api)", "Perform requests at any time (refresh_token, offline_access)" (as quoted in
 * docs.runreveal.com, "Salesforce AuditTrail"); labels without the parentheses map through
 * SCOPE_LABELS.
 */
const SCOPE_NAMES = new Set([
  'address',
  'api',
  'cdp_api',
  'cdp_ingest_api',
  'cdp_profile_api',
  'cdp_query_api',
  'cdp_segment_api',
  'chatbot_api',
  'chatter_api',
  'content',
  'custom_permissions',
  'eclair_api',
  'email',
  'forgot_password',
  'full',
  'id',
  'interaction_api',
  'lightning',
  'offline_access',
  'openid',
  'pardot_api',
  'phone',
  'profile',
  'refresh_token',
  'sfap_api',
  'user_registration_api',
  'visualforce',
  'wave_api',
  'web',
]);

const SCOPE_LABELS: ReadonlyArray<[string, string[]]> = [
  ['Perform requests on your behalf at any time', ['refresh_token', 'offline_access']],
  ['Perform requests at any time', ['refresh_token', 'offline_access']],
  ['Manage user data via APIs', ['api']],
  ['Access and manage your data', ['api']],
  ['Manage user data via Web browsers', ['web']],
  ['Provide access to your data via the Web', ['web']],
  ['Full access', ['full']],
  ['Access the identity URL service', ['id']],
  ['Access unique user identifiers', ['openid']],
  ['Access Lightning applications', ['lightning']],
  ['Access Visualforce applications', ['visualforce']],
  ['Access content resources', ['content']],
  ['Access custom permissions', ['custom_permissions']],
];

/**
 * The IP Relaxation choices of a connected app's OAuth policies (Salesforce Help, "Manage OAuth
 * Access Policies for a Connected App"), longest first so that one label never shadows another.
 */
const IP_RELAXATION_LABELS: ReadonlyArray<[string, IpRelaxation]> = [
  ['Enforce IP restrictions, but relax for refresh tokens', 'enforce_except_refresh_tokens'],
  ['Relax IP restrictions with second factor', 'relax_with_second_factor'],
  ['Relax IP restrictions', 'relax'],
  ['Enforce IP restrictions', 'enforce'],
];

/**
 * Labels that name several objects at once on the Sharing Settings page; the first is the one the
 * detector knows (Salesforce Help, "Organization-Wide Default Access Settings").
 */
const COMBINED_OBJECT_LABELS: Readonly<Record<string, string>> = {
  'Account, Contract and Asset': 'Account',
  'Account and Contract': 'Account',
};

/** Words that follow an object's label in a default's sentence and are not part of it. */
const OBJECT_TRAILING_WORDS = new Set([
  'Default',
  'Defaults',
  'Internal',
  'External',
  'Access',
  'Sharing',
  'Model',
  'Org',
  'Organization',
  'Setting',
  'Settings',
]);

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const byLength = (labels: Iterable<string>): string[] => [...labels].sort((a, b) => b.length - a.length);
const alternation = (labels: Iterable<string>): string => byLength(labels).map(escape).join('|');

const VERB = '(?<verb>Created|Added|Changed|Updated|Edited|Deleted|Removed)';
/** An object's label: capitalised words (`Contact`, `Contact Point Email`, `Invoice__c`). */
const OBJECT_LABEL = '(?<object>[A-Z][A-Za-z0-9_]*(?: [A-Z][A-Za-z0-9_]*)*)';
const LEVEL = alternation(Object.keys(DEFAULT_ACCESS));
const CONNECTED_APP = '[Cc]onnected [Aa]pp';

const verbChange = (verb: string | undefined): 'created' | 'changed' | 'deleted' =>
  verb === 'Created' || verb === 'Added' ? 'created' : verb === 'Deleted' || verb === 'Removed' ? 'deleted' : 'changed';

/** An object's API name from its label: the detector's objects are labelled by their name with spaces. */
function objectApiName(label: string | undefined): string | undefined {
  if (!label) return undefined;
  const trimmed = label.trim();
  const combined = COMBINED_OBJECT_LABELS[trimmed];
  if (combined) return combined;
  const words = trimmed.split(' ');
  while (words.length > 1 && OBJECT_TRAILING_WORDS.has(words.at(-1) as string)) words.pop();
  const name = words.join('');
  return API_NAME.test(name) ? name : undefined;
}

/** An open audience named after "with" or "to" ("shared with All Internal Users", "to the public group …"). */
const AUDIENCE_NAMED = new RegExp(`\\b(?:with|to) (?:the )?(?:(?:[Pp]ublic )?[Gg]roup )?["']?(${alternation(Object.keys(AUDIENCE_LABELS))})\\b`);
const SHARE_TARGET_NAMED = new RegExp(`\\b(?:with|to) (?:the )?(${alternation(SHARE_TARGET_LABELS.map(([label]) => label))})\\b`);
const RULE_ACCESS_NAMED = new RegExp(`\\b(${alternation(RULE_ACCESS_LABELS.map(([label]) => label))})\\b`);

function audienceIn(text: string): Audience | undefined {
  const match = AUDIENCE_NAMED.exec(text);
  return match ? AUDIENCE_LABELS[match[1] as string] : undefined;
}

function shareTargetIn(text: string): ShareTarget | undefined {
  const match = SHARE_TARGET_NAMED.exec(text);
  return match ? SHARE_TARGET_LABELS.find(([label]) => label === match[1])?.[1] : undefined;
}

function ruleAccessIn(text: string): AccessLevel | undefined {
  const match = RULE_ACCESS_NAMED.exec(text);
  return match ? RULE_ACCESS_LABELS.find(([label]) => label === match[1])?.[1] : undefined;
}

/** A rule name as the Metadata API spells one (SharingBaseRule fullName: letters, digits, single underscores). */
const RULE_NAME = /^[A-Za-z](?:[A-Za-z0-9]|_(?!_))*$/;

const RULE_TYPES: Readonly<Record<string, SharingRuleType>> = { 'criteria-based': 'criteria', 'owner-based': 'owner', 'guest user': 'guest' };

function sharingRule(groups: Groups): AuditChange {
  const change = verbChange(groups['verb']);
  const name = groups['rule']?.trim().replace(/^["'“]|["'”]$/g, '');
  const rule = name && name.length <= 80 && RULE_NAME.test(name) && !name.endsWith('_') ? name : undefined;
  const ruleType = groups['kind'] ? RULE_TYPES[groups['kind'].toLowerCase()] : undefined;
  const rest = groups['rest'] ?? '';
  const object = objectApiName(groups['object']);
  const sharedWith = change === 'deleted' ? undefined : audienceIn(rest);
  const sharedWithType = sharedWith ? undefined : shareTargetIn(rest);
  const accessLevel = ruleAccessIn(rest);
  return {
    type: 'sharingRule',
    change,
    ...(object ? { object } : {}),
    ...(sharedWith ? { sharedWith } : {}),
    ...(sharedWithType ? { sharedWithType } : {}),
    ...(accessLevel ? { accessLevel } : {}),
    ...(rule ? { rule } : {}),
    ...(ruleType ? { ruleType } : {}),
  };
}

function orgWideDefault(groups: Groups): AuditChange | undefined {
  const from = groups['from'];
  const to = groups['to'];
  const before = from ? DEFAULT_ACCESS[from] : undefined;
  const after = to ? DEFAULT_ACCESS[to] : undefined;
  if (!from || !to || !before || !after) return undefined;
  const object = objectApiName(groups['object']);
  const scope = /\b[Ee]xternal\b/.test(`${groups['object'] ?? ''} ${groups['middle'] ?? ''}`) ? 'external' : 'internal';
  const opensTo = after.rank > before.rank ? after.audience : undefined;
  return { type: 'orgWideDefault', scope, ...(object ? { object } : {}), from, to, ...(opensTo ? { opensTo } : {}) };
}

/** A checkbox value as on (true), off (false), or undefined when the text is not one. */
function switchValue(value: string | undefined): boolean | undefined {
  const lower = value?.toLowerCase();
  if (lower === undefined) return undefined;
  if (ON_VALUES.includes(lower)) return true;
  if (OFF_VALUES.includes(lower)) return false;
  return undefined;
}

const holderOf = (text: string | undefined): 'permissionSet' | 'profile' => (text?.toLowerCase() === 'profile' ? 'profile' : 'permissionSet');

/**
 * "<name>: <label>" → the holder's name and the permission's API name. Names may hold ": " themselves
 * (standard profiles are "Custom: Marketing Profile"), so the label is matched from the end.
 */
function splitNameAndLabel(rest: string): { name?: string; permission?: string } {
  for (const label of byLength(Object.keys(PERMISSION_LABELS))) {
    for (const suffix of [`: ${label}`, `: ${label} permission`]) {
      if (rest.toLowerCase().endsWith(suffix.toLowerCase())) {
        const name = rest.slice(0, rest.length - suffix.length).trim();
        return { ...(name ? { name } : {}), permission: PERMISSION_LABELS[label] };
      }
    }
  }
  const colon = rest.lastIndexOf(': ');
  const name = colon > 0 ? rest.slice(0, colon).trim() : undefined;
  return name ? { name } : {};
}

function permissionOfLabel(label: string | undefined): string | undefined {
  const wanted = label?.trim().toLowerCase();
  const found = Object.keys(PERMISSION_LABELS).find((l) => l.toLowerCase() === wanted);
  return found ? PERMISSION_LABELS[found] : undefined;
}

function permissionChange(groups: Groups): AuditChange | undefined {
  const granted = groups['verb'] ? groups['verb'] === 'Enabled' : switchValue(groups['to']);
  if (granted === undefined) return undefined;
  if (groups['verb'] === undefined && switchValue(groups['from']) === undefined) return undefined;
  const split =
    groups['rest'] !== undefined ? splitNameAndLabel(groups['rest']) : { name: groups['name']?.trim(), permission: permissionOfLabel(groups['label']) };
  return {
    type: 'permission',
    holder: holderOf(groups['holder']),
    ...(split.name ? { name: split.name } : {}),
    permissions: split.permission ? [split.permission] : [],
    ...(groups['from'] ? { from: groups['from'] } : {}),
    ...(groups['to'] ? { to: groups['to'] } : {}),
    granted,
  };
}

/** Scope names in a connected app's list: names in parentheses, known labels, or bare names. */
function scopesIn(text: string | undefined): string[] {
  if (!text) return [];
  const found: string[] = [];
  const add = (scope: string) => {
    if (SCOPE_NAMES.has(scope) && !found.includes(scope)) found.push(scope);
  };
  for (const match of text.matchAll(/\(([^()]*)\)/g)) for (const name of (match[1] as string).split(',')) add(name.trim());
  const outside = text.replace(/\([^()]*\)/g, ',');
  for (const [label, names] of SCOPE_LABELS) if (outside.toLowerCase().includes(label.toLowerCase())) names.forEach(add);
  for (const part of outside.split(/,|;|\band\b/)) add(part.trim());
  return found;
}

function ipRelaxationIn(text: string | undefined): IpRelaxation | undefined {
  const lower = text?.toLowerCase() ?? '';
  return IP_RELAXATION_LABELS.find(([label]) => lower.includes(label.toLowerCase()))?.[1];
}

const appName = (value: string | undefined): string | undefined => {
  const name = value
    ?.trim()
    .replace(/^["'“]|["'”]$/g, '')
    .trim();
  return name ? name : undefined;
};

function connectedApp(change: 'created' | 'changed' | 'deleted' | 'oauth_scopes' | 'ip_relaxation') {
  return (groups: Groups): AuditChange | undefined => {
    const name = appName(groups['name']);
    if (!name) return undefined;
    const named = groups['setting']?.toLowerCase();
    const kind = named ? (named.includes('scope') ? 'oauth_scopes' : 'ip_relaxation') : change;
    const scopes = kind === 'oauth_scopes' || kind === 'created' ? scopesIn(groups['to'] ?? groups['scopes']) : [];
    const previousScopes = kind === 'oauth_scopes' && groups['from'] !== undefined ? scopesIn(groups['from']) : [];
    const ipRelaxation = kind === 'ip_relaxation' ? ipRelaxationIn(groups['to']) : undefined;
    return {
      type: 'connectedApp',
      change: kind,
      appName: name,
      ...(scopes.length > 0 ? { scopes } : {}),
      ...(previousScopes.length > 0 ? { previousScopes } : {}),
      ...(ipRelaxation ? { ipRelaxation } : {}),
    };
  };
}

const setting = (change: SettingCode): AuditChange => ({ type: 'setting', change });

/**
 * The families, tried in order. Each Action code, Section and Display shape notes where it comes
 * from; "the Action catalogue" is the ACTION_MAP of a public Setup Audit Trail browser extension
 * (found by code search; it names codes such as PermSetEnableUserPerm, changeOauthDefaultScope,
 * loginIpRange). Shapes marked "assumed" follow the wording of Setup's own pages and the documented
 * example, and have not been seen verbatim in an org's audit trail.
 */
const FAMILIES: readonly Family[] = [
  {
    // insertSharingRule / updateSharingRule / deleteSharingRule: the Action catalogue;
    // createdCriteriaSharingRule: the product's own example (schemas/examples/sharing-oauth.json).
    // Section "Sharing Rules": trevSmart/mcp_salesforce's audit trail tool lists it among Sections.
    actions: ['insertSharingRule', 'updateSharingRule', 'deleteSharingRule', 'createdCriteriaSharingRule'],
    sections: ['Sharing Rules'],
    displays: [
      // "Created sharing rule All_Contacts for Contact" (schemas/examples/sharing-oauth.json), and the
      // same followed by whom it shares with and how (assumed).
      {
        pattern: new RegExp(
          `^${VERB} (?:(?<kind>[Cc]riteria-[Bb]ased|[Oo]wner-[Bb]ased|[Gg]uest [Uu]ser) )?[Ss]haring [Rr]ule (?<rule>.+?) for ${OBJECT_LABEL}(?<rest>[:,.;]? .*|\\.)?$`,
        ),
        build: sharingRule,
      },
      // "Created Contact sharing rule All_Contacts: …" (assumed: the object's label first, as the
      // Sharing Settings page titles its lists "Contact Sharing Rules").
      // The rule's name may follow, quoted or not ("Created Contact sharing rule "Open_Contacts": …").
      {
        pattern: new RegExp(`^${VERB} ${OBJECT_LABEL} [Ss]haring [Rr]ule(?: ["“]?(?<rule>[A-Za-z][A-Za-z0-9_]*)["”]?(?=[:,.;]|$))?(?<rest>[:,.;]? .*)?$`),
        build: sharingRule,
      },
    ],
  },
  {
    // Section "Sharing Defaults": sfmon's org-wide sharing monitor selects rows by it; no Action
    // code is documented.
    actions: [],
    sections: ['Sharing Defaults'],
    displays: [
      // "Account: Private -> Public Read Only" (sfmon's test of its org-wide default monitor), and
      // "Changed Contact org-wide default (external) from Private to Public Read Only" (assumed).
      {
        pattern: new RegExp(
          `^(?:(?:Changed|Updated|Set) )?${OBJECT_LABEL}(?<middle>(?:[ :,(]|-).*?)??:? ?(?:from )?(?<from>${LEVEL}) ?(?:->|→|to) (?<to>${LEVEL})\\.?$`,
        ),
        build: orgWideDefault,
      },
    ],
  },
  {
    // PermSetEnableUserPerm / PermSetDisableUserPerm / profilePermChangedCustom: the Action
    // catalogue. "Manage Users" holds permission set rows (sfdx-hardis lists PermSetAssign under it);
    // "Profiles" and "Permission Sets" are the Setup pages' names (assumed as Section values).
    actions: ['PermSetEnableUserPerm', 'PermSetDisableUserPerm', 'profilePermChangedCustom'],
    sections: ['Manage Users', 'Profiles', 'Permission Sets'],
    displays: [
      // "Changed permission set Marketing Power: Modify All Data was changed from False to True":
      // Display text starting "Changed permission set" / "Changed profile" is what vorno-crole's
      // sf-org-auditor rules match (data/auditRules/Audit_Rule__c.csv); the tail is assumed.
      {
        pattern: /^Changed (?<holder>[Pp]ermission [Ss]et|[Pp]rofile) (?<rest>.+?) (?:permission )?was changed from (?<from>\S+) to (?<to>[^\s.]+)\.?$/,
        build: permissionChange,
      },
      // "Changed Modify All Data permission for profile Custom: Sales from disabled to enabled" (assumed).
      {
        pattern: /^Changed (?<label>.+?) permission for (?<holder>[Pp]ermission [Ss]et|[Pp]rofile) (?<name>.+?) from (?<from>\S+) to (?<to>[^\s.]+)\.?$/,
        build: permissionChange,
      },
      // "Enabled Modify All Data for permission set Marketing Power" (assumed, after the Enable /
      // Disable Action codes).
      {
        pattern: /^(?<verb>Enabled|Disabled) (?<label>.+?) (?:permission )?(?:for|on|in) (?<holder>[Pp]ermission [Ss]et|[Pp]rofile) (?<name>.+?)\.?$/,
        build: permissionChange,
      },
    ],
  },
  {
    // insertConnectedApplication, Section "Connected Apps": elastic/integrations' Salesforce
    // setupaudittrail sample; the other codes: the Action catalogue.
    actions: ['insertConnectedApplication', 'insertApplication', 'deleteApplication', 'changeOauthDefaultScope', 'changeIpRelaxationPolicy'],
    sections: ['Connected Apps'],
    displays: [
      // All connected app shapes are assumed: "Created connected app <name>[ with OAuth scopes …]",
      // "Deleted connected app <name>", "Changed OAuth scopes for connected app <name> from … to …",
      // "Changed IP relaxation for connected app <name> from … to …", and the permission set style
      // "Changed connected app <name>: OAuth scopes was changed from … to …".
      {
        pattern: new RegExp(`^(?:Created|Added) (?:new )?${CONNECTED_APP} (?<name>.+?)(?: with (?:(?:[Ss]elected )?OAuth )?[Ss]copes:? (?<scopes>.+?))?\\.?$`),
        build: connectedApp('created'),
      },
      { pattern: new RegExp(`^(?:Deleted|Removed) ${CONNECTED_APP} (?<name>.+?)\\.?$`), build: connectedApp('deleted') },
      {
        pattern: new RegExp(
          `^Changed (?:the )?(?:[Ss]elected )?OAuth [Ss]copes (?:for|of|on) ${CONNECTED_APP} (?<name>.+?) (?:from (?<from>.*?) )?to (?<to>.+?)\\.?$`,
        ),
        build: connectedApp('oauth_scopes'),
      },
      {
        pattern: new RegExp(
          `^Changed (?:the )?IP [Rr]elaxation(?: [Pp]olicy)? (?:for|of|on) ${CONNECTED_APP} (?<name>.+?) (?:from (?<from>.+?) )?to (?<to>.+?)\\.?$`,
        ),
        build: connectedApp('ip_relaxation'),
      },
      {
        pattern: new RegExp(
          `^Changed ${CONNECTED_APP} (?<name>[^:]+?): (?<setting>(?:[Ss]elected )?OAuth [Ss]copes|IP [Rr]elaxation)(?: [Pp]olicy)? (?:was |were )?changed from (?<from>.*) to (?<to>.+?)\\.?$`,
        ),
        build: connectedApp('changed'),
      },
      { pattern: new RegExp(`^(?:Changed|Updated|Edited) ${CONNECTED_APP} (?<name>[^:]+?)(?::.*)?\\.?$`), build: connectedApp('changed') },
    ],
  },
  {
    // loginIpRange / sessiontimeoutForProfile / requiredSessionLevelForProfile: the Action
    // catalogue; "Network Access", "Session Settings" and "Security Controls" are the Setup pages of
    // the org's trusted IP ranges and session settings (assumed as Section values).
    actions: ['loginIpRange', 'sessiontimeoutForProfile', 'requiredSessionLevelForProfile'],
    sections: ['Manage Users', 'Profiles', 'Security Controls', 'Network Access', 'Session Settings'],
    displays: [
      // Keywords of Setup's own field labels (assumed in the Display): "Login IP Ranges" on a profile,
      // "Trusted IP Range" under Network Access, "Timeout value" and "Session security level".
      { pattern: /\b[Ll]ogin IP [Rr]anges?\b/, build: () => setting('login_ip_range') },
      { pattern: /\b[Tt]rusted IP [Rr]anges?\b/, build: () => setting('trusted_ip_range') },
      { pattern: /\b[Ss]ession [Ss]ecurity [Ll]evel\b/, build: () => setting('session_security_level') },
      { pattern: /\b[Ss]ession [Tt]ime-?out\b|\b[Tt]imeout [Vv]alue\b/, build: () => setting('session_timeout') },
    ],
    byAction: {
      loginIpRange: setting('login_ip_range'),
      sessiontimeoutForProfile: setting('session_timeout'),
      requiredSessionLevelForProfile: setting('session_security_level'),
    },
    bySection: { 'Network Access': setting('trusted_ip_range'), 'Session Settings': setting('session_settings') },
  },
];

const ASSIGNMENTS = new Set(ASSIGNMENT_ACTIONS.map((a) => a.toLowerCase()));
const FAMILY_ACTIONS = FAMILIES.map((family) => new Set(family.actions.map((a) => a.toLowerCase())));
const FAMILY_BY_ACTION = FAMILIES.map((family) => new Map(Object.entries(family.byAction ?? {}).map(([a, change]) => [a.toLowerCase(), change])));

/** Displays longer than the field's documented 1,000 characters are cut there before matching. */
const MAX_DISPLAY = 1_000;

/** The typed change one SetupAuditTrail row describes; `unknown` when neither its Action nor its Display says. */
export function parseAuditRow(row: AuditRowText): AuditChange {
  const action = row.Action.toLowerCase();
  if (ASSIGNMENTS.has(action)) return { type: 'assignment' };
  const section = row.Section ?? '';
  const display = (row.Display ?? '').slice(0, MAX_DISPLAY).trim();
  for (const [index, family] of FAMILIES.entries()) {
    if (!FAMILY_ACTIONS[index]?.has(action) && !family.sections.includes(section)) continue;
    for (const rule of family.displays) {
      const match = rule.pattern.exec(display);
      const change = match ? rule.build(match.groups ?? {}) : undefined;
      // createdCriteriaSharingRule says the kind of rule its Display may not.
      if (change?.type === 'sharingRule' && !change.ruleType && action === 'createdcriteriasharingrule') return { ...change, ruleType: 'criteria' };
      if (change) return change;
    }
    const fixed = FAMILY_BY_ACTION[index]?.get(action) ?? family.bySection?.[section];
    if (fixed) return fixed;
  }
  return { type: 'unknown' };
}
