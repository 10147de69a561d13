import type { FieldDef, FieldType, ObjectDef } from './metadata.js';

/**
 * The standard objects the sidecar reads, with the fields the Salesforce Field Reference lists for
 * each (developer.salesforce.com/docs/platform/field-reference, "salesforce-field-reference-<object>",
 * and the Object Reference page of the same object). Only documented fields are here, so a query
 * naming a field an org does not have fails as it would there (INVALID_FIELD).
 *
 * `createable: false` marks objects the API only reads (SetupAuditTrail, LoginHistory, OauthToken,
 * EventLogFile, ConnectedApplication: "Supported Calls: query(), retrieve()"); the emulator's
 * seeding endpoint is the only way to fill them. `updateable` and `deletable` follow `createable`
 * unless the object's Supported Calls say otherwise (UserLogin: update() without create() or
 * delete(); AuthSession: delete() without create() or update()).
 */

type Spec = [name: string, type: FieldType, options?: { referenceTo?: string; length?: number; writable?: boolean; unique?: boolean; defaultValue?: boolean }];

interface StandardObject {
  name: string;
  label: string;
  /** The documented three-character id prefix. */
  keyPrefix: string;
  createable: boolean;
  /** Whether update() is a supported call; default `createable`. */
  updateable?: boolean;
  /** Whether delete() is a supported call; default `createable`. */
  deletable?: boolean;
  fields: Spec[];
}

const ro = { writable: false };
const user = (name: string): Spec => [name, 'Lookup', { referenceTo: 'User', writable: false }];
const audit = (created = true, modified = true): Spec[] => [
  ...(created ? [['CreatedDate', 'DateTime', ro] as Spec, user('CreatedById')] : []),
  ...(modified ? [['LastModifiedDate', 'DateTime', ro] as Spec, user('LastModifiedById')] : []),
  ['SystemModstamp', 'DateTime', ro],
];

/** The 14 critical permissions of the detector, and the ones the collectors' user needs. */
const PERMISSION_FIELDS = [
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
  'ApiEnabled',
  'ViewSetup',
  'ViewEventLogFiles',
].map((p): Spec => [`Permissions${p}`, 'Checkbox']);

