import { randomUUID } from 'node:crypto';
import { ApiError } from '../errors.js';
import { topicSchema, type TopicSchema } from './schema.js';
import { TOPICS, type TopicDefinition } from './topics.js';
import { eventRecord } from './values.js';

/** Salesforce keeps platform events on the event bus for 72 hours (Pub/Sub API guide, "Event Message Durability"). */
export const RETENTION_MS = 72 * 60 * 60 * 1000;
/** Events per seeding request, as for records. */
const SEED_LIMIT = 10_000;

/** One event on the bus: its position, its ProducerEvent id and its Avro payload. */
export interface BusEvent {
  /** Position in the topic's stream; the replay id is its 8-byte big-endian form. */
  position: number;
  id: string;
  payload: Buffer;
  /** When the event entered the bus (epoch ms); retention counts from here. */
  publishedAt: number;
}

/** A topic of the org: its definition, schema, whether the org is licensed for it, and its retained events. */
interface BusTopic {
  definition: TopicDefinition;
  schema: TopicSchema;
  licensed: boolean;
}

interface Stream {
  events: BusEvent[];
  /** The last position handed out (0 before the first event). */
  last: number;
  listeners: Set<() => void>;
}

interface EventBusOptions {
  /** The event channels the org has; default every Real-Time Event Monitoring channel of the catalog. */
  catalog?: readonly TopicDefinition[];
  /** Topic names (`/event/ApiEventStream`) the org is licensed for; default all of the catalog. */
  licensed?: readonly string[];
  /** How long events stay replayable; default 72 hours. */
  retentionMs?: number;
  /** The bus clock, epoch ms; tests move it to age events out. */
  now?: () => number;
  /** `CreatedById` of events seeded without one: the integration user. */
  createdById: string;
}

/** `/event/ApiEventStream` from either `/event/ApiEventStream` or `ApiEventStream`. */
const topicName = (name: string): string => (name.startsWith('/') ? name : `/event/${name}`);

/** The 8-byte big-endian replay id of a stream position. */
export const replayIdOf = (position: number): Buffer => {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(position));
  return bytes;
};

/** The stream position a replay id names, or undefined for bytes this bus never hands out. */
export const positionOf = (replayId: Buffer): number | undefined => {
  if (replayId.length !== 8) return undefined;
  const position = replayId.readBigUInt64BE();
  return position <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(position) : undefined;
};

/**
 * The org's event bus for monitoring channels: validates and Avro-encodes what the org generates,
 * assigns each event the next position of its topic, keeps events for the retention window and
 * tells subscribers when something arrives.
 */
export class EventBus {
  readonly retentionMs: number;
  readonly now: () => number;
  private readonly topics = new Map<string, BusTopic>();
  private readonly bySchemaId = new Map<string, BusTopic>();
  private readonly streams = new Map<string, Stream>();
  private readonly createdById: string;

  constructor(options: EventBusOptions) {
    const catalog = options.catalog ?? TOPICS;
    const licensed = new Set((options.licensed ?? catalog.map((definition) => definition.topic)).map(topicName));
    const unknown = [...licensed].filter((name) => !catalog.some((definition) => definition.topic === name));
    if (unknown.length > 0) throw new RangeError(`licensed topics not in the catalog: ${unknown.join(', ')}`);
    for (const definition of catalog) {
      const topic = { definition, schema: topicSchema(definition), licensed: licensed.has(definition.topic) };
      this.topics.set(definition.topic, topic);
      this.bySchemaId.set(topic.schema.id, topic);
      this.streams.set(definition.topic, { events: [], last: 0, listeners: new Set() });
    }
    this.retentionMs = options.retentionMs ?? RETENTION_MS;
    this.now = options.now ?? Date.now;
    this.createdById = options.createdById;
  }

  topic(name: string): BusTopic | undefined {
    return this.topics.get(topicName(name));
  }

  /** The topic whose events a schema id describes. */
  topicOfSchema(id: string): BusTopic | undefined {
    return this.bySchemaId.get(id);
  }

  /**
   * Publishes events as the org generates them: every event is checked first (one bad event refuses
   * them all, with a 400 `ApiError` naming it), then each is encoded, given the next position and
   * delivered to open subscriptions. Returns the replay ids, base64, in order.
   */
  publish(name: string, events: readonly Record<string, unknown>[]): string[] {
    const topic = this.topic(name);
    if (!topic?.licensed) throw new ApiError(404, 'NOT_FOUND', `The org has no event channel ${topicName(name)}`);
    if (events.length > SEED_LIMIT) throw new ApiError(400, 'EXCEEDED_ID_LIMIT', `at most ${SEED_LIMIT} events per request`);
    const now = this.now();
    const defaults = { now, createdById: this.createdById };
    const records = events.map((event, index) => eventRecord(topic.schema, topic.definition.object, event, index, defaults));
    const stream = this.stream(topic.definition.topic);
    const replayIds = records.map((record) => {
      stream.last += 1;
      const id = typeof record.EventUuid === 'string' ? record.EventUuid : randomUUID();
      stream.events.push({ position: stream.last, id, payload: topic.schema.type.toBuffer(record), publishedAt: now });
      return replayIdOf(stream.last).toString('base64');
    });
    for (const listener of stream.listeners) listener();
    return replayIds;
  }

  /** The last position handed out on a topic (0 before its first event). */
  latest(name: string): number {
    return this.stream(name).last;
  }

  /** The position just before the oldest retained event: where EARLIEST starts. */
  earliest(name: string): number {
    const stream = this.stream(name);
    return (stream.events[0]?.position ?? stream.last + 1) - 1;
  }

  /** Whether a subscription can resume after this position: it was handed out and nothing after it has been purged. */
  canResumeAfter(name: string, position: number): boolean {
    return position >= this.earliest(name) && position <= this.latest(name);
  }

  /** Up to `limit` retained events after a position, oldest first. */
  after(name: string, position: number, limit: number): BusEvent[] {
    const events = this.stream(name).events;
    const start = events.findIndex((event) => event.position > position);
    return start < 0 ? [] : events.slice(start, start + limit);
  }

  /** Calls `listener` whenever events arrive on a topic; returns the way to stop. */
  watch(name: string, listener: () => void): () => void {
    const listeners = this.stream(name).listeners;
    listeners.add(listener);
    return () => listeners.delete(listener);
  }

  /** A topic's stream with the events older than the retention window purged. */
  private stream(name: string): Stream {
    const stream = this.streams.get(topicName(name));
    if (!stream) throw new RangeError(`no event channel ${name}`);
    const horizon = this.now() - this.retentionMs;
    const kept = stream.events.findIndex((event) => event.publishedAt > horizon);
    if (kept !== 0) stream.events.splice(0, kept < 0 ? stream.events.length : kept);
    return stream;
  }
}
