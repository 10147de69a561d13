/**
 * Real-Time Event Monitoring and Threat Detection event channels as Pub/Sub API serves them, with
 * the fields Salesforce documents for each event object.
 *
 * Every field list is copied from the Salesforce Field Reference table of the object
 * (developer.salesforce.com/docs/platform/field-reference, "salesforce-field-reference-<object>"),
 * in the table's (alphabetical) order, with the documented type of each field. PermissionSetEvent
 * has no Field Reference table and uses its Platform Events Developer Guide page instead. ReplayId is listed by every table but left out here: Pub/Sub API
 * carries the replay id in the ConsumerEvent, outside the Avro payload.
 *
 * Documented types are kept in the tables below and mapped to the Avro-relevant type once:
 * string, picklist, textarea, reference, id, email, url, phone and json are strings (a json field
 * such as Records or FilterCriteria is delivered as serialized JSON text), int is int, long is
 * long, double/currency/percent are double, boolean is boolean, datetime/dateTime is datetime.
 *
 * Facts from the documentation that shape this catalog:
 *  - The file download event is FileEvent, channel /event/FileEvent (API 57.0+); the
 *    documentation has no FileEventStream object.
 *  - BulkApiResultEvent documents no JobId, BatchId or RowsProcessed field; only the Query.
 *  - LoginEventStream documents no UserAgent field (Browser and Platform carry the client).
 *  - CredentialStuffingEvent documents no SecurityEventData field.
 *  - CreatedById is listed only by the FileEvent table.
 */

/** Avro-relevant type of a documented field. */
export type TopicFieldType = 'string' | 'int' | 'long' | 'double' | 'boolean' | 'datetime';

export interface TopicField {
  /** Documented API name, e.g. 'RowsProcessed'. */
  name: string;
  /** Mapped from the documented type (see the header of this file). */
  type: TopicFieldType;
}

export interface TopicDefinition {
  /** Pub/Sub API topic name, e.g. '/event/ApiEventStream'. */
  topic: string;
  /** Event object API name, e.g. 'ApiEventStream'. */
  object: string;
  /** Where the field list comes from. */
  source: string;
  /** Every documented field except ReplayId, in documented order. */
  fields: readonly TopicField[];
}

/** Field types as the Field Reference tables and the Platform Events Developer Guide print them. */
type DocumentedType =
  | 'string'
  | 'picklist'
  | 'textarea'
  | 'reference'
  | 'id'
  | 'email'
  | 'url'
  | 'phone'
  | 'json'
  | 'int'
  | 'long'
  | 'double'
  | 'currency'
  | 'percent'
  | 'boolean'
  | 'datetime';

const AVRO_TYPE: Record<DocumentedType, TopicFieldType> = {
  string: 'string',
  picklist: 'string',
  textarea: 'string',
  reference: 'string',
  id: 'string',
  email: 'string',
  url: 'string',
  phone: 'string',
  json: 'string',
  int: 'int',
  long: 'long',
  double: 'double',
  currency: 'double',
  percent: 'double',
  boolean: 'boolean',
  datetime: 'datetime',
};

type Row = readonly [name: string, documentedType: DocumentedType];

const FIELD_REFERENCE = 'https://developer.salesforce.com/docs/platform/field-reference/references/field-reference/salesforce-field-reference-';

function topic(object: string, source: string, rows: readonly Row[]): TopicDefinition {
  const fields = rows.filter(([name]) => name !== 'ReplayId').map(([name, documentedType]) => Object.freeze({ name, type: AVRO_TYPE[documentedType] }));
  return Object.freeze({ topic: `/event/${object}`, object, source, fields: Object.freeze(fields) });
}

/**
 * ApiEventStream: query(), queryMore() and count() calls through SOAP API and Bulk API
 * (API 46.0+). The table rows after OperationStatus are those of the Summer '26 (API 67.0)
 * edition of the same Field Reference table.
 */
