import fp from 'fastify-plugin';
import type { Detector } from '../contract/verdict.js';
import type { RetryPolicy } from '../outbox/deliver-records.js';
import type { OrgClientResolver } from '../outbox/org-client.js';
import { writeBackStep } from '../outbox/write-back-step.js';
import { releaseOwnLeases } from '../pipeline/release-leases.js';
import { scoreStep } from '../pipeline/score-events.js';
import { startWorkerLoop, type WorkerLoop } from '../pipeline/worker-loop.js';
import type { Store } from '../store/store.js';

export interface WorkersOptions {
  store: Store;
  detector: Detector;
  flushDetector?: () => Promise<void>;
  clientFor: OrgClientResolver;
  policy: RetryPolicy;
  owner: string;
  pollMs: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Nudges both stages of this replica, and those of the others on the same database, after new work was stored. */
    wakeWorkers(): void;
    /** Stops claiming work and resolves once the steps in flight have finished. */
    stopWorkers(): Promise<void>;
  }
}

/**
 * Runs the two background stages from the durable queue: scoring (detector → outbox) and
 * write-back (outbox → org). They start when the app is ready; `stopWorkers` lets the steps
 * in flight — including write-backs already sent — finish.
 */
export default fp<WorkersOptions>(
  async (app, options) => {
    const loops: WorkerLoop[] = [];
    let writer: WorkerLoop | undefined;
    let stopListening: (() => Promise<void>) | undefined;
    const wakeLocal = () => {
      for (const loop of loops) loop.wake();
    };
    app.decorate('wakeWorkers', () => {
      wakeLocal();
      options.store.signalWork?.(options.owner).catch((err: unknown) => {
        app.log.warn({ err }, 'could not signal new work to the other replicas; they will find it when they poll');
      });
    });
    app.addHook('onReady', async () => {
      const { metrics } = app;
      await releaseOwnLeases(options.store, options.owner);
      stopListening = await options.store.listenForWork?.((from) => {
        if (from !== options.owner) wakeLocal();
      });
      const scorer = startWorkerLoop({
        pollMs: options.pollMs,
        onError: (err) => app.log.error({ err }, 'scoring step failed'),
        step: scoreStep({
          store: options.store,
          detector: options.detector,
          afterBatch: options.flushDetector,
          owner: options.owner,
          onScored: (verdicts, quiet) => {
            metrics.scoredEvents.inc({ result: 'verdict' }, verdicts);
            metrics.scoredEvents.inc({ result: 'quiet' }, quiet);
            if (verdicts > 0) writer?.wake();
          },
          onFailure: (eventId, err) => {
            metrics.scoredEvents.inc({ result: 'error' });
            app.log.warn({ eventId, err }, 'detector failed on an event; it will be retried');
          },
        }),
      });
      writer = startWorkerLoop({
        pollMs: options.pollMs,
        onError: (err) => app.log.error({ err }, 'write-back step failed'),
        step: writeBackStep({
          store: options.store,
          clientFor: options.clientFor,
          owner: options.owner,
          policy: options.policy,
          onSettled: (claimed, settlements) => {
            const byId = new Map(claimed.map((c) => [c.id, c]));
            const now = Date.now();
            let parentsDone = false;
            for (const s of settlements) {
              const record = byId.get(s.id);
              if (!record) continue;
              metrics.writeBackRecords.inc({ sobject: record.sobject, outcome: s.outcome });
              if (s.outcome === 'dead')
                app.log.error({ outboxId: s.id, sobject: record.sobject, error: s.error }, 'write-back dead letter');
              if (s.outcome === 'done' && record.sobject === 'LeakVerdict__c') {
                parentsDone = true;
                metrics.verdictLatency.observe((now - record.acknowledgedAt.getTime()) / 1000);
              }
            }
            if (parentsDone) writer?.wake();
          },
        }),
      });
      loops.push(scorer, writer);
    });
    app.decorate('stopWorkers', async () => {
      await stopListening?.();
      await Promise.all(loops.map((l) => l.stop()));
    });
  },
  { name: 'workers', dependencies: ['metrics'] },
);