const OBJECTS: StandardObject[] = [
  {
    name: 'User',
    label: 'User',
    keyPrefix: '005',
    createable: true,
    fields: [
      ['Username', 'Text', { length: 80, unique: true }],
      ['FirstName', 'Text', { length: 40 }],
      ['LastName', 'Text', { length: 80 }],
      ['Name', 'Text', { length: 121, writable: false }],
      ['Email', 'Email'],
      ['ProfileId', 'Lookup', { referenceTo: 'Profile' }],
      ['UserType', 'Picklist', ro],
      ['IsActive', 'Checkbox'],
      ['LastLoginDate', 'DateTime', ro],
      ...audit(),
    ],
  },
  {
    name: 'Profile',
    label: 'Profile',
    keyPrefix: '00e',
    createable: true,
    fields: [['Name', 'Text', { length: 255 }], ['UserLicenseId', 'Id'], ['UserType', 'Picklist', ro], ...audit()],
  },
  {
    name: 'PermissionSet',
    label: 'Permission Set',
    keyPrefix: '0PS',
    createable: true,
    fields: [
      ['Name', 'Text', { length: 80 }],
      ['Label', 'Text', { length: 80 }],
      ['Description', 'TextArea'],
      ['IsOwnedByProfile', 'Checkbox', ro],
      ['ProfileId', 'Lookup', { referenceTo: 'Profile', writable: false }],
      ['PermissionSetGroupId', 'Lookup', { referenceTo: 'PermissionSetGroup', writable: false }],
      ['Type', 'Picklist', ro],
      ['LicenseId', 'Id'],
      ['NamespacePrefix', 'Text', { length: 15, writable: false }],
      ...PERMISSION_FIELDS,
      ...audit(),
    ],
  },
  {
    name: 'PermissionSetGroup',
    label: 'Permission Set Group',
    keyPrefix: '0PG',
    createable: true,
    fields: [
      ['DeveloperName', 'Text', { length: 80 }],
      ['MasterLabel', 'Text', { length: 80 }],
      ['Description', 'TextArea'],
      ['Status', 'Picklist', ro],
      ...audit(),
    ],
  },
  {
    // No CreatedById or CreatedDate: the object does not record who assigned it.
    name: 'PermissionSetAssignment',
    label: 'Permission Set Assignment',
    keyPrefix: '0Pa',
    createable: true,
    fields: [
      ['AssigneeId', 'Lookup', { referenceTo: 'User' }],
      ['PermissionSetId', 'Lookup', { referenceTo: 'PermissionSet' }],
      ['PermissionSetGroupId', 'Lookup', { referenceTo: 'PermissionSetGroup' }],
      ['ExpirationDate', 'DateTime'],
      ['IsActive', 'Checkbox', ro],
      ['IsRevoked', 'Checkbox'],
      ['SystemModstamp', 'DateTime', ro],
    ],
  },
  {
    name: 'ObjectPermissions',
    label: 'Object Permissions',
    keyPrefix: '110',
    createable: true,
    fields: [
      ['ParentId', 'Lookup', { referenceTo: 'PermissionSet' }],
      ['SobjectType', 'Picklist'],
      ['PermissionsCreate', 'Checkbox'],
      ['PermissionsRead', 'Checkbox'],
      ['PermissionsEdit', 'Checkbox'],
      ['PermissionsDelete', 'Checkbox'],
      ['PermissionsViewAllRecords', 'Checkbox'],
      ['PermissionsModifyAllRecords', 'Checkbox'],
      ['PermissionsViewAllFields', 'Checkbox'],
      ...audit(),
    ],
  },
  {
    name: 'SetupAuditTrail',
    label: 'Setup Audit Trail',
    keyPrefix: '0Ym',
    createable: false,
    fields: [
      ['Action', 'Text', { length: 120, writable: false }],
      ['Section', 'Text', { length: 40, writable: false }],
      ['Display', 'Text', { length: 1000, writable: false }],
      ['DelegateUser', 'Text', { length: 80, writable: false }],
      ['ResponsibleNamespacePrefix', 'Text', { length: 15, writable: false }],
      ['CreatedByContext', 'Text', { length: 80, writable: false }],
      ['CreatedByIssuer', 'Text', { length: 80, writable: false }],
      ['CreatedDate', 'DateTime', ro],
      user('CreatedById'),
      ['SystemModstamp', 'DateTime', ro],
    ],
  },
  {
    name: 'LoginHistory',
    label: 'Login History',
    keyPrefix: '0Ya',
    createable: false,
    fields: [
      user('UserId'),
      ['LoginTime', 'DateTime', ro],
      ['LoginType', 'Picklist', ro],
      ['LoginSubType', 'Picklist', ro],
      ['LoginUrl', 'Text', { length: 255, writable: false }],
      ['SourceIp', 'Text', { length: 39, writable: false }],
      ['ForwardedForIp', 'Text', { length: 255, writable: false }],
      ['Status', 'Text', { length: 255, writable: false }],
      ['Application', 'Text', { length: 64, writable: false }],
      ['ApiType', 'Text', { length: 64, writable: false }],
      ['ApiVersion', 'Text', { length: 32, writable: false }],
      ['Browser', 'Text', { length: 64, writable: false }],
      ['Platform', 'Text', { length: 64, writable: false }],
      ['ClientVersion', 'Text', { length: 64, writable: false }],
      ['CountryIso', 'Text', { length: 3, writable: false }],
      ['LoginGeoId', 'Id', ro],
      ['AuthenticationServiceId', 'Id', ro],
      ['AuthMethodReference', 'Text', { length: 128, writable: false }],
      ['CipherSuite', 'Picklist', ro],
      ['TlsProtocol', 'Picklist', ro],
      ['NetworkId', 'Id', ro],
      ['OptionsIsGet', 'Checkbox', ro],
      ['OptionsIsPost', 'Checkbox', ro],
    ],
  },
  {
    // UserPermissionAccess (Object Reference, API 41.0+): the calling user's own permissions, one row.
    // Supported Calls: describeSObjects(), query(). "API users without PermissionsViewSetup can use
    // this object to check if their own sessions have access to a feature." The row is built per
    // query (soql.ts); the key prefix is the emulator's (the reference names none).
    name: 'UserPermissionAccess',
    label: 'User Permission Access',
    keyPrefix: '0up',
    createable: false,
    fields: [['LastCacheUpdate', 'DateTime', ro], ...PERMISSION_FIELDS],
  },
  {
    // No scope field. Users with Customize Application see every user's tokens, others only their own.
    name: 'OauthToken',
    label: 'OAuth Token',
    keyPrefix: '0CQ',
    createable: false,
    fields: [
      ['AppName', 'Text', { length: 255, writable: false }],
      ['AppMenuItemId', 'Id', ro],
      user('UserId'),
      ['CreatedDate', 'DateTime', ro],
      ['LastUsedDate', 'DateTime', ro],
      ['UseCount', 'Number', ro],
      ['AccessToken', 'Text', { length: 255, writable: false }],
      ['DeleteToken', 'Text', { length: 255, writable: false }],
      ['RequestToken', 'Text', { length: 255, writable: false }],
    ],
  },
  {
    // UserLogin (Object Reference "UserLogin", API 29.0+): "Represents the settings that affect a user's
    // ability to log into an organization. To access this object, you need the
    // UserPermissions.ManageUsers permission." Supported Calls: describeSObjects(), query(), retrieve(),
    // update(). The Field Reference lists Id, IsFrozen, IsPasswordLocked, LastModifiedById,
    // LastModifiedDate and UserId, nothing else. UserId "can't be updated"; IsFrozen and IsPasswordLocked
    // are "Defaulted on create … Update" with default false; of IsPasswordLocked: "From the API, you can
    // set this field to false, but not true" (enforced by the sObject Rows PATCH, server.ts).
    // https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-userlogin.html
    name: 'UserLogin',
    label: 'User Login',
    keyPrefix: '060',
    createable: false,
    updateable: true,
    deletable: false,
    fields: [
      user('UserId'),
      ['IsFrozen', 'Checkbox', { defaultValue: false }],
      ['IsPasswordLocked', 'Checkbox', { defaultValue: false }],
      ['LastModifiedDate', 'DateTime', ro],
      user('LastModifiedById'),
    ],
  },
  {
    // AuthSession (Object Reference "AuthSession", API 29.0+): "represents an individual user session in
    // your organization". Supported Calls: delete(), describeSObjects(), query(), retrieve(). "For a user,
    // only their own sessions are available, while administrators can see all sessions. You can't change
    // user sessions with this object; only read and delete them." Visibility is applied in soql.ts and
    // the DELETE route. Lengths of the string fields (SourceIp, LogoutUrl) are not documented, so none
    // is enforced. LoginGeoId (API 34.0+) is kept as a plain id, as on LoginHistory: the emulator
    // has no LoginGeo object. Picklists (LoginType, SessionType, SessionSecurityLevel, UserType) are not
    // restricted here: the reference lists many values and adds more by release.
    // https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/sforce_api_objects_authsession.htm
    name: 'AuthSession',
    label: 'Auth Session',
    keyPrefix: '0Ak',
    createable: false,
    updateable: false,
    deletable: true,
    fields: [
      user('UsersId'),
      ['CreatedDate', 'DateTime', ro],
      ['LastModifiedDate', 'DateTime', ro],
      ['NumSecondsValid', 'Number', ro],
      ['LoginType', 'Picklist', ro],
      ['SessionType', 'Picklist', ro],
      ['SessionSecurityLevel', 'Picklist', ro],
      ['SourceIp', 'Text', ro],
      ['UserType', 'Picklist', ro],
      ['IsCurrent', 'Checkbox', ro],
      ['LoginHistoryId', 'Lookup', { referenceTo: 'LoginHistory', writable: false }],
      ['LoginGeoId', 'Id', ro],
      ['ParentId', 'Lookup', { referenceTo: 'AuthSession', writable: false }],
      ['LogoutUrl', 'Text', ro],
    ],
  },
  {
    name: 'ConnectedApplication',
    label: 'Connected App',
    keyPrefix: '0H4',
    createable: false,
    fields: [
      ['Name', 'Text', { length: 80, writable: false }],
      ['OptionsAllowAdminApprovedUsersOnly', 'Checkbox', ro],
      ['OptionsIsInternal', 'Checkbox', ro],
      ['MobileStartUrl', 'Url', ro],
      ...audit(),
    ],
  },
  {
    name: 'EventLogFile',
    label: 'Event Log File',
    keyPrefix: '0AT',
    createable: false,
    fields: [
      ['EventType', 'Picklist', ro],
      ['Interval', 'Picklist', ro],
      ['LogDate', 'DateTime', ro],
      ['LogFile', 'Url', { length: 255, writable: false }],
      ['LogFileContentType', 'Text', { length: 255, writable: false }],
      ['LogFileFieldNames', 'Text', { length: 1333, writable: false }],
      ['LogFileFieldTypes', 'Text', { length: 1333, writable: false }],
      ['LogFileLength', 'Number', ro],
      ['Sequence', 'Number', ro],
      ['ApiVersion', 'Number', ro],
      ['IsDeleted', 'Checkbox', ro],
      ...audit(),
    ],
  },
  {
    name: 'Account',
    label: 'Account',
    keyPrefix: '001',
    createable: true,
    fields: [['Name', 'Text', { length: 255 }], ['Phone', 'Phone'], user('OwnerId'), ['IsDeleted', 'Checkbox', ro], ...audit()],
  },
  {
    name: 'Contact',
    label: 'Contact',
    keyPrefix: '003',
    createable: true,
    fields: [
      ['FirstName', 'Text', { length: 40 }],
      ['LastName', 'Text', { length: 80 }],
      ['Name', 'Text', { length: 121, writable: false }],
      ['Email', 'Email'],
      ['Phone', 'Phone'],
      ['AccountId', 'Lookup', { referenceTo: 'Account' }],
      user('OwnerId'),
      ['IsDeleted', 'Checkbox', ro],
      ...audit(),
    ],
  },
  {
    name: 'Lead',
    label: 'Lead',
    keyPrefix: '00Q',
    createable: true,
    fields: [
      ['FirstName', 'Text', { length: 40 }],
      ['LastName', 'Text', { length: 80 }],
      ['Name', 'Text', { length: 121, writable: false }],
      ['Company', 'Text', { length: 255 }],
      ['Email', 'Email'],
      ['Phone', 'Phone'],
      ['Status', 'Picklist'],
      user('OwnerId'),
      ['IsDeleted', 'Checkbox', ro],
      ...audit(),
    ],
  },
  {
    // The Case Field Reference ("salesforce_field_reference_Case"); the org target upserts one Case per incident.
    // Picklist values (Status, Priority, Origin, …) are each org's own, so none is restricted here.
    name: 'Case',
    label: 'Case',
    keyPrefix: '500',
    createable: true,
    fields: [
      ['CaseNumber', 'Text', { length: 30, writable: false }],
      ['Subject', 'Text', { length: 255 }],
      ['Description', 'TextArea', { length: 32000 }],
      ['Comments', 'TextArea', { length: 4000 }],
      ['Status', 'Picklist'],
      ['Priority', 'Picklist'],
      ['Origin', 'Picklist'],
      ['Reason', 'Picklist'],
      ['Type', 'Picklist'],
      ['IsClosed', 'Checkbox', ro],
      ['ClosedDate', 'DateTime', ro],
      ['IsEscalated', 'Checkbox'],
      ['AccountId', 'Lookup', { referenceTo: 'Account' }],
      ['ContactId', 'Lookup', { referenceTo: 'Contact' }],
      ['ParentId', 'Lookup', { referenceTo: 'Case' }],
      ['SuppliedName', 'Text', { length: 80 }],
      ['SuppliedEmail', 'Email'],
      ['SuppliedPhone', 'Phone'],
      ['SuppliedCompany', 'Text', { length: 80 }],
      user('OwnerId'),
      ['IsDeleted', 'Checkbox', ro],
      ...audit(),
    ],
  },
  {
    // CaseComment (Object Reference "CaseComment"): a comment on a case; CommentBody holds up to 4,000 characters.
    name: 'CaseComment',
    label: 'Case Comment',
    keyPrefix: '00a',
    createable: true,
    fields: [
      ['ParentId', 'Lookup', { referenceTo: 'Case' }],
      ['CommentBody', 'TextArea', { length: 4000 }],
      ['IsPublished', 'Checkbox'],
      ['IsNotificationSelected', 'Checkbox'],
      ['IsDeleted', 'Checkbox', ro],
      ...audit(),
    ],
  },
  {
    // EntityDefinition and FieldDefinition (Object Reference and Tooling API "FieldDefinition"):
    // derived from the schema, one row per object and per field, read-only. EntityDefinitionId holds
    // the object's API name (an org uses the name for standard objects, an id for custom ones).
    name: 'EntityDefinition',
    label: 'Entity Definition',
    keyPrefix: '000',
    createable: false,
    fields: [
      ['DurableId', 'Text', { length: 70, writable: false }],
      ['QualifiedApiName', 'Text', { length: 250, writable: false }],
      ['DeveloperName', 'Text', { length: 40, writable: false }],
      ['Label', 'Text', { length: 40, writable: false }],
      ['KeyPrefix', 'Text', { length: 3, writable: false }],
      ['NamespacePrefix', 'Text', { length: 15, writable: false }],
    ],
  },
  {
    name: 'FieldDefinition',
    label: 'Field Definition',
    keyPrefix: '000',
    createable: false,
    fields: [
      ['DurableId', 'Text', { length: 255, writable: false }],
      ['QualifiedApiName', 'Text', { length: 250, writable: false }],
      ['DeveloperName', 'Text', { length: 40, writable: false }],
      ['Label', 'Text', { length: 40, writable: false }],
      ['DataType', 'Text', { length: 40, writable: false }],
      ['NamespacePrefix', 'Text', { length: 15, writable: false }],
      ['EntityDefinitionId', 'Lookup', { referenceTo: 'EntityDefinition', writable: false }],
      // "Data Sensitivity Level" and "Compliance Categorization" (Field Reference, FieldDefinition).
      ['SecurityClassification', 'Picklist', ro],
      ['ComplianceGroup', 'MultiselectPicklist', ro],
    ],
  },
];