const API_EVENT_STREAM = topic('ApiEventStream', `${FIELD_REFERENCE}apieventstream.html`, [
  ['ActionName', 'string'],
  ['AdditionalInfo', 'string'],
  ['ApiType', 'string'],
  ['ApiVersion', 'double'],
  ['Application', 'string'],
  ['BotId', 'string'],
  ['BotSessionIdentifier', 'string'],
  ['Client', 'string'],
  ['ConnectedAppId', 'string'],
  ['CreatedDate', 'datetime'],
  ['ElapsedTime', 'int'],
  ['EvaluationTime', 'double'],
  ['EventDate', 'datetime'],
  ['EventIdentifier', 'string'],
  ['EventUuid', 'string'],
  ['LoginHistoryId', 'reference'],
  ['LoginKey', 'string'],
  ['Operation', 'picklist'],
  ['OperationStatus', 'string'],
  ['PlannerId', 'string'],
  ['Platform', 'string'],
  ['PolicyId', 'reference'],
  ['PolicyOutcome', 'picklist'],
  ['QueriedEntities', 'string'],
  ['Query', 'textarea'],
  ['Records', 'json'],
  ['RelatedEventIdentifier', 'string'],
  ['ReplayId', 'string'],
  ['RequestIdentifier', 'string'],
  ['RowsProcessed', 'double'],
  ['RowsReturned', 'double'],
  ['SessionKey', 'string'],
  ['SessionLevel', 'picklist'],
  ['SourceIp', 'string'],
  ['UserAgent', 'string'],
  ['UserId', 'reference'],
  ['Username', 'string'],
]);

/**
 * ReportEventStream: a user runs or exports a report (API 46.0+). Rows after LoginKey are those
 * of the Summer '26 (API 67.0) edition of the same table.
 */
const REPORT_EVENT_STREAM = topic('ReportEventStream', `${FIELD_REFERENCE}reporteventstream.html`, [
  ['ActionName', 'string'],
  ['BotId', 'string'],
  ['BotSessionIdentifier', 'string'],
  ['ColumnHeaders', 'string'],
  ['CreatedDate', 'datetime'],
  ['DashboardId', 'string'],
  ['DashboardName', 'string'],
  ['Description', 'string'],
  ['DisplayedFieldEntities', 'string'],
  ['EvaluationTime', 'double'],
  ['EventDate', 'datetime'],
  ['EventIdentifier', 'string'],
  ['EventSource', 'picklist'],
  ['EventUuid', 'string'],
  ['ExecutionIdentifier', 'string'],
  ['ExportFileFormat', 'string'],
  ['Format', 'picklist'],
  ['GroupedColumnHeaders', 'string'],
  ['IsScheduled', 'boolean'],
  ['LoginHistoryId', 'reference'],
  ['LoginKey', 'string'],
  ['Name', 'string'],
  ['NumberOfColumns', 'int'],
  ['Operation', 'picklist'],
  ['OwnerId', 'string'],
  ['PlannerId', 'string'],
  ['PolicyId', 'reference'],
  ['PolicyOutcome', 'picklist'],
  ['QueriedEntities', 'string'],
  ['Records', 'json'],
  ['RelatedEventIdentifier', 'string'],
  ['ReplayId', 'string'],
  ['ReportId', 'string'],
  ['RowsProcessed', 'double'],
  ['Scope', 'string'],
  ['Sequence', 'int'],
  ['SessionKey', 'string'],
  ['SessionLevel', 'picklist'],
  ['SourceIp', 'string'],
  ['UserId', 'reference'],
  ['Username', 'string'],
]);

/** BulkApiResultEvent: a user downloads the results of a Bulk API or Bulk API 2.0 request. */
const BULK_API_RESULT_EVENT = topic('BulkApiResultEvent', `${FIELD_REFERENCE}bulkapiresultevent.html`, [
  ['CreatedDate', 'datetime'],
  ['EvaluationTime', 'double'],
  ['EventDate', 'datetime'],
  ['EventIdentifier', 'string'],
  ['EventUuid', 'string'],
  ['LoginHistoryId', 'reference'],
  ['LoginKey', 'string'],
  ['PolicyId', 'reference'],
  ['PolicyOutcome', 'picklist'],
  ['ProfileId', 'reference'],
  ['Query', 'string'],
  ['RelatedEventIdentifier', 'string'],
  ['ReplayId', 'string'],
  ['RoleId', 'reference'],
  ['SessionKey', 'string'],
  ['SessionLevel', 'picklist'],
  ['SourceIp', 'string'],
  ['UserId', 'reference'],
  ['Username', 'string'],
]);

