import { randomUUID } from 'node:crypto';
import type { Classifier } from '../../contract/entities.js';
import { SIDECAR_ACTOR_ID, type LeakEvent } from '../../contract/event.js';
import { classifyEvents } from '../../ingest/classify-events.js';
import { knownEventIds, persistEvents } from '../../ingest/persist-events.js';
import type { Store } from '../../store/store.js';
import { advanceCheckpoint, CheckpointMoved, claimSource, noteSourceError, noteSubscribed, releaseSource } from '../checkpoint.js';
import { collectedEventId } from '../event-id.js';
import { createLookups } from '../lookups.js';
import { validEvents } from '../run-source.js';
import { backoffDelayMs } from '../../outbox/backoff.js';
import type { CollectClient, Lookups } from '../source.js';
import { mapStreamEvent, topicObject } from './map-event.js';
import { MAX_NUM_REQUESTED, PubSubError, type FetchBatch, type PubSubClient, type Subscription } from './pubsub-client.js';

/**
 * Where a topic's subscription stands, stored in `collector_checkpoint.position` (source = the
 * topic, e.g. `/event/ApiEventStream`) in the same transaction as the events it produced.
 */
export interface StreamPosition {
  /** The replay id of the last event stored (or of the last keepalive), base64. */
  replayId?: string;
  /** When the last event stored happened in the org. */
  lastEventAt?: string;
  /**
   * Set when the stored replay id was no longer retained: events after `gapFrom` until the
   * earliest event still retained were lost. Cleared (and a gap event stored) with the first
   * events read after it.
   */
  gapFrom?: string;
}

export interface TopicSubscriberDeps {
  store: Store;
  classifier: Classifier;
  /** This replica's name in subscription leases. */
  owner: string;
  now?: () => Date;
  /**
   * How long a subscription's lease lasts without renewal; default 15 s, renewed every third of it.
   * A standby replica looks every fifth, so a dead holder's subscriptions move within 1.2 leases.
   */
  leaseMs?: number;
  /** Events asked for at once, and at most in flight; default 100 (the service's maximum per request). */
  batchSize?: number;
  /** Where a topic never subscribed before starts: EARLIEST (the 72 hours the org keeps) or LATEST. */
  firstStart?: 'EARLIEST' | 'LATEST';
  /** Usernames or ids the admin declared integration users. */
  integrationUsers?: readonly string[];
  /** Record ids (15 characters) of the org's canaries, kept when a long `Records` list is cut. */
  isCanary?: (orgId: string, id15: string) => boolean;
  onStored?: (orgId: string, source: string, events: number) => void;
  onInvalid?: (orgId: string, source: string, eventId: string, reasons: string[]) => void;
  /** Reports state changes (subscribed, standby, gap, retrying …) for logs and metrics. */
  onState?: (orgId: string, topic: string, state: SubscriptionState, detail?: string) => void;
}

export type SubscriptionState = 'subscribed' | 'standby' | 'renewing' | 'retrying' | 'unavailable' | 'gap' | 'stopped';

export interface TopicSubscriber {
  readonly topic: string;
  state(): SubscriptionState;
  /** Events stored by this subscriber since it started. */
  stored(): number;
  stop(): Promise<void>;
}

const sleep = (ms: number, signal: { stopped: boolean; wake?: () => void }) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });

/**
 * Keeps one org's subscription to one topic alive on whichever replica holds its lease: resumes
 * after the stored replay id, stores each FetchResponse's events with the new replay id in one
 * transaction, asks for as many events as it stored (never more than `batchSize` in flight),
 * renews a new session when the token is refused, starts from EARLIEST (and records the gap)
 * when the replay id is no longer retained, and backs off on stream errors.
 */
