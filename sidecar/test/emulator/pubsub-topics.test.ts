import { describe, expect, it } from 'vitest';
import { TOPICS, topicByName, type TopicFieldType } from '../../src/emulator/pubsub/topics.js';

const typeOf = (topic: string, field: string): TopicFieldType | undefined => topicByName(topic)?.fields.find((f) => f.name === field)?.type;

const names = (topic: string): string[] => topicByName(topic)?.fields.map((f) => f.name) ?? [];

describe('Pub/Sub API event monitoring topic catalog', () => {
  it('has the eleven documented channels, each named after its event object', () => {
    expect(TOPICS.map((t) => t.topic)).toEqual([
      '/event/ApiEventStream',
      '/event/ReportEventStream',
      '/event/BulkApiResultEvent',
      '/event/ListViewEventStream',
      '/event/LoginEventStream',
      '/event/FileEvent',
      '/event/PermissionSetEvent',
      '/event/ApiAnomalyEvent',
      '/event/ReportAnomalyEvent',
      '/event/SessionHijackingEvent',
      '/event/CredentialStuffingEvent',
    ]);
    for (const t of TOPICS) {
      expect(t.topic).toBe(`/event/${t.object}`);
      expect(t.source).toMatch(/^https:\/\/developer\.salesforce\.com\/docs\//);
      expect(topicByName(t.topic)).toBe(t);
    }
    expect(new Set(TOPICS.map((t) => t.topic)).size).toBe(11);
  });

  it('does not invent objects the documentation does not have', () => {
    expect(topicByName('/event/FileEventStream')).toBeUndefined();
    expect(topicByName('/event/ApiEvent')).toBeUndefined();
    expect(topicByName('ApiEventStream')).toBeUndefined();
  });

  it('has unique field names, no ReplayId, and keeps the documented (code-unit sorted) order', () => {
    for (const t of TOPICS) {
      const list = t.fields.map((f) => f.name);
      expect(new Set(list).size, t.object).toBe(list.length);
      expect(list, t.object).not.toContain('ReplayId');
      expect(list, t.object).toEqual([...list].sort());
      expect(list.length, t.object).toBeGreaterThan(10);
    }
  });

  it('gives every topic a CreatedDate, an EventDate and a user to attribute the event to', () => {
    for (const t of TOPICS) {
      expect(typeOf(t.topic, 'CreatedDate'), t.object).toBe('datetime');
      expect(typeOf(t.topic, 'EventDate'), t.object).toBe('datetime');
      expect(typeOf(t.topic, 'EventIdentifier'), t.object).toBe('string');
      expect(typeOf(t.topic, 'UserId'), t.object).toBe('string');
      expect(typeOf(t.topic, 'Username'), t.object).toBe('string');
      expect(typeOf(t.topic, 'SourceIp'), t.object).toBe('string');
    }
  });

  it('types ApiEventStream fields as documented', () => {
    const t = '/event/ApiEventStream';
    expect(typeOf(t, 'RowsProcessed')).toBe('double');
    expect(typeOf(t, 'RowsReturned')).toBe('double');
    expect(typeOf(t, 'ApiVersion')).toBe('double');
    expect(typeOf(t, 'ElapsedTime')).toBe('int');
    expect(typeOf(t, 'EventDate')).toBe('datetime');
    expect(typeOf(t, 'Records')).toBe('string');
    expect(typeOf(t, 'Query')).toBe('string');
    for (const field of [
      'EventIdentifier',
      'UserId',
      'Username',
      'SessionKey',
      'LoginKey',
      'SourceIp',
      'Query',
      'QueriedEntities',
      'RowsProcessed',
      'Records',
      'ConnectedAppId',
      'Application',
      'Client',
      'UserAgent',
      'Platform',
      'Operation',
      'ApiType',
    ]) {
      expect(names(t)).toContain(field);
    }
    expect(names(t)).not.toContain('CreatedById');
  });

  it('types ReportEventStream fields as documented', () => {
    const t = '/event/ReportEventStream';
    for (const field of ['ReportId', 'Name', 'ColumnHeaders', 'RowsProcessed', 'Records', 'QueriedEntities', 'ExportFileFormat', 'Operation']) {
      expect(names(t)).toContain(field);
    }
    expect(typeOf(t, 'RowsProcessed')).toBe('double');
    expect(typeOf(t, 'IsScheduled')).toBe('boolean');
    expect(typeOf(t, 'Sequence')).toBe('int');
    expect(typeOf(t, 'NumberOfColumns')).toBe('int');
  });

  it('keeps BulkApiResultEvent to its documented fields', () => {
    const t = '/event/BulkApiResultEvent';
    expect(names(t)).toContain('Query');
    for (const absent of ['JobId', 'BatchId', 'RowsProcessed', 'Records']) expect(names(t)).not.toContain(absent);
    expect(names(t)).toHaveLength(18);
  });

  it('types ListViewEventStream, LoginEventStream and FileEvent fields as documented', () => {
    expect(typeOf('/event/ListViewEventStream', 'RowsProcessed')).toBe('double');
    expect(typeOf('/event/ListViewEventStream', 'FilterCriteria')).toBe('string');
    const login = '/event/LoginEventStream';
    for (const field of ['LoginType', 'Status', 'SourceIp', 'CountryIso', 'Browser', 'Platform', 'Application']) {
      expect(typeOf(login, field), field).toBe('string');
    }
    expect(typeOf(login, 'LoginLatitude')).toBe('double');
    expect(typeOf(login, 'ApiVersion')).toBe('string');
    expect(names(login)).not.toContain('UserAgent');
    const file = '/event/FileEvent';
    expect(typeOf(file, 'CanDownloadPdf')).toBe('boolean');
    expect(typeOf(file, 'ContentSize')).toBe('int');
    expect(typeOf(file, 'CreatedById')).toBe('string');
    expect(typeOf(file, 'FileAction')).toBe('string');
  });

  it('types PermissionSetEvent fields as documented', () => {
    const t = '/event/PermissionSetEvent';
    expect(typeOf(t, 'HasExternalUsers')).toBe('boolean');
    expect(typeOf(t, 'PermissionList')).toBe('string');
    expect(typeOf(t, 'UserCount')).toBe('string');
    expect(typeOf(t, 'CreatedById')).toBe('string');
  });

  it('gives the threat detection events a double Score and a Summary', () => {
    for (const t of ['/event/ApiAnomalyEvent', '/event/ReportAnomalyEvent', '/event/SessionHijackingEvent', '/event/CredentialStuffingEvent']) {
      expect(typeOf(t, 'Score'), t).toBe('double');
      expect(typeOf(t, 'Summary'), t).toBe('string');
    }
    for (const t of ['/event/ApiAnomalyEvent', '/event/ReportAnomalyEvent', '/event/SessionHijackingEvent']) {
      expect(typeOf(t, 'SecurityEventData'), t).toBe('string');
    }
    expect(names('/event/CredentialStuffingEvent')).not.toContain('SecurityEventData');
    expect(typeOf('/event/ApiAnomalyEvent', 'RowsProcessed')).toBe('double');
    expect(names('/event/ReportAnomalyEvent')).toContain('Report');
    expect(names('/event/ReportAnomalyEvent')).not.toContain('ReportId');
    expect(typeOf('/event/SessionHijackingEvent', 'PreviousIp')).toBe('string');
    expect(typeOf('/event/CredentialStuffingEvent', 'LoginType')).toBe('string');
  });

  it('is immutable', () => {
    const t = topicByName('/event/ApiEventStream')!;
    expect(Object.isFrozen(TOPICS)).toBe(true);
    expect(Object.isFrozen(t)).toBe(true);
    expect(Object.isFrozen(t.fields)).toBe(true);
    expect(Object.isFrozen(t.fields[0])).toBe(true);
  });
});