/**
 * ListViewEventStream: a user runs or exports a list view in Lightning Experience, Salesforce
 * Classic or the API (API 46.0+). Rows after PolicyId are those of the Summer '26 (API 67.0)
 * edition of the same table.
 */
const LIST_VIEW_EVENT_STREAM = topic('ListViewEventStream', `${FIELD_REFERENCE}listvieweventstream.html`, [
  ['AppName', 'string'],
  ['ColumnHeaders', 'string'],
  ['CreatedDate', 'datetime'],
  ['DeveloperName', 'string'],
  ['EvaluationTime', 'double'],
  ['EventDate', 'datetime'],
  ['EventIdentifier', 'string'],
  ['EventSource', 'picklist'],
  ['EventUuid', 'string'],
  ['ExecutionIdentifier', 'string'],
  ['FilterCriteria', 'json'],
  ['ListViewId', 'string'],
  ['LoginHistoryId', 'reference'],
  ['LoginKey', 'string'],
  ['Name', 'string'],
  ['NumberOfColumns', 'int'],
  ['OrderBy', 'string'],
  ['OwnerId', 'string'],
  ['PolicyId', 'reference'],
  ['PolicyOutcome', 'picklist'],
  ['QueriedEntities', 'string'],
  ['Records', 'json'],
  ['RelatedEventIdentifier', 'string'],
  ['ReplayId', 'string'],
  ['RowsProcessed', 'double'],
  ['Scope', 'string'],
  ['Sequence', 'int'],
  ['SessionKey', 'string'],
  ['SessionLevel', 'picklist'],
  ['SourceIp', 'string'],
  ['UserId', 'reference'],
  ['Username', 'string'],
]);

/**
 * LoginEventStream: login activity of users who log in to Salesforce (API 46.0+); integration and
 * internal users are not tracked. Rows after LoginGeoId are those of the Summer '26 (API 67.0)
 * edition of the same table.
 */
const LOGIN_EVENT_STREAM = topic('LoginEventStream', `${FIELD_REFERENCE}logineventstream.html`, [
  ['AdditionalInfo', 'string'],
  ['ApiType', 'string'],
  ['ApiVersion', 'string'],
  ['Application', 'string'],
  ['AuthContextClassRef', 'string'],
  ['AuthMethodReference', 'string'],
  ['AuthServiceId', 'string'],
  ['Browser', 'string'],
  ['CipherSuite', 'picklist'],
  ['City', 'string'],
  ['ClientVersion', 'string'],
  ['Country', 'string'],
  ['CountryIso', 'string'],
  ['CreatedDate', 'datetime'],
  ['EvaluationTime', 'double'],
  ['EventDate', 'datetime'],
  ['EventIdentifier', 'string'],
  ['EventUuid', 'string'],
  ['ForwardedForIp', 'string'],
  ['HttpMethod', 'picklist'],
  ['LoginGeoId', 'string'],
  ['LoginHistoryId', 'reference'],
  ['LoginKey', 'string'],
  ['LoginLatitude', 'double'],
  ['LoginLongitude', 'double'],
  ['LoginSubType', 'picklist'],
  ['LoginType', 'picklist'],
  ['LoginUrl', 'string'],
  ['Platform', 'string'],
  ['PolicyId', 'reference'],
  ['PolicyOutcome', 'picklist'],
  ['PostalCode', 'string'],
  ['RelatedEventIdentifier', 'string'],
  ['ReplayId', 'string'],
  ['SessionKey', 'string'],
  ['SessionLevel', 'picklist'],
  ['SourceIp', 'string'],
  ['Status', 'string'],
  ['Subdivision', 'string'],
  ['TlsProtocol', 'picklist'],
  ['UserId', 'reference'],
  ['UserType', 'picklist'],
  ['Username', 'string'],
]);

/**
 * FileEvent: a user downloads, previews or uploads a file (API 57.0+), channel /event/FileEvent.
 * Rows after RoleId are those of the Summer '26 (API 67.0) edition of the same table.
 */
