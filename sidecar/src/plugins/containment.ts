import fp from 'fastify-plugin';
import { containIncidents, type ContainmentCache, type ContainmentClient, type ContainmentRun } from '../containment/contain-incidents.js';
import { enforceReviews, type EnforceClient, type EnforcedReviews } from '../containment/enforce-reviews.js';
import { startFeedbackLoop, type FeedbackLoop } from '../feedback/feedback-loop.js';
import type { EgressBlocks } from '../egress/blocks.js';
import type { Store } from '../store/store.js';

/** Which orgs' permission review decisions the sidecar carries out, and how often it looks. */
export interface ContainmentSettings {
  orgIds: readonly string[];
  /** The org's client (queries, upserts, one-record update and delete, session); undefined for an org without a connection. */
  clientFor: (orgId: string) => (EnforceClient & ContainmentClient) | undefined;
  /** The sidecar's store: incidents to contain, and the actions proposed and carried out. */
  store: Store;
  /** The egress guard's block list: BlockEgressDestination writes it, each poll reads it again. */
  blocks: EgressBlocks;
  /** Between two polls of an org's reviews waiting for enforcement (`LEAKWATCH_ENFORCE_MS`). */
  everyMs: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Carries out the org's queued review decisions now; undefined for an org without a connection. */
    enforceReviewsNow(orgId: string): Promise<EnforcedReviews | undefined>;
    /** Runs the org's containment playbooks, approved actions and undo requests now; undefined for an org without a connection. */
    containNow(orgId: string): Promise<ContainmentRun | undefined>;
  }
}

/**
 * Carries out the reviewers' decisions on permission set assignments (`containment/enforce-reviews.ts`)
 * and the containment playbooks' actions (`containment/contain-incidents.ts`) in every connected
 * org, polled every `everyMs` from when the app is ready until it closes. Outcomes are counted and
 * logged by key, action and code, never with values.
 */
export default fp<ContainmentSettings>(
  async (app, settings) => {
    const orgIds = settings.orgIds.filter((orgId) => settings.clientFor(orgId) !== undefined);
    let loop: FeedbackLoop | undefined;
    const enforce = async (orgId: string): Promise<EnforcedReviews | undefined> => {
      const client = settings.clientFor(orgId);
      if (!client) return undefined;
      const enforced = await enforceReviews(client);
      for (const outcome of enforced.outcomes) {
        app.metrics.enforcementOutcomes.inc({ action: outcome.action, outcome: outcome.status });
        if (outcome.containedMs !== undefined) app.metrics.timeToContainment.observe({ action: outcome.action }, outcome.containedMs / 1000);
        if (outcome.alreadyGone)
          app.log.info({ orgId, reviewKey: outcome.reviewKey, action: outcome.action }, 'the assignment of a decided review was already gone from the org');
      }
      const failed = enforced.outcomes
        .filter((o) => o.status === 'Failed' || o.status === 'NotPossible')
        .map((o) => ({ reviewKey: o.reviewKey, status: o.status, code: o.error?.split(':')[0] }));
      if (failed.length > 0) app.log.warn({ orgId, failed }, 'review decisions could not be carried out; the reviews say why (EnforcementError__c)');
      if (enforced.unrecorded.length > 0)
        app.log.warn({ orgId, unrecorded: enforced.unrecorded }, 'the org refused the outcome of carried-out decisions; they are checked again next poll');
      return enforced;
    };
    const caches = new Map<string, ContainmentCache>();
    // One run per org at a time in this process: a run asked for (containNow) waits for the interval's.
    const running = new Map<string, Promise<unknown>>();
    const oneAtATime = <T>(orgId: string, run: () => Promise<T>): Promise<T> => {
      const next = (running.get(orgId) ?? Promise.resolve()).catch(() => undefined).then(run);
      running.set(orgId, next);
      return next;
    };
    const contain = (orgId: string): Promise<ContainmentRun | undefined> => oneAtATime(orgId, () => containOnce(orgId));
    const containOnce = async (orgId: string): Promise<ContainmentRun | undefined> => {
      const client = settings.clientFor(orgId);
      if (!client) return undefined;
      const cache = caches.get(orgId) ?? {};
      caches.set(orgId, cache);
      // Blocks another replica made since the last poll reach this replica's egress guard here.
      await settings.blocks.refresh();
      const run = await containIncidents(settings.store, orgId, client, { cache, blocks: settings.blocks });
      for (const outcome of run.outcomes) {
        app.metrics.containmentActions.inc({ action: outcome.action, step: outcome.step, outcome: outcome.status });
        if (outcome.containedMs !== undefined) app.metrics.incidentTimeToContainment.observe({ action: outcome.action }, outcome.containedMs / 1000);
      }
      const failed = run.outcomes
        .filter((o) => o.status === 'Failed' || o.status === 'NotPossible')
        .map((o) => ({ key: o.key, action: o.action, step: o.step, status: o.status }));
      if (failed.length > 0) app.log.warn({ orgId, failed }, 'containment actions could not be carried out; their records say why (Outcome__c)');
      if (run.problems.length > 0) app.log.warn({ orgId, problems: run.problems }, 'containment playbooks left out: they cannot be applied as written');
      if (run.unwritten.length > 0) app.log.warn({ orgId, unwritten: run.unwritten }, 'the org refused containment records; they are written again next poll');
      return run;
    };
    app.decorate('enforceReviewsNow', enforce);
    app.decorate('containNow', contain);
    app.addHook('onReady', async () => {
      if (orgIds.length === 0) return;
      loop = startFeedbackLoop({
        orgIds,
        intervalMs: settings.everyMs,
        poll: async (orgId) => {
          // Each task runs whatever became of the other: a failed enforcement never holds up containment.
          const results = await Promise.allSettled([enforce(orgId), contain(orgId)]);
          const tasks = ['enforce', 'contain'] as const;
          results.forEach((result, i) => app.metrics.orgSyncRuns.inc({ task: tasks[i], result: result.status === 'fulfilled' ? 'ok' : 'error' }));
          const failures = results.flatMap((result, i) => (result.status === 'rejected' ? [{ task: tasks[i], err: result.reason as unknown }] : []));
          for (const { task, err } of failures) app.log.warn({ orgId, task, err }, 'a containment task failed; it is tried again at the next interval');
        },
        onError: (orgId, err) => {
          app.log.warn({ orgId, task: 'containment', err }, 'the containment poll failed; it is tried again at the next interval');
        },
      });
    });
    app.addHook('onClose', async () => {
      await loop?.stop();
    });
  },
  { name: 'containment', dependencies: ['metrics'] },
);
