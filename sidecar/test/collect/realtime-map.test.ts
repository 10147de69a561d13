import { describe, expect, it } from 'vitest';
import { eventProblems } from '../../src/ingest/event-validator.js';
import { listOf, mapStreamEvent, recordIdsOf } from '../../src/collect/realtime/map-event.js';

const ORG = '00D5g000004Cx1aEAC';
const USER = '0055g00000AbCdEAAZ';
const at = Date.parse('2026-11-30T10:15:00Z');

describe('streamed events as canonical events', () => {
  it('ApiEventStream: the query read, its shape without literals, rows, session, app and client', () => {
    const event = mapStreamEvent(
      '/event/ApiEventStream',
      {
        EventIdentifier: 'e1a7c2f0-1111-4c3b-9d5e-000000000001',
        EventDate: at,
        UserId: USER,
        Username: 'middleware@acme-shop.example',
        SessionKey: 'vMASKeX3KdzxK9Ab',
        SourceIp: '203.0.113.7',
        UserAgent: 'python-requests/2.31.0',
        ConnectedAppId: '0H4RM00000000Kr',
        QueriedEntities: 'Contact',
        RowsProcessed: 200,
        Query: "SELECT FIELDS(ALL) FROM Contact WHERE Email = 'jane.doe@example.com' LIMIT 200",
        Records: JSON.stringify({
          totalSize: 2,
          done: true,
          records: [
            { attributes: { type: 'Contact' }, Id: '0035g00000AaAaAAAA' },
            { attributes: { type: 'Contact' }, Id: '0035g00000BbBbBBBB' },
          ],
        }),
      },
      { orgId: ORG },
    );
    expect(event).toBeDefined();
    expect(eventProblems(event!)).toBeNull();
    expect(event).toMatchObject({
      kind: 'export',
      operation: 'query',
      object: 'Contact',
      recordCount: 200,
      recordIds: ['0035g00000AaAaAAAA', '0035g00000BbBbBBBB'],
      actor: { userId: USER, username: 'middleware@acme-shop.example', sessionId: 'vMASKeX3KdzxK9Ab' },
    });
    expect(event!.actor.connectedAppId).toHaveLength(18);
    expect(event!.actor.connectedAppId!.slice(0, 15)).toBe('0H4RM00000000Kr');
    const query = event!.details!['query'] as Record<string, unknown>;
    expect(query).toMatchObject({ parsed: true, fieldsMacro: 'ALL', hasWhere: true, limit: 200 });
    expect(JSON.stringify(event)).not.toContain('jane.doe');
    expect(event!.details).toMatchObject({ source: 'PubSub', topic: 'ApiEventStream', sourceIp: '203.0.113.7', userAgent: 'python-requests/2.31.0' });
  });

  it('the same event delivered twice is one event; another event is another', () => {
    const payload = { EventIdentifier: 'same', EventDate: at, UserId: USER };
    const a = mapStreamEvent('/event/ApiEventStream', payload, { orgId: ORG });
    const b = mapStreamEvent('/event/ApiEventStream', { ...payload }, { orgId: ORG });
    const c = mapStreamEvent('/event/ApiEventStream', { ...payload, EventIdentifier: 'other' }, { orgId: ORG });
    expect(a!.id).toBe(b!.id);
    expect(c!.id).not.toBe(a!.id);
    // Another org's event with the same identifier stays apart.
    expect(mapStreamEvent('/event/ApiEventStream', payload, { orgId: '00D5g000004Cx1bEAC' })!.id).not.toBe(a!.id);
  });

  it('an event without a user, a time or an identifier gives nothing', () => {
    expect(mapStreamEvent('/event/ApiEventStream', { EventDate: at, EventIdentifier: 'x' }, { orgId: ORG })).toBeUndefined();
    expect(mapStreamEvent('/event/ApiEventStream', { UserId: USER, EventIdentifier: 'x' }, { orgId: ORG })).toBeUndefined();
    expect(mapStreamEvent('/event/ApiEventStream', { UserId: USER, EventDate: at }, { orgId: ORG })).toBeUndefined();
  });

  it('LoginEventStream: status, country and login type as the login rules read them', () => {
    const event = mapStreamEvent(
      '/event/LoginEventStream',
      {
        EventIdentifier: 'l1',
        EventDate: at,
        UserId: USER,
        Status: 'Invalid Password',
        CountryIso: 'BR',
        LoginType: 'Remote Access 2.0',
        SourceIp: '198.51.100.4',
        Browser: 'Chrome 131',
      },
      { orgId: ORG },
    );
    expect(event).toMatchObject({ kind: 'login', operation: 'login', details: { status: 'Invalid Password', country: 'BR', loginType: 'Remote Access 2.0' } });
    expect(event!.recordCount).toBeUndefined();
  });

  it('PermissionSetEvent: the assigner is the acting user and the assignee comes from ImpactedUserIds', () => {
    const assignee = '0055g00000ZzZzZAAZ';
    const event = mapStreamEvent(
      '/event/PermissionSetEvent',
      {
        EventIdentifier: 'p1',
        EventDate: at,
        UserId: USER,
        Operation: 'AssignedToUsers',
        PermissionList: '["ModifyAllData","ViewAllData"]',
        ParentIdList: '["0PS5g000000AbCdGAK"]',
        ParentNameList: '["Data_Steward"]',
        ImpactedUserIds: `["${assignee}"]`,
      },
      { orgId: ORG },
    );
    expect(event).toMatchObject({
      kind: 'permission',
      operation: 'assign',
      details: { permissions: ['ModifyAllData', 'ViewAllData'], assigneeId: assignee, assignedById: USER, permissionSetName: 'Data_Steward' },
    });
    const removed = mapStreamEvent(
      '/event/PermissionSetEvent',
      { EventIdentifier: 'p2', EventDate: at, UserId: USER, Operation: 'UnassignedFromUsers', ImpactedUserIds: assignee },
      { orgId: ORG },
    );
    expect(removed!.operation).toBe('revoke');
    expect(removed!.details!['assigneeId']).toBeUndefined();
  });

  it("threat events carry Salesforce's score and summary, and add no rows", () => {
    const event = mapStreamEvent(
      '/event/ApiAnomalyEvent',
      {
        EventIdentifier: 'a1',
        EventDate: at,
        UserId: USER,
        Score: 87.5,
        Summary: 'Unusually high number of records queried',
        RowsProcessed: 90000,
        QueriedEntities: 'Contact',
      },
      { orgId: ORG },
    );
    expect(event!.details!['threat']).toEqual({ type: 'ApiAnomalyEvent', score: 87.5, summary: 'Unusually high number of records queried' });
    expect(event!.recordCount).toBeUndefined();
    const hijack = mapStreamEvent(
      '/event/SessionHijackingEvent',
      { EventIdentifier: 'h1', EventDate: at, UserId: USER, Score: 90, CurrentIp: '203.0.113.9', PreviousIp: '192.0.2.1' },
      { orgId: ORG },
    );
    expect(hijack).toMatchObject({ kind: 'login', details: { currentIp: '203.0.113.9', previousIp: '192.0.2.1' } });
  });

  it('FileEvent and BulkApiResultEvent are exports; the bulk download is read from its query', () => {
    const file = mapStreamEvent(
      '/event/FileEvent',
      { EventIdentifier: 'f1', EventDate: at, UserId: USER, FileAction: 'DOWNLOAD', VersionId: '0685g00000AbCdEAAR', FileName: 'customers.csv' },
      { orgId: ORG },
    );
    expect(file).toMatchObject({ kind: 'export', operation: 'export', object: 'ContentVersion', recordIds: ['0685g00000AbCdEAAR'] });
    expect(JSON.stringify(file)).not.toContain('customers.csv');
    const bulk = mapStreamEvent(
      '/event/BulkApiResultEvent',
      { EventIdentifier: 'b1', EventDate: at, UserId: USER, Query: 'SELECT Id, Email FROM Lead', SessionKey: 's1' },
      { orgId: ORG },
    );
    expect(bulk).toMatchObject({ kind: 'export', operation: 'export', object: 'Lead', actor: { sessionId: 's1' } });
  });
});

