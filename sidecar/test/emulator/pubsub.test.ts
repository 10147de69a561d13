import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import avro from 'avsc';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startOrgEmulator, type OrgEmulator } from '../../src/emulator/index.js';
import { RETENTION_MS } from '../../src/emulator/pubsub/bus.js';
import { seedPubSubEvents } from '../../src/emulator/seeding-client.js';
import { assertion, FIXTURE_OBJECTS, requestToken } from './session.js';

const PROTO_PATH = fileURLToPath(new URL('../../proto/pubsub_api.proto', import.meta.url));
const KEEPALIVE_MS = 150;
const IDLE_TIMEOUT_MS = 1500;

interface FetchResponse {
  events: { event: { id: string; schema_id: string; payload: Buffer; headers: unknown[] }; replay_id: Buffer }[];
  latest_replay_id: Buffer;
  rpc_id: string;
  pending_num_requested: number;
}

interface FetchRequest {
  topic_name?: string;
  replay_preset?: 'LATEST' | 'EARLIEST' | 'CUSTOM';
  replay_id?: Buffer;
  num_requested?: number;
}

type Unary<Request, Response> = (request: Request, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response: Response) => void) => void;

interface PubSubClient extends grpc.Client {
  GetTopic: Unary<
    { topic_name: string },
    { topic_name: string; tenant_guid: string; can_publish: boolean; can_subscribe: boolean; schema_id: string; rpc_id: string }
  >;
  GetSchema: Unary<{ schema_id: string }, { schema_json: string; schema_id: string; rpc_id: string }>;
  Subscribe(metadata: grpc.Metadata): grpc.ClientDuplexStream<FetchRequest, FetchResponse>;
}

const definition = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true });
const { PubSub } = (
  grpc.loadPackageDefinition(definition) as unknown as {
    eventbus: { v1: { PubSub: new (address: string, credentials: grpc.ChannelCredentials) => PubSubClient } };
  }
).eventbus.v1;

let clock = Date.parse('2026-12-05T10:00:00.000Z');
let org: OrgEmulator;
let client: PubSubClient;
let token: string;
/** Every Subscribe call a test opens; each test's are cancelled after it. */
const calls: grpc.ClientDuplexStream<FetchRequest, FetchResponse>[] = [];

const newToken = async (): Promise<string> => (await requestToken(org, await assertion(org))).body.access_token as string;

const headers = (values: { accesstoken?: string; instanceurl?: string; tenantid?: string } = {}): grpc.Metadata => {
  const metadata = new grpc.Metadata();
  const all = { accesstoken: token, instanceurl: org.url, tenantid: org.identity.orgId, ...values };
  for (const [key, value] of Object.entries(all)) if (value !== '') metadata.set(key, value);
  return metadata;
};

const call = <Request, Response>(method: Unary<Request, Response>, request: Request, metadata = headers()): Promise<Response> =>
  new Promise((resolve, reject) => method.call(client, request, metadata, (error, response) => (error ? reject(error) : resolve(response))));

const failure = async (promise: Promise<unknown>): Promise<{ code: number; errorCode: unknown; rpcId: unknown; details: string }> => {
  const error = (await promise.then(
    () => expect.fail('the call succeeded'),
    (thrown: unknown) => thrown,
  )) as grpc.ServiceError;
  return { code: error.code, errorCode: error.metadata.get('error-code')[0], rpcId: error.metadata.get('rpc-id')[0], details: error.details };
};