export function startTopicSubscriber(
  deps: TopicSubscriberDeps,
  orgId: string,
  topic: string,
  client: PubSubClient,
  rest: CollectClient | undefined,
): TopicSubscriber {
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.leaseMs ?? 15_000;
  const batchSize = Math.min(MAX_NUM_REQUESTED, deps.batchSize ?? MAX_NUM_REQUESTED);
  const signal: { stopped: boolean; wake?: () => void } = { stopped: false };
  let current: SubscriptionState = 'standby';
  let storedTotal = 0;
  let failures = 0;
  let lookups: { at: number; lookups: Lookups } | undefined;
  const setState = (state: SubscriptionState, detail?: string) => {
    current = state;
    deps.onState?.(orgId, topic, state, detail);
  };
  const lookupsNow = (): Lookups | undefined => {
    if (!rest) return undefined;
    // Profiles change rarely; users are looked up again every hour.
    if (!lookups || Date.now() - lookups.at > 3_600_000)
      lookups = { at: Date.now(), lookups: createLookups(rest, { integrationUsers: deps.integrationUsers }) };
    return lookups.lookups;
  };

  /** One subscription attempt: resolves when the stream ends, fails, loses the lease or is stopped. */
  const subscribeOnce = async (claimed: { position: StreamPosition | undefined; version: number }): Promise<'ended' | 'lost' | 'stopped'> => {
    let { version } = claimed;
    let position: StreamPosition = claimed.position ?? {};
    const info = await client.getTopic(topic);
    if (!info.canSubscribe) throw new PubSubError(7, undefined, `this user cannot subscribe to ${topic}`);
    let sub: Subscription | undefined;
    let outcome: 'ended' | 'lost' | 'stopped' | undefined;
    let finish!: (error?: unknown) => void;
    const done = new Promise<void>((resolve, reject) => {
      finish = (error?: unknown) => (error === undefined ? resolve() : reject(error));
    });
    // The stream may fail before `done` is awaited (while the subscription is being noted): the
    // rejection is handled where `done` is awaited, not reported as unhandled meanwhile.
    done.catch(() => {});
    const renew = setInterval(
      () => {
        void claimSource<StreamPosition>(deps.store, orgId, topic, deps.owner, now(), leaseMs).then(
          (again) => {
            if (again) return;
            outcome = 'lost';
            sub?.cancel();
            finish();
          },
          () => {},
        );
      },
      Math.max(1_000, Math.floor(leaseMs / 3)),
    );
    const stopWatch = setInterval(() => {
      if (!signal.stopped) return;
      outcome = 'stopped';
      sub?.cancel();
      finish();
    }, 200);
    // The response being stored: a stop waits for it before the lease is given back.
    let storing: Promise<void> = Promise.resolve();
    const onBatch = (batch: FetchBatch): Promise<void> => {
      const stored = storeBatch(batch);
      storing = stored.catch(() => {});
      return stored;
    };
    const storeBatch = async (batch: FetchBatch): Promise<void> => {
      const at = now();
      const last = batch.events.at(-1);
      const replay = (last?.replayId ?? batch.latestReplayId)?.toString('base64');
      if (batch.events.length === 0 && (replay === undefined || replay === position.replayId) && !position.gapFrom) return;
      const mapped: LeakEvent[] = [];
      let lastEventAt = position.lastEventAt;
      for (const received of batch.events) {
        const event = mapStreamEvent(topic, received.payload, { orgId, isCanary: deps.isCanary ? (id) => deps.isCanary!(orgId, id) : undefined });
        if (!event) continue;
        mapped.push(event);
        if (!lastEventAt || event.occurredAt > lastEventAt) lastEventAt = event.occurredAt;
      }
      const next: StreamPosition = { ...(replay ? { replayId: replay } : {}), ...(lastEventAt ? { lastEventAt } : {}) };
      if (position.gapFrom) {
        // The first events read after the gap (or a keepalive: nothing retained) close it.
        const firstAt = mapped.reduce<string | undefined>((a, e) => (a === undefined || e.occurredAt < a ? e.occurredAt : a), undefined);
        mapped.push(gapEvent(orgId, topic, position.gapFrom, firstAt ?? at.toISOString()));
      }
      await enrich(mapped, lookupsNow());
      const events = validEvents(mapped, (id, reasons) => deps.onInvalid?.(orgId, topic, id, reasons));
      const known = await knownEventIds(
        deps.store,
        orgId,
        events.map((e) => e.id),
      );
      const classified = await classifyEvents(
        deps.classifier,
        orgId,
        events.filter((e) => !known.has(e.id)),
      );
      let inserted = 0;
      try {
        version = await deps.store.transaction(async (tx) => {
          inserted = (await persistEvents(tx, randomUUID(), classified)).size;
          return advanceCheckpoint(tx, {
            orgId,
            source: topic,
            version,
            position: next,
            rows: batch.events.length,
            lastRowAt: lastEventAt ? new Date(lastEventAt) : undefined,
            now: at,
            calls: 0,
          });
        });
      } catch (error) {
        if (error instanceof CheckpointMoved) {
          outcome = 'lost';
          sub?.cancel();
          finish();
          return;
        }
        throw error;
      }
      position = next;
      failures = 0;
      storedTotal += inserted;
      if (inserted > 0) deps.onStored?.(orgId, topic, inserted);
      // Room for as many as were just stored: never more than `batchSize` in flight.
      if (batch.events.length > 0) sub?.request(batch.events.length);
    };
    try {
      const start = position.replayId
        ? { preset: 'CUSTOM' as const, replayId: Buffer.from(position.replayId, 'base64') }
        : { preset: position.gapFrom ? ('EARLIEST' as const) : (deps.firstStart ?? 'EARLIEST') };
      sub = await client.subscribe(
        { topic, numRequested: batchSize, ...start },
        {
          onBatch,
          onError: (error) => finish(error),
          onEnd: () => {
            outcome = 'ended';
            finish();
          },
        },
      );
      setState('subscribed');
      await noteSubscribed(deps.store, orgId, topic, now()).catch(() => {});
      await done;
      return outcome ?? 'ended';
    } finally {
      clearInterval(renew);
      clearInterval(stopWatch);
      sub?.cancel();
      await storing;
    }
  };

  const loop = async () => {
    while (!signal.stopped) {
      const claimed = await claimSource<StreamPosition>(deps.store, orgId, topic, deps.owner, now(), leaseMs).catch(() => undefined);
      if (!claimed) {
        if (current !== 'standby') setState('standby');
        await sleep(Math.floor(leaseMs / 5), signal);
        continue;
      }
      let wait = 0;
      try {
        const outcome = await subscribeOnce(claimed);
        if (outcome === 'stopped') break;
        // A stream the server ended (a deploy, a reset) is opened again at once.
        wait = outcome === 'lost' ? leaseMs : 0;
      } catch (err) {
        const error = PubSubError.from(err);
        const message = `${error.errorCode ?? `gRPC ${error.status}`}: ${error.message}`.slice(0, 1_000);
        if (error.replayIdInvalid) {
          // The stored replay id is past the retention window: start from the earliest event kept
          // and record what could not be read.
          await markGap(deps, orgId, topic, claimed, now()).catch(() => {});
          setState('gap', message);
          await noteSourceError(deps.store, orgId, topic, now(), message).catch(() => {});
          continue;
        }
        failures += 1;
        if (error.auth) {
          // A session ends (timeout, revocation): log in again at once, back off if that fails too.
          client.renewSession();
          wait = failures > 1 ? backoff(failures) : 0;
          if (failures === 1) {
            setState('renewing', message);
            continue;
          }
        } else if (error.unavailable) {
          // Stored first: whoever sees the state then finds the topic marked unavailable in the coverage.
          await noteSourceError(deps.store, orgId, topic, now(), message, false).catch(() => {});
          setState('unavailable', message);
          wait = 6 * 3_600_000;
        } else wait = backoff(failures);
        if (!error.unavailable) {
          setState('retrying', message);
          await noteSourceError(deps.store, orgId, topic, now(), message).catch(() => {});
        }
      }
      if (wait > 0) {
        // Another replica may take the subscription meanwhile.
        await releaseSource(deps.store, orgId, topic, deps.owner).catch(() => {});
        await sleep(wait, signal);
      }
    }
    await releaseSource(deps.store, orgId, topic, deps.owner).catch(() => {});
    setState('stopped');
  };
  const running = loop();

  return {
    topic,
    state: () => current,
    stored: () => storedTotal,
    async stop() {
      signal.stopped = true;
      signal.wake?.();
      await running;
    },
  };
}

