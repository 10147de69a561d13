import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Detector } from '../contract/verdict.js';
import type { DetectionStatePersistence } from '../detect/index.js';
import { pollFeedback, startFeedbackLoop, type FeedbackLoop, type FeedbackSettings } from '../feedback/index.js';
import type { RetryPolicy } from '../outbox/deliver-records.js';
import type { OrgClientResolver } from '../outbox/org-client.js';
import type { ClaimedRecord } from '../outbox/claim-records.js';
import type { Settlement } from '../outbox/settle-records.js';
import { writeBackStep } from '../outbox/write-back-step.js';
import { releaseOwnLeases } from '../pipeline/release-leases.js';
import { scoreStep } from '../pipeline/score-events.js';
import { startWorkerLoop, type WorkerLoop } from '../pipeline/worker-loop.js';
import type { Store } from '../store/store.js';
import type { IncidentSettings } from '../incidents/correlate.js';
import { notifyStep } from '../notify/outbox.js';
import { reminderSweep } from '../notify/reminders.js';
import { readBackOrg } from '../incidents/org-readback.js';
import type { ConfiguredTarget } from '../notify/targets.js';
import type { StageTracer } from '../telemetry/stage-tracer.js';
import type { RequestLoad } from '../pipeline/request-load.js';

/**
 * While the acknowledgement path is saturated, the scoring and the write-back stage each take at most this share of
 * the time (see `WorkersOptions.giveWayTo`), and wait no longer than MAX_DEFER_MS before a step.
 */
const BACKGROUND_SHARE = 0.1;
const MAX_DEFER_MS = 10_000;

interface WorkersOptions {
  store: Store;
  detector: Detector;
  /** Keeps the detector's in-memory state in step with the store (the SQL-backed detector needs it). */
  detectorState?: DetectionStatePersistence;
  clientFor: OrgClientResolver;
  policy: RetryPolicy;
  owner: string;
  pollMs: number;
  /** Reads reviewers' false positives from the orgs into the detector; absent: not run. */
  feedback?: FeedbackSettings;
  /** Correlates verdicts into incidents (Incident__c); absent: none is opened. */
  incidents?: IncidentSettings;
  /** Notifies incident revisions to these targets through the notification outbox; absent or empty: none. */
  notifyTargets?: readonly ConfiguredTarget[];
  /** Spans and durations of the scoring (detect) and write-back stages; absent: none. */
  stages?: StageTracer;
  /**
   * The acknowledgement path: while every classification thread is busy with batches of events, scoring and
   * write-back wait for it: each step waits until it eases, at most nine times as long as its stage's last step took
   * (BACKGROUND_SHARE) and never more than MAX_DEFER_MS.
   */
  giveWayTo: RequestLoad;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Nudges both stages of this replica, and those of the others on the same database, after new work was stored. */
    wakeWorkers(): void;
    /** Stops claiming work, resolves once the steps in flight have finished and the detector state is written. */
    stopWorkers(): Promise<void>;
  }
}

/**
 * Runs the two background stages from the durable queue: scoring (detector → outbox) and
 * write-back (outbox → org), and the feedback stage (the orgs' false positives → suppressions in
 * the detector). They start when the app is ready; `stopWorkers` lets the steps in flight —
 * including write-backs already sent — finish, then writes the detector state one last time.
 */