const waitFor = async (condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** An open Subscribe call and what it has received. */
const subscribe = (first: FetchRequest, metadata = headers()) => {
  const stream = client.Subscribe(metadata);
  calls.push(stream);
  const responses: FetchResponse[] = [];
  let status: grpc.StatusObject | undefined;
  stream.on('data', (response: FetchResponse) => responses.push(response));
  stream.on('error', () => undefined);
  stream.on('status', (received: grpc.StatusObject) => (status = received));
  stream.write(first);
  return {
    stream,
    responses,
    events: () => responses.flatMap((response) => response.events),
    keepalives: () => responses.filter((response) => response.events.length === 0),
    status: () => status,
    ended: async () => {
      await waitFor(() => status !== undefined, 'the stream to end');
      return { code: status?.code, errorCode: status?.metadata.get('error-code')[0], rpcId: status?.metadata.get('rpc-id')[0], details: status?.details };
    },
    /** Waits until the server has set the subscription up (its first keepalive). */
    ready: () => waitFor(() => responses.length > 0, 'the first FetchResponse'),
  };
};

const decoder = async (schemaId: string): Promise<avro.Type> => {
  const schema = await call(client.GetSchema, { schema_id: schemaId });
  return avro.Type.forSchema(JSON.parse(schema.schema_json) as avro.Schema);
};

const replayId = (base64: string): Buffer => Buffer.from(base64, 'base64');

beforeAll(async () => {
  org = await startOrgEmulator({
    metadataDir: FIXTURE_OBJECTS,
    pubsub: {
      keepaliveMs: KEEPALIVE_MS,
      idleTimeoutMs: IDLE_TIMEOUT_MS,
      now: () => clock,
      topics: [
        '/event/ApiEventStream',
        '/event/ReportEventStream',
        '/event/ListViewEventStream',
        '/event/BulkApiResultEvent',
        '/event/FileEvent',
        '/event/SessionHijackingEvent',
        '/event/PermissionSetEvent',
        '/event/ApiAnomalyEvent',
        '/event/CredentialStuffingEvent',
      ],
    },
  });
  client = new PubSub(org.pubsubEndpoint ?? '', grpc.credentials.createInsecure());
  token = await newToken();
});
afterEach(async () => {
  for (const stream of calls.splice(0)) stream.cancel();
  await waitFor(() => org.pubsub?.stats.openStreams === 0, 'the streams to close');
});
afterAll(async () => {
  client?.close();
  await org?.close();
});

describe('authentication headers', () => {
  it('refuses calls without the accesstoken, instanceurl and tenantid headers', async () => {
    for (const missing of ['accesstoken', 'instanceurl', 'tenantid'] as const) {
      const refused = await failure(call(client.GetTopic, { topic_name: '/event/ApiEventStream' }, headers({ [missing]: '' })));
      expect(refused).toMatchObject({ code: grpc.status.UNAUTHENTICATED, errorCode: 'sfdc.platform.eventbus.grpc.service.auth.headers.invalid' });
    }
  });

  it('refuses a token that is not a session of the org, and another org id, with the auth error code and an RPC id', async () => {
    const badToken = await failure(
      call(client.GetTopic, { topic_name: '/event/ApiEventStream' }, headers({ accesstoken: `${org.identity.orgId.slice(0, 15)}!forged` })),
    );
    expect(badToken).toMatchObject({ code: grpc.status.UNAUTHENTICATED, errorCode: 'sfdc.platform.eventbus.grpc.service.auth.error' });
    expect(badToken.details).toMatch(/^An authentication exception occurred\. Provide valid authentication via metadata headers\. rpcId: [0-9a-f-]{36}$/);
    expect(badToken.details.endsWith(String(badToken.rpcId))).toBe(true);
    const otherOrg = await failure(call(client.GetTopic, { topic_name: '/event/ApiEventStream' }, headers({ tenantid: '00D5g000004Cx2bEAC' })));
    expect(otherOrg).toMatchObject({ code: grpc.status.UNAUTHENTICATED, errorCode: 'sfdc.platform.eventbus.grpc.service.auth.error' });
    const subscription = subscribe({ topic_name: '/event/ApiEventStream', num_requested: 1 }, headers({ accesstoken: 'forged' }));
    expect(await subscription.ended()).toMatchObject({ code: grpc.status.UNAUTHENTICATED, errorCode: 'sfdc.platform.eventbus.grpc.service.auth.error' });
  });

  it('accepts the org id in its 15-character form', async () => {
    const topic = await call(client.GetTopic, { topic_name: '/event/ApiEventStream' }, headers({ tenantid: org.identity.orgId.slice(0, 15) }));
    expect(topic.topic_name).toBe('/event/ApiEventStream');
  });
});

describe('topics and schemas', () => {
  it('describes a licensed topic: subscribable, not publishable, with its schema id', async () => {
    const topic = await call(client.GetTopic, { topic_name: '/event/ApiEventStream' });
    expect(topic).toMatchObject({ topic_name: '/event/ApiEventStream', tenant_guid: org.identity.orgId, can_subscribe: true, can_publish: false });
    expect(topic.schema_id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(topic.rpc_id).not.toBe('');
  });

  it('serves the Avro schema of a topic the way Salesforce shapes platform event schemas', async () => {
    const topic = await call(client.GetTopic, { topic_name: '/event/ApiEventStream' });
    const info = await call(client.GetSchema, { schema_id: topic.schema_id });
    const schema = JSON.parse(info.schema_json) as {
      name: string;
      namespace: string;
      type: string;
      uuid: string;
      fields: { name: string; type: unknown; doc?: string; default?: unknown }[];
    };
    expect(info.schema_id).toBe(topic.schema_id);
    expect(schema).toMatchObject({ name: 'ApiEventStream', namespace: 'com.sforce.eventbus', type: 'record', uuid: topic.schema_id });
    expect(schema.fields.slice(0, 2)).toEqual([
      { name: 'CreatedDate', type: 'long', doc: 'CreatedDate:DateTime' },
      { name: 'CreatedById', type: 'string', doc: 'CreatedBy:EntityId' },
    ]);
    expect(schema.fields.find((field) => field.name === 'EventDate')).toEqual({
      name: 'EventDate',
      type: ['null', 'long'],
      doc: 'Data:DateTime',
      default: null,
    });
    expect(schema.fields.find((field) => field.name === 'RowsProcessed')).toEqual({
      name: 'RowsProcessed',
      type: ['null', 'double'],
      doc: 'Data:Double',
      default: null,
    });
    expect(schema.fields.map((field) => field.name)).not.toContain('ReplayId');
    const fingerprint = avro.Type.forSchema(schema as unknown as avro.Schema)
      .fingerprint('md5')
      .toString('base64url');
    expect(topic.schema_id).toBe(fingerprint);
  });

  it('refuses unknown topics, topics the org is not licensed for, and unknown schema ids', async () => {
    expect(await failure(call(client.GetTopic, { topic_name: '/event/NoSuchEvent__e' }))).toMatchObject({
      code: grpc.status.NOT_FOUND,
      errorCode: 'sfdc.platform.eventbus.grpc.topic.not.found',
    });
    expect(await failure(call(client.GetTopic, { topic_name: '/event/LoginEventStream' }))).toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      errorCode: 'sfdc.platform.eventbus.grpc.topic.meta.permission',
    });
    const unlicensed = subscribe({ topic_name: '/event/LoginEventStream', num_requested: 1 });
    expect(await unlicensed.ended()).toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      errorCode: 'sfdc.platform.eventbus.grpc.subscription.topic.cannot.subscribe',
    });
    const unknown = subscribe({ topic_name: '/event/NoSuchEvent__e', num_requested: 1 });
    expect(await unknown.ended()).toMatchObject({ code: grpc.status.NOT_FOUND, errorCode: 'sfdc.platform.eventbus.grpc.topic.not.found' });
    expect(await failure(call(client.GetSchema, { schema_id: 'AAAAAAAAAAAAAAAAAAAAAA' }))).toMatchObject({
      code: grpc.status.PERMISSION_DENIED,
      errorCode: 'sfdc.platform.eventbus.grpc.schema.meta.permission',
    });
  });
});

