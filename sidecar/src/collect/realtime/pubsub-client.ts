import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import avro from 'avsc';

/**
 * The published Pub/Sub API protocol (`pubsub_api.proto` of forcedotcom/pub-sub-api), loaded as it
 * is: field names as the proto spells them, bytes as Buffers, enums as their names.
 */
const PROTO_PATH = fileURLToPath(new URL('../../../proto/pubsub_api.proto', import.meta.url));

/** What the Pub/Sub API needs of an org connection: a session, its instance and its org (the proto's auth headers). */
export interface PubSubSession {
  accessToken: string;
  instanceUrl: string;
  /** The org id (`tenantid`). */
  orgId: string;
}

interface PubSubClientOptions {
  /** `host:port`; Salesforce serves `api.pubsub.salesforce.com:7443`. */
  endpoint: string;
  /** TLS to the endpoint (always, against Salesforce); false only for a local emulator. */
  tls?: boolean;
  /** The current session; `renew` asks for a new token (the last one was refused). */
  session: (renew: boolean) => Promise<PubSubSession>;
}

type ReplayPreset = 'LATEST' | 'EARLIEST' | 'CUSTOM';

interface TopicInfo {
  topicName: string;
  canSubscribe: boolean;
  schemaId: string;
}

/** One event of a FetchResponse, decoded with its schema. */
interface ReceivedEvent {
  /** The event's id (EventUuid for monitoring events). */
  id: string;
  schemaId: string;
  replayId: Buffer;
  payload: Record<string, unknown>;
}

export interface FetchBatch {
  events: ReceivedEvent[];
  /** The stream's latest replay id: with no events this is the keepalive's position. */
  latestReplayId: Buffer | undefined;
  /** Events still owed to this subscriber under what it requested. */
  pendingRequested: number;
  rpcId: string;
}

interface SubscribeRequest {
  topic: string;
  preset: ReplayPreset;
  replayId?: Buffer;
  /** Events asked for at once (at most 100 per request, as the service allows). */
  numRequested: number;
}

/** An open Subscribe stream: asks for more events, or ends. */
export interface Subscription {
  request(n: number): void;
  cancel(): void;
}

interface SubscribeHandlers {
  /** Called for each FetchResponse, in order; the next one waits until the promise settles. */
  onBatch(batch: FetchBatch): Promise<void>;
  /** The stream ended with an error (never called after `cancel`). */
  onError(error: PubSubError): void;
  /** The server ended the stream without an error. */
  onEnd(): void;
}

/**
 * A failed RPC: the gRPC status, and the Pub/Sub API's own error code from the trailers
 * (`error-code`, e.g. `sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted`).
 */
export class PubSubError extends Error {
  override readonly name = 'PubSubError';
  constructor(
    readonly status: grpc.status,
    readonly errorCode: string | undefined,
    message: string,
  ) {
    super(message);
  }

  static from(error: unknown): PubSubError {
    if (error instanceof PubSubError) return error;
    const e = error as Partial<grpc.ServiceError>;
    const code = e.metadata?.get('error-code')[0];
    return new PubSubError(e.code ?? grpc.status.UNKNOWN, code === undefined ? undefined : String(code), e.details ?? e.message ?? String(error));
  }

  /** The session was refused: a new token may succeed. */
  get auth(): boolean {
    return this.status === grpc.status.UNAUTHENTICATED || /auth/i.test(this.errorCode ?? '');
  }

  /** The stored replay id is no longer retained (or never was): the subscription must start elsewhere. */
  get replayIdInvalid(): boolean {
    return /replayid/i.test(this.errorCode ?? '');
  }

  /** The org cannot provide the topic to this user (not licensed, no permission, no such topic). */
  get unavailable(): boolean {
    return this.status === grpc.status.PERMISSION_DENIED || this.status === grpc.status.NOT_FOUND;
  }
}

interface RawFetchResponse {
  events: Array<{ event: { id: string; schema_id: string; payload: Buffer }; replay_id: Buffer }>;
  latest_replay_id: Buffer;
  rpc_id: string;
  pending_num_requested: number;
}

type Unary<Req, Res> = (request: Req, metadata: grpc.Metadata, callback: (error: grpc.ServiceError | null, response?: Res) => void) => void;

interface PubSubStub extends grpc.Client {
  GetTopic: Unary<{ topic_name: string }, { topic_name: string; can_subscribe: boolean; schema_id: string }>;
  GetSchema: Unary<{ schema_id: string }, { schema_id: string; schema_json: string }>;
  Subscribe(metadata: grpc.Metadata): grpc.ClientDuplexStream<unknown, RawFetchResponse>;
}

let definition: grpc.GrpcObject | undefined;
const stubConstructor = (): new (address: string, credentials: grpc.ChannelCredentials, options?: object) => PubSubStub => {
  definition ??= grpc.loadPackageDefinition(protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true }));
  const eventbus = definition['eventbus'] as grpc.GrpcObject;
  const v1 = eventbus['v1'] as grpc.GrpcObject;
  return v1['PubSub'] as unknown as new (address: string, credentials: grpc.ChannelCredentials, options?: object) => PubSubStub;
};

/** Largest FetchRequest.num_requested the service accepts. */
export const MAX_NUM_REQUESTED = 100;

