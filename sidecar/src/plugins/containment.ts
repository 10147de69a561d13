import fp from 'fastify-plugin';
import { enforceReviews, type EnforceClient, type EnforcedReviews } from '../containment/enforce-reviews.js';
import { startFeedbackLoop, type FeedbackLoop } from '../feedback/feedback-loop.js';

/** Which orgs' permission review decisions the sidecar carries out, and how often it looks. */
export interface ContainmentSettings {
  orgIds: readonly string[];
  /** The org's client (queries, upserts, one-record update and delete); undefined for an org without a connection. */
  clientFor: (orgId: string) => EnforceClient | undefined;
  /** Between two polls of an org's reviews waiting for enforcement (`LEAKWATCH_ENFORCE_MS`). */
  everyMs: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Carries out the org's queued review decisions now; undefined for an org without a connection. */
    enforceReviewsNow(orgId: string): Promise<EnforcedReviews | undefined>;
  }
}

/**
 * Carries out the reviewers' decisions on permission set assignments in every connected org
 * (`containment/enforce-reviews.ts`), polled every `everyMs` from when the app is ready until it
 * closes. Outcomes are counted and logged by review key and code, never with values.
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
        if (outcome.alreadyGone) app.log.info({ orgId, reviewKey: outcome.reviewKey, action: outcome.action }, 'the assignment of a decided review was already gone from the org');
      }
      const failed = enforced.outcomes.filter((o) => o.status === 'Failed' || o.status === 'NotPossible').map((o) => ({ reviewKey: o.reviewKey, status: o.status, code: o.error?.split(':')[0] }));
      if (failed.length > 0) app.log.warn({ orgId, failed }, 'review decisions could not be carried out; the reviews say why (EnforcementError__c)');
      if (enforced.unrecorded.length > 0) app.log.warn({ orgId, unrecorded: enforced.unrecorded }, 'the org refused the outcome of carried-out decisions; they are checked again next poll');
      return enforced;
    };
    app.decorate('enforceReviewsNow', enforce);
    app.addHook('onReady', async () => {
      if (orgIds.length === 0) return;
      loop = startFeedbackLoop({
        orgIds,
        intervalMs: settings.everyMs,
        poll: async (orgId) => {
          await enforce(orgId);
          app.metrics.orgSyncRuns.inc({ task: 'enforce', result: 'ok' });
        },
        onError: (orgId, err) => {
          app.metrics.orgSyncRuns.inc({ task: 'enforce', result: 'error' });
          app.log.warn({ orgId, task: 'enforce', err }, 'carrying out review decisions failed; it is tried again at the next interval');
        },
      });
    });
    app.addHook('onClose', async () => {
      await loop?.stop();
    });
  },
  { name: 'containment', dependencies: ['metrics'] },
);