describe('Subscribe', () => {
  it('delivers events published after a LATEST subscription, Avro-encoded with the documented values', async () => {
    org.publishEvents('ApiEventStream', [{ Username: 'before@acme-shop.example' }]);
    const subscription = subscribe({ topic_name: '/event/ApiEventStream', replay_preset: 'LATEST', num_requested: 10 });
    await subscription.ready();
    const ids = org.publishEvents('/event/ApiEventStream', [
      { Username: 'ana@acme-shop.example', EventDate: '2026-12-05T03:04:05.123Z', RowsProcessed: 12, ElapsedTime: 30, Query: 'SELECT Id FROM Contact' },
      { username: 'ben@acme-shop.example', EventDate: 1764903845000, EventUuid: '6f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b' },
    ]);
    await waitFor(() => subscription.events().length === 2, 'two events');
    const [first, second] = subscription.events();
    const type = await decoder(first?.event.schema_id ?? '');
    const ana = type.fromBuffer(first?.event.payload ?? Buffer.alloc(0)) as Record<string, unknown>;
    const ben = type.fromBuffer(second?.event.payload ?? Buffer.alloc(0)) as Record<string, unknown>;
    expect(ana).toMatchObject({
      Username: 'ana@acme-shop.example',
      EventDate: Date.parse('2026-12-05T03:04:05.123Z'),
      RowsProcessed: 12,
      ElapsedTime: 30,
      Query: 'SELECT Id FROM Contact',
    });
    expect(ana).toMatchObject({ CreatedDate: clock, CreatedById: org.identity.userId, Records: null });
    expect(ana.EventUuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(ana.EventIdentifier).toMatch(/^[0-9a-f-]{36}$/);
    expect(first?.event.id).toBe(ana.EventUuid);
    expect(ben).toMatchObject({ Username: 'ben@acme-shop.example', EventDate: 1764903845000, EventUuid: '6f0b2a4e-1c3d-4e5f-8a9b-0c1d2e3f4a5b' });
    expect(subscription.events().map((event) => event.replay_id.toString('base64'))).toEqual(ids);
    expect(first?.replay_id).toHaveLength(8);
  });

  it('replays retained events from EARLIEST, several to a FetchResponse', async () => {
    const ids = org.publishEvents('ReportEventStream', [{ Name: 'Pipeline' }, { Name: 'Churn' }, { Name: 'Renewals' }]);
    const subscription = subscribe({ topic_name: '/event/ReportEventStream', replay_preset: 'EARLIEST', num_requested: 10 });
    await waitFor(() => subscription.events().length === 3, 'three events');
    expect(subscription.responses[0]?.events).toHaveLength(3);
    expect(subscription.events().map((event) => event.replay_id.toString('base64'))).toEqual(ids);
    expect(subscription.responses[0]?.latest_replay_id.toString('base64')).toBe(ids[2]);
    expect(subscription.responses[0]?.pending_num_requested).toBe(7);
  });

  it('resumes a CUSTOM subscription strictly after the given replay id', async () => {
    const ids = org.publishEvents('ListViewEventStream', [{ Name: 'a' }, { Name: 'b' }, { Name: 'c' }, { Name: 'd' }, { Name: 'e' }]);
    const subscription = subscribe({ topic_name: '/event/ListViewEventStream', replay_preset: 'CUSTOM', replay_id: replayId(ids[1] ?? ''), num_requested: 10 });
    await waitFor(() => subscription.events().length >= 3, 'the events after the second');
    await sleep(KEEPALIVE_MS);
    expect(subscription.events().map((event) => event.replay_id.toString('base64'))).toEqual(ids.slice(2));
  });

  it('delivers no more than requested, cumulatively, and counts at most 100 pending', async () => {
    const subscription = subscribe({ topic_name: '/event/BulkApiResultEvent', replay_preset: 'LATEST', num_requested: 3 });
    await subscription.ready();
    org.publishEvents(
      'BulkApiResultEvent',
      Array.from({ length: 10 }, (_, index) => ({ Query: `SELECT Id FROM Lead LIMIT ${index}` })),
    );
    await waitFor(() => subscription.events().length === 3, 'the three requested events');
    await sleep(KEEPALIVE_MS * 3);
    expect(subscription.events()).toHaveLength(3);
    expect(subscription.responses.at(-1)?.pending_num_requested).toBe(0);
    subscription.stream.write({ num_requested: 4 });
    await waitFor(() => subscription.events().length === 7, 'four more events');
    await sleep(KEEPALIVE_MS * 2);
    expect(subscription.events()).toHaveLength(7);
    subscription.stream.write({ topic_name: '/event/BulkApiResultEvent', num_requested: 150 });
    await waitFor(() => subscription.events().length === 10, 'the last three events');
    expect(subscription.responses.find((response) => response.events.length > 0 && response.pending_num_requested > 0)?.pending_num_requested).toBe(97);
  });

  it('closes a stream whose client asks for nothing more once everything requested is delivered', async () => {
    const subscription = subscribe({ topic_name: '/event/ApiAnomalyEvent', replay_preset: 'LATEST', num_requested: 1 });
    await subscription.ready();
    org.publishEvents('ApiAnomalyEvent', [{ Score: 91.5 }]);
    await waitFor(() => subscription.events().length === 1, 'the requested event');
    expect(subscription.status()).toBeUndefined();
    expect(await subscription.ended()).toMatchObject({ code: grpc.status.OK });
  });

  it('sends empty keepalive FetchResponses carrying the latest replay id', async () => {
    const ids = org.publishEvents('SessionHijackingEvent', [{ Score: 1 }, { Score: 2 }]);
    const subscription = subscribe({ topic_name: '/event/SessionHijackingEvent', replay_preset: 'LATEST', num_requested: 5 });
    await waitFor(() => subscription.keepalives().length >= 2, 'two keepalives');
    const keepalive = subscription.keepalives()[0];
    expect(keepalive?.events).toEqual([]);
    expect(keepalive?.latest_replay_id.toString('base64')).toBe(ids[1]);
    expect(keepalive?.pending_num_requested).toBe(5);
    expect(org.pubsub?.stats.keepalivesSent).toBeGreaterThanOrEqual(2);
  });

  it('ends the stream on a FetchRequest for another topic or for no events', async () => {
    const mismatch = subscribe({ topic_name: '/event/ApiEventStream', num_requested: 1 });
    await mismatch.ready();
    mismatch.stream.write({ topic_name: '/event/ReportEventStream', num_requested: 1 });
    expect(await mismatch.ended()).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      errorCode: 'sfdc.platform.eventbus.grpc.subscription.fetch.topic.mismatch',
    });
    const none = subscribe({ topic_name: '/event/ApiEventStream', num_requested: 0 });
    expect(await none.ended()).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      errorCode: 'sfdc.platform.eventbus.grpc.subscription.fetch.requested.events.invalid',
    });
  });
});