/**
 * A Pub/Sub API client for one org: GetTopic, GetSchema (schemas cached by id, they never change
 * under an id) and Subscribe with flow control. Every call carries the session's `accesstoken`,
 * `instanceurl` and `tenantid` headers; a unary call refused for its session is tried once more
 * with a new one.
 */
export class PubSubClient {
  private readonly stub: PubSubStub;
  private readonly schemas = new Map<string, Promise<avro.Type>>();
  private session: PubSubSession | undefined;

  constructor(private readonly options: PubSubClientOptions) {
    const Stub = stubConstructor();
    const credentials = options.tls === false ? grpc.credentials.createInsecure() : grpc.credentials.createSsl();
    this.stub = new Stub(options.endpoint, credentials, {
      // A subscriber idles for minutes between events; keepalives find a dead connection sooner.
      'grpc.keepalive_time_ms': 60_000,
      'grpc.keepalive_timeout_ms': 20_000,
      'grpc.max_receive_message_length': 32 * 1024 * 1024,
    });
  }

  private async metadata(renew = false): Promise<grpc.Metadata> {
    if (renew || !this.session) this.session = await this.options.session(renew);
    const metadata = new grpc.Metadata();
    metadata.set('accesstoken', this.session.accessToken);
    metadata.set('instanceurl', this.session.instanceUrl);
    metadata.set('tenantid', this.session.orgId);
    return metadata;
  }

  /** Drops the cached session: the next call asks for a new token. */
  renewSession(): void {
    this.session = undefined;
  }

  private async unary<Req, Res>(call: Unary<Req, Res>, request: Req): Promise<Res> {
    const once = (metadata: grpc.Metadata) =>
      new Promise<Res>((resolve, reject) => {
        call.call(this.stub, request, metadata, (error, response) => (error ? reject(PubSubError.from(error)) : resolve(response as Res)));
      });
    try {
      return await once(await this.metadata());
    } catch (error) {
      if (!(error instanceof PubSubError) || !error.auth) throw error;
      return once(await this.metadata(true));
    }
  }

  async getTopic(topic: string): Promise<TopicInfo> {
    const info = await this.unary(this.stub.GetTopic, { topic_name: topic });
    return { topicName: info.topic_name, canSubscribe: info.can_subscribe, schemaId: info.schema_id };
  }

  /** The Avro type of a schema id, asked once per id. */
  schema(schemaId: string): Promise<avro.Type> {
    let type = this.schemas.get(schemaId);
    if (!type) {
      type = this.unary(this.stub.GetSchema, { schema_id: schemaId }).then((info) => avro.Type.forSchema(JSON.parse(info.schema_json) as avro.Schema));
      type.catch(() => this.schemas.delete(schemaId));
      this.schemas.set(schemaId, type);
    }
    return type;
  }

  /**
   * Opens a Subscribe stream. Responses are handed to `onBatch` one at a time, decoded; the caller
   * asks for more with `request(n)` when it has room (nothing is asked for automatically beyond
   * the first `numRequested`).
   */
  async subscribe(request: SubscribeRequest, handlers: SubscribeHandlers): Promise<Subscription> {
    const stream = this.stub.Subscribe(await this.metadata());
    let cancelled = false;
    let failed = false;
    let chain: Promise<void> = Promise.resolve();
    const fail = (error: unknown) => {
      if (cancelled || failed) return;
      failed = true;
      stream.cancel();
      handlers.onError(PubSubError.from(error));
    };
    stream.on('data', (response: RawFetchResponse) => {
      chain = chain
        .then(async () => {
          if (cancelled || failed) return;
          const events: ReceivedEvent[] = [];
          for (const consumer of response.events) {
            const type = await this.schema(consumer.event.schema_id);
            events.push({
              id: consumer.event.id,
              schemaId: consumer.event.schema_id,
              replayId: consumer.replay_id,
              payload: type.fromBuffer(consumer.event.payload) as Record<string, unknown>,
            });
          }
          await handlers.onBatch({
            events,
            latestReplayId: response.latest_replay_id?.length ? response.latest_replay_id : undefined,
            pendingRequested: Number(response.pending_num_requested ?? 0),
            rpcId: response.rpc_id,
          });
        })
        .catch(fail);
    });
    stream.on('error', (error) => {
      if (cancelled) return;
      // Responses already received are handled before the error is reported.
      void chain.then(() => fail(error));
    });
    stream.on('end', () => {
      void chain.then(() => {
        if (!cancelled && !failed) handlers.onEnd();
      });
    });
    stream.write({
      topic_name: request.topic,
      replay_preset: request.preset,
      ...(request.preset === 'CUSTOM' && request.replayId ? { replay_id: request.replayId } : {}),
      num_requested: Math.min(MAX_NUM_REQUESTED, request.numRequested),
    });
    return {
      request: (n) => {
        if (cancelled || failed || n <= 0) return;
        stream.write({ topic_name: request.topic, num_requested: Math.min(MAX_NUM_REQUESTED, n) });
      },
      cancel: () => {
        if (cancelled) return;
        cancelled = true;
        stream.cancel();
      },
    };
  }

  close(): void {
    this.stub.close();
  }
}