/** Required on create, as the org requires them. */
const REQUIRED: Record<string, string[]> = { Contact: ['LastName'], Lead: ['LastName', 'Company'], Account: ['Name'] };

const fieldOf = (objectName: string, [name, type, options = {}]: Spec): FieldDef => ({
  name,
  label: name,
  type,
  required: REQUIRED[objectName]?.includes(name) ?? false,
  unique: options.unique ?? false,
  externalId: false,
  caseSensitive: false,
  writable: options.writable ?? true,
  ...(options.length !== undefined ? { length: options.length } : {}),
  ...(options.defaultValue !== undefined ? { defaultValue: options.defaultValue } : {}),
  ...(options.referenceTo ? { referenceTo: options.referenceTo, relationshipName: name.replace(/Id$/, '') } : {}),
});

/** The standard objects as schema entries; `Id` first, as describe lists it. */
export const standardObjects = (): ObjectDef[] =>
  OBJECTS.map((object) => {
    const fields: FieldDef[] = [
      { name: 'Id', label: 'Id', type: 'Id', required: false, unique: false, externalId: false, caseSensitive: false, writable: false },
      ...object.fields.map((spec) => fieldOf(object.name, spec)),
    ];
    return {
      name: object.name,
      label: object.label,
      keyPrefix: object.keyPrefix,
      standard: { createable: object.createable, updateable: object.updateable ?? object.createable, deletable: object.deletable ?? object.createable },
      fields: new Map(fields.map((f) => [f.name, f])),
      fieldsByLowerName: new Map(fields.map((f) => [f.name.toLowerCase(), f.name])),
      relationships: new Map(fields.filter((f) => f.relationshipName).map((f) => [f.relationshipName as string, f.name])),
    };
  });