/** Exponential backoff from 1 s to 60 s, with full jitter so that replicas do not retry in step. */
const backoff = (failures: number): number => backoffDelayMs(failures, 1_000, 60_000);

/** Records, with the cursor, that the stored replay id was lost: the next events read close the gap. */
async function markGap(
  deps: TopicSubscriberDeps,
  orgId: string,
  topic: string,
  claimed: { position: StreamPosition | undefined; version: number },
  at: Date,
): Promise<void> {
  const from = claimed.position?.lastEventAt ?? claimed.position?.gapFrom ?? at.toISOString();
  await deps.store.transaction((tx) =>
    advanceCheckpoint(tx, {
      orgId,
      source: topic,
      version: claimed.version,
      position: { gapFrom: from, ...(claimed.position?.lastEventAt ? { lastEventAt: claimed.position.lastEventAt } : {}) } satisfies StreamPosition,
      rows: 0,
      lastRowAt: undefined,
      now: at,
      calls: 0,
    }),
  );
}

/**
 * A coverage gap as an event: the topic's events between `from` and `to` were never read (the
 * subscription was away longer than the org keeps events). The actor is the org's integration
 * user (the subscriber itself); the detector turns it into a verdict.
 */
function gapEvent(orgId: string, topic: string, from: string, to: string): LeakEvent {
  return {
    id: collectedEventId(orgId, topic, `gap:${from}`),
    kind: 'setup',
    operation: 'change',
    occurredAt: to,
    actor: { userId: SIDECAR_ACTOR_ID },
    details: { source: 'PubSub', topic: topicObject(topic), change: 'coverage_gap', gapFrom: from, gapTo: to },
  };
}

/**
 * Streamed events name users by id and username only: profile and the integration flag come from
 * `User` (one query per new user, cached), as for the event log files. A failed lookup fails the
 * batch: nothing is stored, and the events are read again from the stored replay id, rather than
 * stored without the flag the integration-user rules need.
 */
async function enrich(events: LeakEvent[], lookups: Lookups | undefined): Promise<void> {
  if (!lookups || events.length === 0) return;
  const users = await lookups.users(events.map((e) => e.actor.userId).filter((id) => id !== SIDECAR_ACTOR_ID));
  for (const event of events) {
    const user = users.get(event.actor.userId);
    if (!user) continue;
    event.actor = {
      ...event.actor,
      username: event.actor.username ?? user.username,
      ...(user.profile ? { profile: user.profile } : {}),
      isIntegration: user.isIntegration,
    };
  }
}