const FILE_EVENT = topic('FileEvent', `${FIELD_REFERENCE}fileevent.html`, [
  ['CanDownloadPdf', 'boolean'],
  ['ContentSize', 'int'],
  ['CreatedById', 'reference'],
  ['CreatedDate', 'datetime'],
  ['DocumentId', 'string'],
  ['EvaluationTime', 'double'],
  ['EventDate', 'datetime'],
  ['EventIdentifier', 'string'],
  ['EventUuid', 'string'],
  ['FileAction', 'string'],
  ['FileName', 'string'],
  ['FileSource', 'string'],
  ['FileType', 'string'],
  ['IsLatestVersion', 'boolean'],
  ['LoginKey', 'string'],
  ['PolicyId', 'reference'],
  ['PolicyOutcome', 'picklist'],
  ['ProcessDuration', 'double'],
  ['ProfileId', 'reference'],
  ['RelatedEventIdentifier', 'string'],
  ['ReplayId', 'string'],
  ['RoleId', 'reference'],
  ['SessionKey', 'string'],
  ['SessionLevel', 'picklist'],
  ['SourceIp', 'string'],
  ['UserId', 'reference'],
  ['Username', 'string'],
  ['VersionId', 'string'],
  ['VersionNumber', 'string'],
]);

/**
 * PermissionSetEvent: a permission is added to or removed from a permission set or permission set
 * group, or one holding a critical permission is assigned or unassigned (API 52.0+). The Field
 * Reference has no table for it, so the fields are those of its Platform Events Developer Guide
 * page, which lists neither CreatedDate nor CreatedById; those two are the leading fields of every
 * platform event schema (REST API Developer Guide, "Platform Event Schema by Event Name",
 * https://developer.salesforce.com/docs/atlas.en-us.208.0.api_rest.meta/api_rest/resources_sobject_eventschema.htm).
 */
const PERMISSION_SET_EVENT = topic(
  'PermissionSetEvent',
  'https://developer.salesforce.com/docs/atlas.en-us.platform_events.meta/platform_events/sforce_api_objects_permissionsetevent.htm',
  [
    ['CreatedById', 'reference'],
    ['CreatedDate', 'datetime'],
    ['EvaluationTime', 'double'],
    ['EventDate', 'datetime'],
    ['EventIdentifier', 'string'],
    ['EventSource', 'picklist'],
    ['EventUuid', 'string'],
    ['HasExternalUsers', 'boolean'],
    ['ImpactedUserIds', 'json'],
    ['LoginHistoryId', 'reference'],
    ['LoginKey', 'string'],
    ['Operation', 'picklist'],
    ['ParentIdList', 'json'],
    ['ParentNameList', 'json'],
    ['PermissionExpirationList', 'json'],
    ['PermissionList', 'json'],
    ['PermissionType', 'string'],
    ['PolicyId', 'reference'],
    ['PolicyOutcome', 'picklist'],
    ['RelatedEventIdentifier', 'string'],
    ['ReplayId', 'string'],
    ['SessionKey', 'string'],
    ['SessionLevel', 'picklist'],
    ['SourceIp', 'string'],
    ['UserCount', 'string'],
    ['UserId', 'reference'],
    ['Username', 'string'],
  ],
);

/** ApiAnomalyEvent: anomalies in how users make API calls (API 50.0+). */
const API_ANOMALY_EVENT = topic(
  'ApiAnomalyEvent',
  'https://developer.salesforce.com/docs/atlas.en-us.sfFieldRef.meta/sfFieldRef/salesforce_field_reference_ApiAnomalyEvent.htm',
  [
    ['CreatedDate', 'datetime'],
    ['EvaluationTime', 'double'],
    ['EventDate', 'datetime'],
    ['EventIdentifier', 'string'],
    ['EventUuid', 'string'],
    ['LoginKey', 'string'],
    ['Operation', 'string'],
    ['PolicyId', 'reference'],
    ['PolicyOutcome', 'picklist'],
    ['QueriedEntities', 'string'],
    ['ReplayId', 'string'],
    ['RequestIdentifier', 'string'],
    ['RowsProcessed', 'double'],
    ['Score', 'double'],
    ['SecurityEventData', 'textarea'],
    ['SessionKey', 'string'],
    ['SourceIp', 'string'],
    ['Summary', 'textarea'],
    ['Uri', 'string'],
    ['UserAgent', 'string'],
    ['UserId', 'reference'],
    ['Username', 'string'],
  ],
);