describe('faults', () => {
  it('ends every open stream with UNAVAILABLE on resetStreams, without a Pub/Sub error code', async () => {
    const first = subscribe({ topic_name: '/event/ApiEventStream', num_requested: 1 });
    const second = subscribe({ topic_name: '/event/ReportEventStream', num_requested: 1 });
    await Promise.all([first.ready(), second.ready()]);
    expect(org.pubsub?.resetStreams()).toBe(2);
    for (const subscription of [first, second])
      expect(await subscription.ended()).toMatchObject({ code: grpc.status.UNAVAILABLE, errorCode: undefined, rpcId: undefined });
    expect(org.pubsub?.stats.openStreams).toBe(0);
  });

  it('fails the next Subscribe calls on request, then serves again', async () => {
    org.pubsub?.failNextSubscribe(1);
    const refused = subscribe({ topic_name: '/event/ApiEventStream', num_requested: 1 });
    expect(await refused.ended()).toMatchObject({ code: grpc.status.UNAVAILABLE, errorCode: 'sfdc.platform.eventbus.grpc.service.unavailable' });
    const served = subscribe({ topic_name: '/event/ApiEventStream', num_requested: 1 });
    await served.ready();
    expect(served.status()).toBeUndefined();
    expect(org.pubsub?.stats.subscribeFailuresInjected).toBe(1);
  });

  it('ends a subscription with the auth error at its next keepalive once the session is revoked', async () => {
    const subscription = subscribe({ topic_name: '/event/PermissionSetEvent', num_requested: 1 });
    await subscription.ready();
    org.setFaults({ expireSessions: true });
    expect(await subscription.ended()).toMatchObject({ code: grpc.status.UNAUTHENTICATED, errorCode: 'sfdc.platform.eventbus.grpc.service.auth.error' });
    token = await newToken();
  });
});