export default fp<WorkersOptions>(
  async (app, options) => {
    const loops: WorkerLoop[] = [];
    let feedback: FeedbackLoop | undefined;
    let writer: WorkerLoop | undefined;
    let notifier: WorkerLoop | undefined;
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

      /** Counts the incidents a scored batch opened or updated, and wakes the notifier when it queued notifications. */
      function countIncidents(changed: number, opened: number, notifications: number): void {
        metrics.incidents.inc({ change: 'opened' }, opened);
        metrics.incidents.inc({ change: 'updated' }, changed - opened);
        if (notifications > 0) notifier?.wake();
      }

      /** Counts a scored batch's verdicts and quiet events, and wakes the writer when there are verdicts to write. */
      function countScored(verdicts: number, quiet: number): void {
        metrics.scoredEvents.inc({ result: 'verdict' }, verdicts);
        metrics.scoredEvents.inc({ result: 'quiet' }, quiet);
        if (verdicts > 0) writer?.wake();
      }

      /** Counts and logs an event the detector failed on; the event is retried. */
      function reportScoringFailure(eventId: string, err: unknown): void {
        metrics.scoredEvents.inc({ result: 'error' });
        app.log.warn({ eventId, err }, 'detector failed on an event; it will be retried');
      }

      /** Counts each settled write-back, logs its dead letters, and wakes the writer when parent records were written. */
      function settleWriteBacks(claimed: ClaimedRecord[], settlements: Settlement[]): void {
        const byId = new Map(claimed.map((c) => [c.id, c]));
        const now = Date.now();
        let parentsDone = false;
        for (const s of settlements) {
          const record = byId.get(s.id);
          if (!record) continue;
          metrics.writeBackRecords.inc({ sobject: record.sobject, outcome: s.outcome });
          if (s.outcome === 'dead') app.log.error({ outboxId: s.id, sobject: record.sobject, error: s.error }, 'write-back dead letter');
          if (s.outcome === 'done' && record.sobject === 'LeakVerdict__c') {
            parentsDone = true;
            metrics.verdictLatency.observe((now - record.acknowledgedAt.getTime()) / 1000);
          }
          // An incident's record in the org frees the verdicts that refer to it.
          if (s.outcome === 'done' && record.sobject === 'Incident__c') parentsDone = true;
        }
        if (parentsDone) writer?.wake();
      }

      /** Counts a notification's delivery attempt and logs the ones that failed. */
      function reportDelivery(target: string, outcome: 'done' | 'retry' | 'dead', queuedForMs: number, error?: string): void {
        metrics.notifications.inc({ target, outcome });
        if (outcome === 'done') metrics.notificationLatency.observe({ target }, queuedForMs / 1000);
        else if (outcome === 'dead') app.log.error({ target, error }, 'notification dead letter: the target refused it or kept failing');
        else app.log.warn({ target, error }, 'notification failed; it is tried again with back-off');
      }

      await releaseOwnLeases(options.store, options.owner);
      stopListening = await options.store.listenForWork?.((from) => {
        if (from !== options.owner) wakeLocal();
      });
      const giveWay = (stage: 'detect' | 'writeback') => ({
        to: options.giveWayTo,
        share: BACKGROUND_SHARE,
        maxDeferMs: MAX_DEFER_MS,
        onDeferred: (ms: number) => metrics.backgroundDeferred.inc({ stage }, ms / 1000),
      });
      const scorer = startWorkerLoop({
        pollMs: options.pollMs,
        giveWay: giveWay('detect'),
        onError: (err) => app.log.error({ err }, 'scoring step failed'),
        step: scoreStep({
          store: options.store,
          detector: options.detector,
          afterBatch: options.detectorState?.flush,
          rollback: options.detectorState?.discard,
          owner: options.owner,
          stages: options.stages,
          incidents: options.incidents,
          notifyTargets: options.notifyTargets,
          onIncidents: countIncidents,
          onScored: countScored,
          onFailure: reportScoringFailure,
        }),
      });
      writer = startWorkerLoop({
        pollMs: options.pollMs,
        giveWay: giveWay('writeback'),
        onError: (err) => app.log.error({ err }, 'write-back step failed'),
        step: writeBackStep({
          store: options.store,
          clientFor: options.clientFor,
          owner: options.owner,
          policy: options.policy,
          stages: options.stages,
          onSettled: settleWriteBacks,
        }),
      });
      loops.push(scorer, writer);
      if (options.notifyTargets?.length) {
        const remind = reminderSweep({
          sql: options.store,
          targets: options.notifyTargets,
          onError: (err) => app.log.warn({ err }, "could not queue the clocks' reminders; the next sweep tries again"),
        });
        const deliver = notifyStep({
          store: options.store,
          owner: options.owner,
          targets: options.notifyTargets,
          policy: options.policy,
          onDelivered: reportDelivery,
        });
        /** Queues the regulatory clocks' reminders (at most once a minute), then delivers them like the rest. */
        async function remindThenDeliver() {
          const reminders = await remind();
          if (reminders > 0) metrics.reminders.inc(reminders);
          return deliver();
        }
        notifier = startWorkerLoop({
          pollMs: options.pollMs,
          onError: (err) => app.log.error({ err }, 'notification step failed'),
          step: remindThenDeliver,
        });
        loops.push(notifier);
      }
      if (options.feedback) feedback = startFeedback(app, options, options.feedback, options.detectorState?.flushLearnt);
    });
    app.decorate('stopWorkers', async () => {
      await stopListening?.();
      await Promise.all([...loops.map((l) => l.stop()), feedback?.stop()]);
      await flushOnStop(app, options.detectorState);
    });
  },
  { name: 'workers', dependencies: ['metrics'] },
);

