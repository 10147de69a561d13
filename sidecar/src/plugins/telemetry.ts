import fp from 'fastify-plugin';
import { queueStatus } from '../outbox/queue-status.js';
import type { Store } from '../store/store.js';
import { startTelemetry, type Telemetry, type TelemetrySettings } from '../telemetry/start-telemetry.js';

interface TelemetryOptions {
  store: Store;
  /** Absent: telemetry is off and nothing is sent. */
  settings?: TelemetrySettings;
  /** This replica's name (`service.instance.id`). */
  instanceId: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The sidecar's own traces and metrics (`src/telemetry/`); records nothing while off. */
    telemetry: Telemetry;
  }
}

/**
 * Starts the sidecar's own telemetry on the app's Prometheus registry. The app flushes and stops it
 * in its onClose hook, after the workers have stopped and before the store closes.
 */
export default fp<TelemetryOptions>(
  async (app, options) => {
    app.decorate(
      'telemetry',
      startTelemetry(options.settings, {
        registry: app.metrics.registry,
        queueDepth: async () => {
          const status = await queueStatus(options.store);
          return { events: status.eventsPending, writeBacks: status.writeBacksPending };
        },
        log: app.log,
        instanceId: options.instanceId,
      }),
    );
  },
  { name: 'telemetry', dependencies: ['metrics'] },
);
