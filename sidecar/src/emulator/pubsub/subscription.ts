import { randomUUID } from 'node:crypto';
import type * as grpc from '@grpc/grpc-js';
import { positionOf, replayIdOf, type BusEvent, type EventBus } from './bus.js';
import { pubSubError, streamResetStatus, type PubSubErrorKind } from './errors.js';

/** A FetchRequest as the proto loader hands it over (defaults filled in, enums as names). */
export interface FetchRequest {
  topic_name: string;
  replay_preset: string;
  replay_id: Buffer;
  num_requested: number;
}

interface ConsumerEvent {
  event: { id: string; schema_id: string; payload: Buffer; headers: [] };
  replay_id: Buffer;
}

export interface FetchResponse {
  events: ConsumerEvent[];
  latest_replay_id: Buffer;
  rpc_id: string;
  pending_num_requested: number;
}

/** Counters of the Subscribe streams a server has served. */
export interface SubscribeStats {
  /** Subscribe calls received, refused ones included. */
  streamsOpened: number;
  openStreams: number;
  eventsDelivered: number;
  keepalivesSent: number;
}

interface SubscribeContext {
  bus: EventBus;
  /** Re-checks the call's credentials (the session may have been revoked since the call began). */
  authProblem: () => PubSubErrorKind | undefined;
  keepaliveMs: number;
  idleTimeoutMs: number;
  stats: SubscribeStats;
  /** Called once when the stream is over, however it ended. */
  onClose: () => void;
}

/**
 * Events a subscription can have requested and not yet received: "the maximum number of events that
 * can be requested in a Subscribe call across all requests is 100"; beyond that the server counts 100
 * (Pub/Sub API guide, "Pull Subscription and Flow Control").
 */
const MAX_REQUESTED = 100;

/**
 * One Subscribe call: the first FetchRequest names the topic and where to start, every FetchRequest
 * adds to the events the client is ready for, and the server delivers at most that many, several to
 * a FetchResponse. With nothing to deliver it sends an empty FetchResponse carrying the latest replay
 * id every `keepaliveMs`; once the client has received all it asked for, it must ask for more within
 * `idleTimeoutMs` or the stream closes.
 */
export class SubscribeStream {
  readonly rpcId = randomUUID();
  private topic: string | undefined;
  private schemaId = '';
  /** The position of the last event delivered (or the starting point). */
  private cursor = 0;
  private pending = 0;
  private closed = false;
  private unwatch: (() => void) | undefined;
  private keepalive: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;

  constructor(
    private readonly call: grpc.ServerDuplexStream<FetchRequest, FetchResponse>,
    private readonly context: SubscribeContext,
  ) {
    context.stats.streamsOpened += 1;
    context.stats.openStreams += 1;
    call.on('data', (request: FetchRequest) => this.receive(request));
    call.on('cancelled', () => this.close());
  }

  /** Ends the stream with a Pub/Sub API error. */
  fail(kind: PubSubErrorKind, detail?: string): void {
    this.abort(pubSubError(kind, this.rpcId, detail));
  }

  /** Ends the stream as a server restart does. */
  reset(): void {
    this.abort(streamResetStatus());
  }

  /** Ends the stream with an error status. */
  abort(status: Partial<grpc.StatusObject>): void {
    if (this.close()) this.call.emit('error', status);
  }

  private receive(request: FetchRequest): void {
    if (this.closed) return;
    const problem = this.context.authProblem();
    if (problem) return this.fail(problem);
    if (this.topic === undefined) return this.open(request);
    if (request.topic_name !== '' && request.topic_name !== this.topic)
      return this.fail('topicMismatch', `Topic: ${request.topic_name}, subscribed to ${this.topic}.`);
    if (request.num_requested <= 0) return this.fail('requestedEventsInvalid');
    this.request(request.num_requested);
  }

  private open(request: FetchRequest): void {
    const name = request.topic_name.trim();
    if (name === '') return this.fail('topicEmpty');
    const topic = name.startsWith('/') ? this.context.bus.topic(name) : undefined;
    if (!topic) return this.fail('topicNotFound', `Topic: ${name}.`);
    if (!topic.licensed) return this.fail('cannotSubscribe', `Topic: ${name}.`);
    if (request.num_requested <= 0) return this.fail('requestedEventsInvalid');
    const start = this.startingPoint(name, request);
    if (typeof start === 'string') return this.fail(start);
    this.topic = name;
    this.schemaId = topic.schema.id;
    this.cursor = start;
    this.unwatch = this.context.bus.watch(name, () => this.deliver());
    this.scheduleKeepalive();
    this.request(request.num_requested);
  }

  /** Where the subscription starts: the position after which events are delivered. */
  private startingPoint(topic: string, request: FetchRequest): number | PubSubErrorKind {
    const { bus } = this.context;
    if (request.replay_preset === 'EARLIEST') return bus.earliest(topic);
    if (request.replay_preset !== 'CUSTOM') return bus.latest(topic);
    if (request.replay_id.length === 0) return 'replayIdMissing';
    const position = positionOf(request.replay_id);
    return position !== undefined && bus.canResumeAfter(topic, position) ? position : 'replayIdCorrupted';
  }

  private request(count: number): void {
    this.pending = Math.min(MAX_REQUESTED, this.pending + count);
    clearTimeout(this.idle);
    this.idle = undefined;
    this.deliver();
  }

  private deliver(): void {
    if (this.closed || this.topic === undefined || this.pending === 0) return;
    const events = this.context.bus.after(this.topic, this.cursor, this.pending);
    if (events.length === 0) return;
    const problem = this.context.authProblem();
    if (problem) return this.fail(problem);
    this.cursor = (events[events.length - 1] as BusEvent).position;
    this.pending -= events.length;
    this.send(
      events.map((event) => ({
        event: { id: event.id, schema_id: this.schemaId, payload: event.payload, headers: [] },
        replay_id: replayIdOf(event.position),
      })),
    );
    this.context.stats.eventsDelivered += events.length;
    if (this.pending === 0) this.idle = setTimeout(() => this.end(), this.context.idleTimeoutMs);
  }

  private send(events: ConsumerEvent[]): void {
    this.call.write({ events, latest_replay_id: replayIdOf(this.cursor), rpc_id: this.rpcId, pending_num_requested: this.pending });
    this.scheduleKeepalive();
  }

  private scheduleKeepalive(): void {
    clearTimeout(this.keepalive);
    this.keepalive = setTimeout(() => {
      const problem = this.context.authProblem();
      if (problem) return this.fail(problem);
      this.send([]);
      this.context.stats.keepalivesSent += 1;
    }, this.context.keepaliveMs);
  }

  /** Closes the stream normally: the client let it go idle. */
  private end(): void {
    if (this.close()) this.call.end();
  }

  /** Stops timers and delivery; false when the stream was already over. */
  private close(): boolean {
    if (this.closed) return false;
    this.closed = true;
    clearTimeout(this.keepalive);
    clearTimeout(this.idle);
    this.unwatch?.();
    this.context.stats.openStreams -= 1;
    this.context.onClose();
    return true;
  }
}
