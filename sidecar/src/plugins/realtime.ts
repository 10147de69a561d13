import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Classifier } from '../contract/entities.js';
import { startRealtime, type Realtime, type RealtimeSettings as Subscriptions, type RealtimeStatus } from '../collect/realtime/realtime.js';
import type { TopicSubscriberDeps } from '../collect/realtime/subscriber.js';
import type { Store } from '../store/store.js';

/** What the service needs to subscribe to the orgs' real-time event streams: the orgs and endpoint, and how subscribers behave. */
export interface RealtimeSettings extends Subscriptions, Pick<TopicSubscriberDeps, 'firstStart' | 'integrationUsers' | 'leaseMs'> {}

interface RealtimeOptions {
  store: Store;
  classifier: Classifier;
  owner: string;
  settings: RealtimeSettings;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The org's subscriptions on this replica (empty when real-time reads are off). */
    realtimeStatus(orgId: string): RealtimeStatus[];
  }
}

/**
 * Subscribes to each org's Real-Time Event Monitoring topics from when the app is ready until it
 * closes; stored events wake the scoring workers at once.
 */
export default fp<RealtimeOptions>(
  async (app: FastifyInstance, options) => {
    let realtime: Realtime | undefined;
    const { metrics } = app;
    app.decorate('realtimeStatus', (orgId: string) => realtime?.status(orgId) ?? []);
    app.addHook('onReady', async () => {
      const { settings } = options;
      realtime = startRealtime(
        {
          store: options.store,
          classifier: options.classifier,
          owner: options.owner,
          firstStart: settings.firstStart,
          integrationUsers: settings.integrationUsers,
          ...(settings.leaseMs !== undefined ? { leaseMs: settings.leaseMs } : {}),
          onStored: (_orgId, topic, events) => {
            metrics.collectedEvents.inc({ source: topic }, events);
            app.wakeWorkers();
          },
          onInvalid: (orgId, topic, eventId, reasons) =>
            app.log.error({ orgId, topic, eventId, reasons }, 'a streamed event does not fit the event schema and was dropped'),
          onState: (orgId, topic, state, detail) => {
            if (state === 'retrying') app.log.warn({ orgId, topic, why: detail }, 'the real-time subscription failed; it is opened again with back-off');
            else if (state === 'unavailable')
              app.log.warn(
                { orgId, topic, why: detail },
                'the org cannot stream this topic (Shield or Event Monitoring, and View Real-Time Event Monitoring Data, are needed)',
              );
            else if (state === 'renewing')
              app.log.info({ orgId, topic, why: detail }, 'the session ended: the subscription logs in again and resumes after the stored replay id');
            else if (state === 'gap')
              app.log.error(
                { orgId, topic, why: detail },
                'the stored replay id is no longer retained: reading from the earliest event kept, the gap becomes a verdict',
              );
            else app.log.debug({ orgId, topic, state }, 'real-time subscription');
          },
        },
        settings,
      );
    });
    // Before the store closes (onClose): a response being stored is finished and the leases given back.
    app.addHook('preClose', async () => {
      await realtime?.stop();
      realtime = undefined;
    });
  },
  { name: 'realtime', dependencies: ['metrics', 'workers'] },
);