/** ReportAnomalyEvent: anomalies in how users run or export reports, unsaved ones included (API 49.0+). */
const REPORT_ANOMALY_EVENT = topic('ReportAnomalyEvent', `${FIELD_REFERENCE}reportanomalyevent.html`, [
  ['CreatedDate', 'datetime'],
  ['EvaluationTime', 'double'],
  ['EventDate', 'datetime'],
  ['EventIdentifier', 'string'],
  ['EventUuid', 'string'],
  ['LoginKey', 'string'],
  ['PolicyId', 'reference'],
  ['PolicyOutcome', 'picklist'],
  ['ReplayId', 'string'],
  ['Report', 'string'],
  ['Score', 'double'],
  ['SecurityEventData', 'textarea'],
  ['SessionKey', 'string'],
  ['SourceIp', 'string'],
  ['Summary', 'textarea'],
  ['UserId', 'reference'],
  ['Username', 'string'],
]);

/** SessionHijackingEvent: a session taken over with a stolen session identifier (API 49.0+). */
const SESSION_HIJACKING_EVENT = topic('SessionHijackingEvent', `${FIELD_REFERENCE}sessionhijackingevent.html`, [
  ['CreatedDate', 'datetime'],
  ['CurrentIp', 'string'],
  ['CurrentPlatform', 'string'],
  ['CurrentScreen', 'string'],
  ['CurrentUserAgent', 'textarea'],
  ['CurrentWindow', 'string'],
  ['EvaluationTime', 'double'],
  ['EventDate', 'datetime'],
  ['EventIdentifier', 'string'],
  ['EventUuid', 'string'],
  ['LoginKey', 'string'],
  ['PolicyId', 'reference'],
  ['PolicyOutcome', 'picklist'],
  ['PreviousIp', 'string'],
  ['PreviousPlatform', 'string'],
  ['PreviousScreen', 'string'],
  ['PreviousUserAgent', 'textarea'],
  ['PreviousWindow', 'string'],
  ['ReplayId', 'string'],
  ['Score', 'double'],
  ['SecurityEventData', 'textarea'],
  ['SessionKey', 'string'],
  ['SourceIp', 'string'],
  ['Summary', 'textarea'],
  ['UserId', 'reference'],
  ['Username', 'string'],
]);

/** CredentialStuffingEvent: a successful login during an identified credential stuffing attack (API 49.0+). */
const CREDENTIAL_STUFFING_EVENT = topic('CredentialStuffingEvent', `${FIELD_REFERENCE}credentialstuffingevent.html`, [
  ['AcceptLanguage', 'string'],
  ['CreatedDate', 'datetime'],
  ['EvaluationTime', 'double'],
  ['EventDate', 'datetime'],
  ['EventIdentifier', 'string'],
  ['EventUuid', 'string'],
  ['LoginKey', 'string'],
  ['LoginType', 'picklist'],
  ['LoginUrl', 'string'],
  ['PolicyId', 'reference'],
  ['PolicyOutcome', 'picklist'],
  ['ReplayId', 'string'],
  ['Score', 'double'],
  ['SessionKey', 'string'],
  ['SourceIp', 'string'],
  ['Summary', 'textarea'],
  ['UserAgent', 'textarea'],
  ['UserId', 'reference'],
  ['Username', 'string'],
]);

export const TOPICS: readonly TopicDefinition[] = Object.freeze([
  API_EVENT_STREAM,
  REPORT_EVENT_STREAM,
  BULK_API_RESULT_EVENT,
  LIST_VIEW_EVENT_STREAM,
  LOGIN_EVENT_STREAM,
  FILE_EVENT,
  PERMISSION_SET_EVENT,
  API_ANOMALY_EVENT,
  REPORT_ANOMALY_EVENT,
  SESSION_HIJACKING_EVENT,
  CREDENTIAL_STUFFING_EVENT,
]);

const BY_NAME = new Map(TOPICS.map((definition) => [definition.topic, definition]));

export const topicByName = (topic: string): TopicDefinition | undefined => BY_NAME.get(topic);
