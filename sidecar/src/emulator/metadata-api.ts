import type { FastifyInstance, FastifyReply } from 'fastify';
import { XMLParser } from 'fast-xml-parser';
import type { OrgAuth } from './auth.js';
import { classificationOf, classificationProblems, metadataField, setClassification, type MetadataField } from './field-definitions.js';
import type { OrgWideDefaults, SharingTarget } from './sharing.js';
import {
  isSharingRuleType,
  sharingRuleInput,
  SHARING_RULE_TYPES,
  type FilterItem,
  type SharedTo,
  type SharingRule,
  type SharingRuleType,
  type SharingRules,
} from './sharing-rules.js';
import type { OrgStore } from './store.js';

/** The user permissions the Metadata API asks for (the PermissionSet fields' names without `Permissions`). */
export type MetadataPermission = 'ModifyAllData' | 'ModifyMetadata' | 'CustomizeApplication' | 'ManageSharing';

interface MetadataApiParts {
  store: OrgStore;
  auth: OrgAuth;
  /** Whether the integration user holds a permission now. */
  permitted: (permission: MetadataPermission) => boolean;
  /** The org-wide defaults the CustomObject component reads and replaces. */
  sharing: OrgWideDefaults;
  /** The sharing rules readMetadata, createMetadata and deleteMetadata of SharingCriteriaRule, SharingOwnerRule and SharingGuestRule serve. */
  sharingRules: SharingRules;
  onCall: () => void;
}

/**
 * The types the emulator serves: CustomField (classification) and CustomObject (org-wide defaults
 * only) with readMetadata and updateMetadata; the sharing rule types with readMetadata, createMetadata
 * and deleteMetadata.
 */
const SERVED_TYPES = new Set(['CustomField', 'CustomObject', ...SHARING_RULE_TYPES]);
/** Components per readMetadata, updateMetadata, createMetadata or deleteMetadata call ("Limit: 10" in each call's reference). */
const MAX_COMPONENTS = 10;
/** Metadata types the emulator knows exist but does not serve: an org that cannot use them says so. */
const OTHER_TYPES = new Set([
  'ApexClass',
  'ApexTrigger',
  'Layout',
  'PermissionSet',
  'Profile',
  'CustomLabels',
  'CustomMetadata',
  'StandardValueSet',
  'GlobalValueSet',
  'Flow',
  'ValidationRule',
  'RecordType',
  'ListView',
]);

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  isArray: (name) => name === 'fullNames' || name === 'metadata' || name === 'criteriaItems',
});

/** Why a create or update call is refused before any component is looked at: a SOAP fault's code and message. */
interface CallRefusal {
  code: string;
  message: string;
}

/**
 * The components of a createMetadata or updateMetadata call, all of one served type: at most 10, and "All
 * components must be of the same type in the same call" (the fault codes and wording are the emulator's).
 */
function componentsOf(call: Record<string, unknown>): { components: Array<Record<string, unknown>>; types: string[] } | { refusal: CallRefusal } {
  const components = ((call.metadata as unknown[] | undefined) ?? []).map((c) => (c && typeof c === 'object' ? (c as Record<string, unknown>) : {}));
  if (components.length > MAX_COMPONENTS) return { refusal: { code: 'LIMIT_EXCEEDED', message: `Too many components: at most ${MAX_COMPONENTS} per call` } };
  const types = [...new Set(components.map((c) => textOf(c['@_type']) ?? ''))];
  const other = types.find((t) => !SERVED_TYPES.has(t));
  if (other !== undefined) return { refusal: unusableType(other) };
  if (types.length > 1) return { refusal: { code: 'INVALID_TYPE', message: `All components must be of the same type in the same call: ${types.join(', ')}` } };
  return { components, types };
}

/** A type the emulator does not serve: one an org cannot use here, or one it does not know. */
const unusableType = (type: string): CallRefusal => ({
  code: 'INVALID_TYPE',
  message: OTHER_TYPES.has(type) ? `Cannot use: ${type} in this organization` : `Unknown type:${type}`,
});

