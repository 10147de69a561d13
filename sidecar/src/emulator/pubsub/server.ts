import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { authProblem, type PubSubAuth } from './auth.js';
import type { EventBus } from './bus.js';
import { PUBSUB_ERRORS, pubSubError, statusWithCode } from './errors.js';
import { SubscribeStream, type FetchRequest, type FetchResponse, type SubscribeStats } from './subscription.js';

/** The published Pub/Sub API protocol (`pubsub_api.proto` of forcedotcom/pub-sub-api). */
const PROTO_PATH = fileURLToPath(new URL('../../../proto/pubsub_api.proto', import.meta.url));

/** "The empty fetch response is sent within 270 seconds" (the proto's FetchResponse comment). */
const KEEPALIVE_MS = 270_000;
/**
 * Once every requested event is delivered, a client must send a new FetchRequest within 60 seconds
 * of the last FetchResponse, or the subscription stream closes (Pub/Sub API guide on flow control).
 */
const IDLE_TIMEOUT_MS = 60_000;

interface PubSubServerOptions extends PubSubAuth {
  bus: EventBus;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  keepaliveMs?: number;
  idleTimeoutMs?: number;
}

interface PubSubStats extends SubscribeStats {
  /** Subscribe calls refused by `failNextSubscribe`. */
  subscribeFailuresInjected: number;
  /** Streams ended by `resetStreams`. */
  streamsReset: number;
}

/** The fault controls and counters of a running Pub/Sub API emulator. */
export interface PubSubControls {
  stats: PubSubStats;
  /** Ends every open Subscribe stream with UNAVAILABLE, as a server restart does; returns how many. */
  resetStreams(): number;
  /**
   * The next `count` Subscribe calls fail at once with `status` (default UNAVAILABLE) and, in the
   * `error-code` trailer, `errorCode` (default `sfdc.platform.eventbus.grpc.service.unavailable` for
   * UNAVAILABLE, none otherwise).
   */
  failNextSubscribe(count: number, status?: grpc.status, errorCode?: string): void;
}

interface PubSubServer extends PubSubControls {
  /** `host:port`, plaintext HTTP/2 (Salesforce serves TLS at api.pubsub.salesforce.com:7443). */
  endpoint: string;
  close(): Promise<void>;
}

interface TopicInfo {
  topic_name: string;
  tenant_guid: string;
  can_publish: boolean;
  can_subscribe: boolean;
  schema_id: string;
  rpc_id: string;
}

interface SchemaInfo {
  schema_json: string;
  schema_id: string;
  rpc_id: string;
}

const pubSubService = (): grpc.ServiceDefinition => {
  const definition = protoLoader.loadSync(PROTO_PATH, { keepCase: true, longs: String, enums: String, defaults: true });
  const loaded = grpc.loadPackageDefinition(definition) as unknown as { eventbus: { v1: { PubSub: grpc.ServiceClientConstructor } } };
  return loaded.eventbus.v1.PubSub.service;
};

/**
 * Starts a gRPC server that answers GetTopic, GetSchema and Subscribe for an org's monitoring
 * channels as Pub/Sub API does, from the events on `bus`. Publish, PublishStream and ManagedSubscribe
 * answer UNIMPLEMENTED: monitoring channels take no published events.
 */
export const startPubSubServer = async (options: PubSubServerOptions): Promise<PubSubServer> => {
  const { bus } = options;
  const keepaliveMs = options.keepaliveMs ?? KEEPALIVE_MS;
  const idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const stats: PubSubStats = { streamsOpened: 0, openStreams: 0, eventsDelivered: 0, keepalivesSent: 0, subscribeFailuresInjected: 0, streamsReset: 0 };
  const streams = new Set<SubscribeStream>();
  const injected: { status: grpc.status; code: string | undefined; message: string }[] = [];
  const tenantGuid = options.orgId;

  const getTopic: grpc.handleUnaryCall<{ topic_name: string }, TopicInfo> = (call, callback) => {
    const rpcId = randomUUID();
    const problem = authProblem(call.metadata, options);
    if (problem) return callback(pubSubError(problem, rpcId));
    const name = call.request.topic_name.trim();
    if (name === '') return callback(pubSubError('topicEmpty', rpcId));
    const topic = name.startsWith('/') ? bus.topic(name) : undefined;
    if (!topic) return callback(pubSubError('topicNotFound', rpcId, `Topic: ${name}.`));
    if (!topic.licensed) return callback(pubSubError('topicNoAccess', rpcId, `Topic: ${name}.`));
    callback(null, {
      topic_name: topic.definition.topic,
      tenant_guid: tenantGuid,
      can_publish: false,
      can_subscribe: true,
      schema_id: topic.schema.id,
      rpc_id: rpcId,
    });
  };

  const getSchema: grpc.handleUnaryCall<{ schema_id: string }, SchemaInfo> = (call, callback) => {
    const rpcId = randomUUID();
    const problem = authProblem(call.metadata, options);
    if (problem) return callback(pubSubError(problem, rpcId));
    const id = call.request.schema_id.trim();
    if (id === '') return callback(pubSubError('schemaEmpty', rpcId));
    const topic = bus.topicOfSchema(id);
    if (!topic?.licensed) return callback(pubSubError('schemaNoAccess', rpcId, `Schema ID: ${id}.`));
    callback(null, { schema_json: topic.schema.json, schema_id: topic.schema.id, rpc_id: rpcId });
  };

  const subscribe: grpc.handleBidiStreamingCall<FetchRequest, FetchResponse> = (call) => {
    const stream = new SubscribeStream(call, {
      bus,
      authProblem: () => authProblem(call.metadata, options),
      keepaliveMs,
      idleTimeoutMs,
      stats,
      onClose: () => streams.delete(stream),
    });
    const fault = injected.shift();
    if (fault) {
      stats.subscribeFailuresInjected += 1;
      return stream.abort(statusWithCode(fault.status, fault.code, fault.message, stream.rpcId));
    }
    streams.add(stream);
    const problem = authProblem(call.metadata, options);
    if (problem) stream.fail(problem);
  };

  const server = new grpc.Server();
  server.addService(pubSubService(), { GetTopic: getTopic, GetSchema: getSchema, Subscribe: subscribe });
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${host}:${options.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });

  return {
    endpoint: `${host}:${port}`,
    stats,
    resetStreams: () => {
      const open = [...streams];
      for (const stream of open) stream.reset();
      stats.streamsReset += open.length;
      return open.length;
    },
    failNextSubscribe: (count, status = grpc.status.UNAVAILABLE, errorCode) => {
      if (!Number.isInteger(count) || count < 0) throw new RangeError('failNextSubscribe count must be a non-negative integer');
      const unavailable = status === PUBSUB_ERRORS.unavailable.status;
      const fault = {
        status,
        code: errorCode ?? (unavailable ? PUBSUB_ERRORS.unavailable.code : undefined),
        message: unavailable ? PUBSUB_ERRORS.unavailable.message : 'The service refused the call.',
      };
      injected.splice(0, injected.length, ...Array.from({ length: count }, () => fault));
    },
    close: async () => {
      for (const stream of [...streams]) stream.reset();
      server.forceShutdown();
    },
  };
};