describe('Records and list fields', () => {
  it('keeps only record ids, never the values beside them', () => {
    const { ids, total } = recordIdsOf(
      JSON.stringify({ records: [{ Id: '0035g00000AaAaAAAA', Email: 'x@y.example', Phone: '4155550100' }, { Id: '0035g00000BbBbB' }] }),
    );
    expect(total).toBe(2);
    expect(ids[0]).toBe('0035g00000AaAaAAAA');
    expect(ids[1]).toHaveLength(18);
    expect(ids[1]!.slice(0, 15)).toBe('0035g00000BbBbB');
    expect(ids.join()).not.toContain('4155550100');
  });

  it('cuts a long list to 200 ids, keeping the canaries', () => {
    const many = Array.from({ length: 500 }, (_, i) => `0035g0000${String(i).padStart(6, '0')}`);
    const canary = many[450]!;
    const { ids, total } = recordIdsOf(JSON.stringify({ records: many.map((Id) => ({ Id })) }), (id15) => id15 === canary);
    expect(total).toBe(500);
    expect(ids).toHaveLength(200);
    expect(ids[0]!.slice(0, 15)).toBe(canary);
  });

  it('reads JSON arrays and separated text', () => {
    expect(listOf('["a","b"]')).toEqual(['a', 'b']);
    expect(listOf('a, b;c')).toEqual(['a', 'b', 'c']);
    expect(listOf('[broken')).toEqual(['broken']);
    expect(listOf(undefined)).toEqual([]);
  });
});