describe('retention', () => {
  it('refuses purged and never-issued replay ids, and a CUSTOM subscription without one', async () => {
    const [oldest] = org.publishEvents('FileEvent', [{ FileName: 'old.csv' }, { FileName: 'older.csv' }]);
    clock += RETENTION_MS + 1;
    const [kept] = org.publishEvents('FileEvent', [{ FileName: 'new.csv' }]);
    const purged = subscribe({ topic_name: '/event/FileEvent', replay_preset: 'CUSTOM', replay_id: replayId(oldest ?? ''), num_requested: 1 });
    expect(await purged.ended()).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      errorCode: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
    });
    const future = Buffer.alloc(8);
    future.writeBigUInt64BE(replayId(kept ?? '').readBigUInt64BE() + 1000n);
    const neverIssued = subscribe({ topic_name: '/event/FileEvent', replay_preset: 'CUSTOM', replay_id: future, num_requested: 1 });
    expect(await neverIssued.ended()).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      errorCode: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
    });
    const malformed = subscribe({ topic_name: '/event/FileEvent', replay_preset: 'CUSTOM', replay_id: Buffer.from('nonsense'.repeat(2)), num_requested: 1 });
    expect(await malformed.ended()).toMatchObject({ errorCode: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted' });
    const missing = subscribe({ topic_name: '/event/FileEvent', replay_preset: 'CUSTOM', num_requested: 1 });
    expect(await missing.ended()).toMatchObject({
      code: grpc.status.INVALID_ARGUMENT,
      errorCode: 'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed',
    });
    const earliest = subscribe({ topic_name: '/event/FileEvent', replay_preset: 'EARLIEST', num_requested: 5 });
    await waitFor(() => earliest.events().length === 1, 'the retained event');
    await sleep(KEEPALIVE_MS);
    expect(earliest.events().map((event) => event.replay_id.toString('base64'))).toEqual([kept]);
  });
});