/**
 * Writes the detector state once no stage can change it any more, so that the changes of a batch
 * whose flush failed (kept for the next flush) are not lost with the process. A failure is logged
 * (by the app's error serializer: type, code and names, not the values the database refused) and
 * never thrown: the app closes all the same.
 */
async function flushOnStop(app: FastifyInstance, state: DetectionStatePersistence | undefined): Promise<void> {
  try {
    await state?.flush();
  } catch (err) {
    app.log.error({ err }, 'could not write the detector state at shutdown: its changes since the last flush are lost');
  }
}

/** Polls every org's false positives now and then every `intervalMs`, counting and logging what it learns. */
function startFeedback(app: FastifyInstance, options: WorkersOptions, settings: FeedbackSettings, flush: (() => Promise<void>) | undefined): FeedbackLoop {
  const { metrics } = app;

  /** Counts and logs a failed poll of an org; the next poll tries again. */
  function reportPollError(orgId: string, err: unknown): void {
    metrics.feedbackPolls.inc({ result: 'error' });
    app.log.warn({ orgId, err }, 'reading false positives from the org failed; the next poll tries again');
  }

  /** Reads one org's false positives into the detector, then people's decisions back into the evidence log. */
  async function pollOrg(orgId: string, stopping: () => boolean): Promise<void> {
    const { suppressed, skipped, lifted } = await pollFeedback(
      {
        store: options.store,
        detector: settings.detector,
        flush: flush ?? (async () => {}),
        clientFor: settings.clientFor,
        replica: options.owner,
        settleMs: settings.settleMs,
        stopping,
        onSkipped: ({ why, ...verdict }) => app.log.warn(verdict, `a false positive teaches the detector nothing and is passed over: ${why}`),
      },
      orgId,
    );
    metrics.feedbackPolls.inc({ result: 'ok' });
    metrics.feedbackSuppressions.inc({ outcome: 'suppressed' }, suppressed);
    metrics.feedbackSuppressions.inc({ outcome: 'skipped' }, skipped);
    metrics.feedbackSuppressions.inc({ outcome: 'lifted' }, lifted);
    if (suppressed > 0) app.log.info({ orgId, suppressed }, 'learnt suppressions from false positives');
    if (lifted > 0) app.log.info({ orgId, lifted }, 'lifted the suppressions of false positives taken back');
    if (options.incidents) {
      // What people decided in the org: milestones, reviews, permission decisions → evidence and clocks.
      const { decisions, revised } = await readBackOrg(
        {
          store: options.store,
          clientFor: settings.clientFor,
          incidents: options.incidents,
          notifyTargets: options.notifyTargets,
          settleMs: settings.settleMs,
          stopping,
        },
        orgId,
      );
      if (decisions > 0) app.log.info({ orgId, decisions, revised }, "read back people's decisions from the org into the evidence log");
      if (revised > 0) app.wakeWorkers();
    }
  }

  return startFeedbackLoop({ orgIds: settings.orgIds, intervalMs: settings.intervalMs, onError: reportPollError, poll: pollOrg });
}