describe('report columns', () => {
  it('names the personal-data columns of an exported report', async () => {
    const { piiColumnsOf } = await import('../../src/collect/realtime/map-event.js');
    const columns = piiColumnsOf('Contact: Email, Account Name, Mailing Street, Amount, Mobile Phone', 'Contact');
    expect(columns).toEqual(expect.arrayContaining(['Email (EMAIL_ADDRESS)', 'Mobile Phone (PHONE_NUMBER)']));
    expect(columns.some((c) => c.startsWith('Amount'))).toBe(false);
    const event = mapStreamEvent(
      '/event/ReportEventStream',
      {
        EventIdentifier: 'r1',
        EventDate: at,
        UserId: USER,
        ReportId: '00O5g000000AbCdEAK',
        ColumnHeaders: 'Email, Phone',
        QueriedEntities: 'Contact',
        RowsProcessed: 5000,
        ExportFileFormat: 'CSV',
        Operation: 'ReportExported',
      },
      { orgId: ORG },
    );
    expect(event).toMatchObject({ operation: 'export', recordCount: 5000, object: 'Contact' });
    expect((event!.details!['piiColumns'] as string[]).length).toBe(2);
  });
});

describe('what is stored of a streamed event', () => {
  it('keeps the network as sent, masks the address and the query literals', async () => {
    const { classifyEvents } = await import('../../src/ingest/classify-events.js');
    const { createClassifier } = await import('../../src/classify/index.js');
    const event = mapStreamEvent(
      '/event/ApiEventStream',
      { EventIdentifier: 'n1', EventDate: at, UserId: USER, SourceIp: '203.0.113.66', Query: "SELECT Id FROM Contact WHERE Email = 'jane.doe@example.com'" },
      { orgId: ORG },
    )!;
    const [stored] = await classifyEvents(createClassifier({ salt: 'realtime-map-salt-0123' }), ORG, [event]);
    const details = stored!.event.details!;
    expect(details['network']).toBe('203.0.113.0/24');
    expect(details['sourceIp']).not.toBe('203.0.113.66');
    expect(JSON.stringify(stored)).not.toContain('203.0.113.66');
    expect(JSON.stringify(stored)).not.toContain('jane.doe');
  });
});