describe('the seeding endpoint POST /__emulator/pubsub/{Topic}', () => {
  const post = async (topic: string, body: unknown) => {
    const response = await fetch(`${org.url}/__emulator/pubsub/${topic}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it('refuses an unknown field, a value of the wrong JSON type, a bad body and an unknown topic, naming the problem', async () => {
    expect(await post('CredentialStuffingEvent', { events: [{ Score: 1 }, { Bogus__c: 'x' }] })).toEqual({
      status: 400,
      body: [{ errorCode: 'INVALID_FIELD', message: "No such column 'Bogus__c' on entity 'CredentialStuffingEvent' (event 1)" }],
    });
    const badType = await post('CredentialStuffingEvent', { events: [{ Score: '0.9' }] });
    expect(badType).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
    expect(JSON.stringify(badType.body)).toContain('field Score (event 0)');
    const badDate = await post('CredentialStuffingEvent', { events: [{ EventDate: 'yesterday' }] });
    expect(badDate).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
    expect(await post('CredentialStuffingEvent', { records: [] })).toMatchObject({ status: 400, body: [{ errorCode: 'JSON_PARSER_ERROR' }] });
    expect(await post('NoSuchEvent__e', { events: [{}] })).toMatchObject({ status: 404, body: [{ errorCode: 'NOT_FOUND' }] });
    expect(() => org.publishEvents('CredentialStuffingEvent', [{ LoginUrl: 42 }])).toThrow(/LoginUrl/);
  });

  it('publishes valid events all or none, answers their replay ids, and serves them to subscribers', async () => {
    const before = org.pubsub?.stats.eventsDelivered ?? 0;
    const rejected = await post('CredentialStuffingEvent', { events: [{ Username: 'first@acme-shop.example' }, { Score: 'high' }] });
    expect(rejected.status).toBe(400);
    const response = await post('CredentialStuffingEvent', {
      events: [{ Username: 'eve@acme-shop.example', EventDate: '2026-12-05T03:04:05.000+0000', Score: 0.97, CreatedById: '0055g00000ShSyNAAV' }],
    });
    expect(response).toMatchObject({ status: 201, body: { replayIds: [expect.stringMatching(/^[A-Za-z0-9+/]{11}=$/)] } });
    const viaClient = await seedPubSubEvents(org.url, '/event/CredentialStuffingEvent', [{ Username: 'mallory@acme-shop.example' }]);
    const subscription = subscribe({ topic_name: '/event/CredentialStuffingEvent', replay_preset: 'EARLIEST', num_requested: 10 });
    await waitFor(() => subscription.events().length === 2, 'the seeded events');
    const type = await decoder(subscription.events()[0]?.event.schema_id ?? '');
    const decoded = subscription.events().map((event) => type.fromBuffer(event.event.payload) as Record<string, unknown>);
    expect(decoded.map((event) => event.Username)).toEqual(['eve@acme-shop.example', 'mallory@acme-shop.example']);
    expect(decoded[0]).toMatchObject({ EventDate: Date.parse('2026-12-05T03:04:05.000Z'), Score: 0.97, CreatedById: '0055g00000ShSyNAAV' });
    expect(subscription.events().map((event) => event.replay_id.toString('base64'))).toEqual([
      ...(response.body as { replayIds: string[] }).replayIds,
      ...viaClient,
    ]);
    expect(org.pubsub?.stats.eventsDelivered).toBe(before + 2);
  });
});