const escape = (value: string): string => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const envelope = (body: string): string =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" ' +
  'xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
  `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

/** A SOAP fault as Salesforce sends it: HTTP 500, `faultcode` `sf:<CODE>`, `faultstring` `<CODE>: <message>`. */
const fault = (reply: FastifyReply, code: string, message: string) =>
  reply
    .code(500)
    .type('text/xml; charset=utf-8')
    .send(
      '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sf="http://soap.sforce.com/2006/04/metadata">' +
        `<soapenv:Body><soapenv:Fault><faultcode>${code.includes(':') ? code : `sf:${code}`}</faultcode><faultstring>${escape(code.includes(':') ? message : `${code}: ${message}`)}</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>`,
    );

const textOf = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && typeof (value as Record<string, unknown>)['#text'] === 'string')
    return (value as Record<string, string>)['#text'] as string;
  return null;
};

/** The element value or null for an empty or `xsi:nil` element. */
const valueOf = (node: Record<string, unknown>, key: string): string | null => {
  const value = textOf(node[key]);
  return value === null || value === '' ? null : value;
};

/** A field's CustomField component as readMetadata returns it (elements in the WSDL's alphabetical order). */
function componentXml(store: OrgStore, target: MetadataField): string {
  const { field } = target;
  const { securityClassification, complianceGroup } = classificationOf(store, target);
  const properties: Array<[string, string | number | boolean | undefined | null]> = [
    ['fullName', target.fullName],
    ['complianceGroup', complianceGroup],
    ...(target.custom
      ? ([
          ['externalId', field.externalId],
          ['label', field.label],
          ['length', field.length],
          ['precision', field.precision],
          ['required', field.required],
          ['scale', field.scale],
        ] as Array<[string, string | number | boolean | undefined]>)
      : []),
    ['securityClassification', securityClassification],
    ...(target.custom
      ? ([
          ['type', field.type],
          ['unique', field.unique],
        ] as Array<[string, string | boolean]>)
      : []),
  ];
  return properties
    .filter(([, value]) => value !== undefined && value !== null)
    .map(([name, value]) => `<${name}>${escape(String(value))}</${name}>`)
    .join('');
}

interface SaveError {
  statusCode: string;
  message: string;
  fields: string[];
}

const saveResultXml = (fullName: string, errors: SaveError[]): string =>
  `<result>${errors
    .map(
      (e) =>
        `<errors>${e.fields.map((f) => `<fields>${escape(f)}</fields>`).join('')}<message>${escape(e.message)}</message><statusCode>${e.statusCode}</statusCode></errors>`,
    )
    .join('')}<fullName>${escape(fullName)}</fullName><success>${errors.length === 0}</success></result>`;

/** Properties of a custom field a component must carry as the field has them: the emulator changes only the classification. */
const FIXED: Array<[string, (target: MetadataField) => string | undefined]> = [
  ['label', (t) => t.field.label],
  ['type', (t) => t.field.type],
  ['length', (t) => (t.field.length === undefined ? undefined : String(t.field.length))],
  ['precision', (t) => (t.field.precision === undefined ? undefined : String(t.field.precision))],
  ['scale', (t) => (t.field.scale === undefined ? undefined : String(t.field.scale))],
];

/** Saves one CustomField component, as updateMetadata does: the component replaces the field's. */
function updateOne(parts: MetadataApiParts, component: Record<string, unknown>): { fullName: string; errors: SaveError[] } {
  const fullName = valueOf(component, 'fullName') ?? '';
  const target = metadataField(parts.store, fullName);
  if (!target)
    return {
      fullName,
      errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: `In field: fullName - no CustomField named ${fullName} found`, fields: ['fullName'] }],
    };
  if (!parts.permitted('CustomizeApplication')) {
    return {
      fullName,
      errors: [
        {
          statusCode: 'INSUFFICIENT_ACCESS',
          message: `insufficient access rights: changing CustomField ${target.fullName} needs the Customize Application permission`,
          fields: [],
        },
      ],
    };
  }
  if (target.custom) {
    for (const [name, expected] of FIXED) {
      const given = valueOf(component, name);
      if ((name === 'label' || name === 'type') && given === null) {
        return { fullName, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Required field is missing: ${name}`, fields: [name] }] };
      }
      const wanted = expected(target);
      if (given !== null && wanted !== undefined && given !== wanted) {
        return {
          fullName,
          errors: [
            {
              statusCode: 'FIELD_INTEGRITY_EXCEPTION',
              message: `${name}: the emulator changes only securityClassification and complianceGroup; the field's ${name} is ${wanted}`,
              fields: [name],
            },
          ],
        };
      }
    }
  }
  const securityClassification = valueOf(component, 'securityClassification');
  const complianceGroup = valueOf(component, 'complianceGroup');
  const problems = classificationProblems(securityClassification, complianceGroup);
  if (problems.length > 0)
    return { fullName, errors: problems.map((p) => ({ statusCode: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST', message: p.message, fields: [p.field] })) };
  setClassification(parts.store, target, securityClassification, complianceGroup);
  return { fullName: target.fullName, errors: [] };
}

/**
 * An object's CustomObject component as readMetadata returns it, limited to what the emulator keeps:
 * fullName first (the Metadata base type's element), then the type's own elements in the WSDL's
 * alphabetical order. A custom object carries its definition's deploymentStatus, enableSharing, label
 * and pluralLabel; a standard object (Metadata API "CustomObject": the type also works "with
 * customizations of standard objects, such as accounts") only its sharing settings. Fields, list
 * views, nameField and the rest of a real component are not served.
 */
function objectComponentXml(parts: MetadataApiParts, target: SharingTarget): string {
  const sharing = parts.sharing.get(target.object.name);
  const definition = target.object.customObject;
  const properties: Array<[string, string | boolean | undefined]> = [
    ['fullName', target.object.name],
    ...(target.custom
      ? ([
          ['deploymentStatus', definition?.deploymentStatus],
          ['enableSharing', definition?.enableSharing],
        ] as Array<[string, string | boolean | undefined]>)
      : []),
    ['externalSharingModel', sharing?.externalSharingModel],
    ...(target.custom
      ? ([
          ['label', target.object.label],
          ['pluralLabel', definition?.pluralLabel],
        ] as Array<[string, string | undefined]>)
      : []),
    ['sharingModel', sharing?.sharingModel],
  ];
  return properties
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `<${name}>${escape(String(value))}</${name}>`)
    .join('');
}

/** Elements of a custom object's component the emulator does not change: a component must carry them as the object has them. */
const OBJECT_FIXED: Array<[string, (target: SharingTarget) => string | undefined, boolean]> = [
  // [element, the object's value, required] — label and pluralLabel are required of a custom object (Metadata API "CustomObject").
  ['label', (t) => t.object.label, true],
  ['pluralLabel', (t) => t.object.customObject?.pluralLabel, true],
  ['deploymentStatus', (t) => t.object.customObject?.deploymentStatus, false],
  ['enableSharing', (t) => (t.object.customObject?.enableSharing === undefined ? undefined : String(t.object.customObject.enableSharing)), false],
];

/**
 * Saves one CustomObject component, limited to the org-wide defaults. Metadata API "CustomObject":
 * "Specify all relevant fields when you create or update a custom object. You can't update a single
 * field on the object." So the component replaces the object's sharing settings, and one without
 * `sharingModel` or `externalSharingModel` is refused (FIELD_INTEGRITY_EXCEPTION "Required field is
 * missing: …", as the CustomField path answers; code and wording the emulator's). Values outside the
 * SharingModel enumeration, values the object does not offer and an external default wider than the
 * internal one are refused as `OrgWideDefaults.problems` says.
 */
function updateObject(parts: MetadataApiParts, component: Record<string, unknown>): { fullName: string; errors: SaveError[] } {
  const fullName = valueOf(component, 'fullName') ?? '';
  const target = parts.sharing.target(fullName);
  if (!target)
    return {
      fullName,
      errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: `In field: fullName - no CustomObject named ${fullName} found`, fields: ['fullName'] }],
    };
  if (!parts.permitted('CustomizeApplication')) {
    return {
      fullName,
      errors: [
        {
          statusCode: 'INSUFFICIENT_ACCESS',
          message: `insufficient access rights: changing CustomObject ${target.object.name} needs the Customize Application permission`,
          fields: [],
        },
      ],
    };
  }
  if (target.custom) {
    for (const [name, expected, required] of OBJECT_FIXED) {
      const given = valueOf(component, name);
      if (required && given === null)
        return { fullName, errors: [{ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Required field is missing: ${name}`, fields: [name] }] };
      const wanted = expected(target);
      if (given !== null && wanted !== undefined && given !== wanted) {
        return {
          fullName,
          errors: [
            {
              statusCode: 'FIELD_INTEGRITY_EXCEPTION',
              message: `${name}: the emulator changes only sharingModel and externalSharingModel; the object's ${name} is ${wanted}`,
              fields: [name],
            },
          ],
        };
      }
    }
  }
  const sharingModel = valueOf(component, 'sharingModel');
  const externalSharingModel = valueOf(component, 'externalSharingModel');
  const missing = [...(sharingModel === null ? ['sharingModel'] : []), ...(externalSharingModel === null ? ['externalSharingModel'] : [])];
  if (missing.length > 0)
    return {
      fullName,
      errors: missing.map((name) => ({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Required field is missing: ${name}`, fields: [name] })),
    };
  const settings = { sharingModel: sharingModel as string, externalSharingModel: externalSharingModel as string };
  const problems = parts.sharing.problems(target, settings);
  if (problems.length > 0) return { fullName, errors: problems };
  parts.sharing.set(target, settings);
  return { fullName: target.object.name, errors: [] };
}

const element = (name: string, value: string | boolean | undefined): string => (value === undefined ? '' : `<${name}>${escape(String(value))}</${name}>`);
/** A SharedTo's one element: the `all…` groups empty (`<allInternalUsers></allInternalUsers>`, as a retrieved `.sharingRules` file has them). */
const sharedToXml = (name: string, sharedTo: SharedTo | undefined): string =>
  sharedTo === undefined
    ? ''
    : `<${name}>${Object.entries(sharedTo)
        .map(([key, value]) => `<${key}>${escape(value)}</${key}>`)
        .join('')}</${name}>`;
const filterItemXml = (item: FilterItem): string =>
  `<criteriaItems>${element('field', item.field)}${element('operation', item.operation)}${element('value', item.value)}${element('valueField', item.valueField)}</criteriaItems>`;

/**
 * A sharing rule's component as readMetadata returns it: fullName, SharingBaseRule's elements in the
 * WSDL's order (accessLevel, accountSettings, description, label, sharedTo), then the type's own:
 * booleanFilter, criteriaItems (field, operation, value, valueField), includeHVUOwnedRecords,
 * includeRecordsOwnedByAll for criteria and guest rules; sharedFrom for owner rules.
 */
function sharingRuleXml(rule: SharingRule): string {
  const settings = rule.accountSettings;
  return [
    element('fullName', rule.fullName),
    element('accessLevel', rule.accessLevel),
    settings
      ? `<accountSettings>${element('caseAccessLevel', settings.caseAccessLevel)}${element('contactAccessLevel', settings.contactAccessLevel)}${element('opportunityAccessLevel', settings.opportunityAccessLevel)}</accountSettings>`
      : '',
    element('description', rule.description),
    element('label', rule.label),
    sharedToXml('sharedTo', rule.sharedTo),
    element('booleanFilter', rule.booleanFilter),
    ...(rule.criteriaItems ?? []).map(filterItemXml),
    element('includeHVUOwnedRecords', rule.includeHVUOwnedRecords),
    element('includeRecordsOwnedByAll', rule.includeRecordsOwnedByAll),
    sharedToXml('sharedFrom', rule.sharedFrom),
  ].join('');
}

/**
 * Metadata API "SharingRules", Special Access Rules: "only users with the View Setup and Configuration
 * permission can access this object, and only users with the Manage Sharing permission can edit this
 * object." Creating or deleting a rule without Manage Sharing is refused per component, as changing a
 * field without Customize Application is (code and wording the emulator's). Reading needs View Setup
 * and Configuration, which every user who may use the Metadata API (Modify Metadata, Modify All Data)
 * holds, so reading is not checked further.
 */
const noManageSharing = (verb: string, type: string, fullName: string): SaveError[] => [
  { statusCode: 'INSUFFICIENT_ACCESS', message: `insufficient access rights: ${verb} ${type} ${fullName} needs the Manage Sharing permission`, fields: [] },
];

/** Creates one sharing rule, as createMetadata does: refused with every problem `SharingRules.problems` finds. */
function createRule(parts: MetadataApiParts, type: SharingRuleType, component: Record<string, unknown>): { fullName: string; errors: SaveError[] } {
  const input = sharingRuleInput(component);
  if (!parts.permitted('ManageSharing')) return { fullName: input.fullName, errors: noManageSharing('creating', type, input.fullName) };
  const problems = parts.sharingRules.problems(type, input);
  if (problems.length > 0) return { fullName: input.fullName, errors: problems };
  return { fullName: parts.sharingRules.create(type, input).fullName, errors: [] };
}

/**
 * Deletes one sharing rule, as deleteMetadata does. A name without a rule of the type is refused
 * (`INVALID_CROSS_REFERENCE_KEY` "In field: fullName - no SharingCriteriaRule named X found", as
 * updateMetadata answers a field it cannot find; code and wording the emulator's).
 */
function deleteRule(parts: MetadataApiParts, type: SharingRuleType, fullName: string): { fullName: string; errors: SaveError[] } {
  if (!parts.permitted('ManageSharing')) return { fullName, errors: noManageSharing('deleting', type, fullName) };
  const stored = parts.sharingRules.get(fullName);
  if (!stored || stored.type !== type)
    return {
      fullName,
      errors: [{ statusCode: 'INVALID_CROSS_REFERENCE_KEY', message: `In field: fullName - no ${type} named ${fullName} found`, fields: ['fullName'] }],
    };
  parts.sharingRules.delete(fullName, type);
  return { fullName: stored.rule.fullName, errors: [] };
}

/**
 * Metadata API over SOAP (`/services/Soap/m/<version>`): readMetadata and updateMetadata of
 * CustomField, the calls the sidecar makes to apply data classification, and of CustomObject limited
 * to the org-wide defaults (sharingModel, externalSharingModel), to restore an object's OWD;
 * readMetadata, createMetadata and deleteMetadata of SharingCriteriaRule, SharingOwnerRule and
 * SharingGuestRule, to delete a sharing rule that opened personal data and re-create it on undo.
 * Session from the SessionHeader; Modify Metadata Through Metadata API Functions or Modify All Data to
 * use the API at all; Customize Application to change a field or object; Manage Sharing to create or
 * delete a sharing rule.
 */
export function registerMetadataApi(app: FastifyInstance, parts: MetadataApiParts): void {
  app.addContentTypeParser(['text/xml', 'application/soap+xml'], { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post<{ Params: { version: string } }>('/services/Soap/m/:version', async (request, reply) => {
    parts.onCall();
    if (!/^\d+\.\d$/.test(request.params.version)) return reply.code(404).type('text/plain').send('Not Found');
    let document: Record<string, unknown>;
    try {
      document = parser.parse(typeof request.body === 'string' ? request.body : '') as Record<string, unknown>;
    } catch {
      return fault(reply, 'soapenv:Client', 'Unable to parse the request: not XML');
    }
    const root = document.Envelope as Record<string, unknown> | undefined;
    const header = (root?.Header ?? {}) as Record<string, unknown>;
    const body = (root?.Body ?? {}) as Record<string, unknown>;
    const sessionId = valueOf((header.SessionHeader ?? {}) as Record<string, unknown>, 'sessionId');
    if (!parts.auth.isValid(sessionId ?? undefined)) return fault(reply, 'INVALID_SESSION_ID', 'Invalid Session ID found in SessionHeader: Illegal Session');
    if (!parts.permitted('ModifyMetadata') && !parts.permitted('ModifyAllData')) {
      return fault(reply, 'INSUFFICIENT_ACCESS', 'use of the Metadata API requires a user with the ModifyAllData or ModifyMetadata permissions');
    }
    const [operation] = Object.keys(body).filter((key) => !key.startsWith('@_'));
    const call = (operation ? body[operation] : undefined) as Record<string, unknown> | undefined;
    const refuse = (refusal: CallRefusal) => fault(reply, refusal.code, refusal.message);
    const unusable = (type: string) => refuse(unusableType(type));
    const respond = (xml: string) => reply.type('text/xml; charset=utf-8').send(envelope(xml));

    if (operation === 'readMetadata' && call) {
      const type = valueOf(call, 'type') ?? '';
      if (!SERVED_TYPES.has(type)) return unusable(type);
      const names = ((call.fullNames as unknown[] | undefined) ?? []).map((n) => textOf(n) ?? '');
      if (names.length > MAX_COMPONENTS) return fault(reply, 'LIMIT_EXCEEDED', `Too many fullNames: at most ${MAX_COMPONENTS} per call`);
      if (isSharingRuleType(type)) {
        const rules = names.map((name) => {
          const stored = parts.sharingRules.get(name);
          // A name without a rule of this type reads as an empty record, as an unknown field does.
          return stored && stored.type === type ? `<records xsi:type="${type}">${sharingRuleXml(stored.rule)}</records>` : `<records xsi:type="${type}"/>`;
        });
        return respond(`<readMetadataResponse><result>${rules.join('')}</result></readMetadataResponse>`);
      }
      if (type === 'CustomObject') {
        const objects = names.map((name) => {
          const target = parts.sharing.target(name);
          // An object the emulator keeps no org-wide default for reads as an empty record, as an unknown field does.
          return target ? `<records xsi:type="CustomObject">${objectComponentXml(parts, target)}</records>` : '<records xsi:type="CustomObject"/>';
        });
        return respond(`<readMetadataResponse><result>${objects.join('')}</result></readMetadataResponse>`);
      }
      const records = names.map((name) => {
        const target = metadataField(parts.store, name);
        // A name without a component reads as an empty record: no fullName.
        return target ? `<records xsi:type="CustomField">${componentXml(parts.store, target)}</records>` : '<records xsi:type="CustomField"/>';
      });
      return respond(`<readMetadataResponse><result>${records.join('')}</result></readMetadataResponse>`);
    }
    if (operation === 'updateMetadata' && call) {
      const read = componentsOf(call);
      if ('refusal' in read) return refuse(read.refusal);
      const { components, types } = read;
      const rule = types.find((t) => isSharingRuleType(t));
      if (rule !== undefined)
        return fault(
          reply,
          'INVALID_OPERATION',
          `the emulator serves updateMetadata of CustomField and CustomObject, not ${rule}: delete the rule and create it again`,
        );
      const save = types[0] === 'CustomObject' ? updateObject : updateOne;
      const results = components.map((component) => save(parts, component));
      return respond(`<updateMetadataResponse>${results.map((r) => saveResultXml(r.fullName, r.errors)).join('')}</updateMetadataResponse>`);
    }
    if (operation === 'createMetadata' && call) {
      // createMetadata(): at most 10 components, "All components must be of the same type in the same call";
      // one SaveResult per component, in order. The fault codes and wording are the emulator's.
      const read = componentsOf(call);
      if ('refusal' in read) return refuse(read.refusal);
      const { components, types } = read;
      const [type] = types;
      if (type !== undefined && !isSharingRuleType(type))
        return fault(reply, 'INVALID_OPERATION', `the emulator serves createMetadata of ${SHARING_RULE_TYPES.join(', ')}, not ${type}`);
      const results = type === undefined ? [] : components.map((component) => createRule(parts, type, component));
      return respond(`<createMetadataResponse>${results.map((r) => saveResultXml(r.fullName, r.errors)).join('')}</createMetadataResponse>`);
    }
    if (operation === 'deleteMetadata' && call) {
      // deleteMetadata(): a type and at most 10 fullNames; one DeleteResult (errors, fullName, success) per name, in order.
      const type = valueOf(call, 'type') ?? '';
      if (!SERVED_TYPES.has(type)) return unusable(type);
      const names = ((call.fullNames as unknown[] | undefined) ?? []).map((n) => textOf(n) ?? '');
      if (names.length > MAX_COMPONENTS) return fault(reply, 'LIMIT_EXCEEDED', `Too many fullNames: at most ${MAX_COMPONENTS} per call`);
      if (!isSharingRuleType(type))
        return fault(reply, 'INVALID_OPERATION', `the emulator serves deleteMetadata of ${SHARING_RULE_TYPES.join(', ')}, not ${type}`);
      const results = names.map((name) => deleteRule(parts, type, name));
      return respond(`<deleteMetadataResponse>${results.map((r) => saveResultXml(r.fullName, r.errors)).join('')}</deleteMetadataResponse>`);
    }
    return fault(
      reply,
      'soapenv:Client',
      `No operation available for request {http://soap.sforce.com/2006/04/metadata}${operation ?? ''}: the emulator serves readMetadata, updateMetadata, createMetadata and deleteMetadata`,
    );
  });
}
