import { orgKey } from '../../contract/salesforce-id.js';
import type { CollectClient } from '../source.js';
import { REALTIME_TOPICS, topicPath } from './map-event.js';
import { PubSubClient, type PubSubSession } from './pubsub-client.js';
import { startTopicSubscriber, type SubscriptionState, type TopicSubscriber, type TopicSubscriberDeps } from './subscriber.js';

/** Salesforce's Pub/Sub API endpoint (gRPC over TLS), the same for every org. */
const SALESFORCE_PUBSUB_ENDPOINT = 'api.pubsub.salesforce.com:7443';

export interface RealtimeSettings {
  orgIds: readonly string[];
  /** The org's session source (its REST connection); undefined for an org without a connection. */
  sessionFor: (orgId: string) => ((renew: boolean) => Promise<PubSubSession>) | undefined;
  /** The org's REST client, to look up the users events name. */
  restFor?: (orgId: string) => CollectClient | undefined;
  /** `host:port`; default Salesforce's endpoint. */
  endpoint?: string;
  /** TLS to the endpoint; false only for a local emulator. */
  tls?: boolean;
  /** Topic object names (`ApiEventStream`, …); default every topic the sidecar maps. */
  topics?: readonly string[];
}

export interface RealtimeStatus {
  topic: string;
  state: SubscriptionState;
  stored: number;
}

export interface Realtime {
  /** Per org, the state of each of its subscriptions on this replica. */
  status(orgId: string): RealtimeStatus[];
  stop(): Promise<void>;
}

/**
 * Subscribes to every configured topic of every connected org, one subscriber per org and topic;
 * on several replicas each subscription runs on the one holding its lease, the others stand by.
 */
export function startRealtime(deps: TopicSubscriberDeps, settings: RealtimeSettings): Realtime {
  const topics = (settings.topics ?? REALTIME_TOPICS).map(topicPath);
  const subscribers = new Map<string, TopicSubscriber[]>();
  const clients: PubSubClient[] = [];
  for (const raw of new Set(settings.orgIds.map(orgKey))) {
    const session = settings.sessionFor(raw);
    if (!session) continue;
    const client = new PubSubClient({ endpoint: settings.endpoint ?? SALESFORCE_PUBSUB_ENDPOINT, tls: settings.tls ?? true, session });
    clients.push(client);
    subscribers.set(
      raw,
      topics.map((topic) => startTopicSubscriber(deps, raw, topic, client, settings.restFor?.(raw))),
    );
  }
  return {
    status: (orgId) => (subscribers.get(orgKey(orgId)) ?? []).map((s) => ({ topic: s.topic, state: s.state(), stored: s.stored() })),
    async stop() {
      await Promise.all([...subscribers.values()].flat().map((s) => s.stop()));
      for (const client of clients) client.close();
    },
  };
}
