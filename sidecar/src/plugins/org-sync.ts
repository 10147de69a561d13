import fp from 'fastify-plugin';
import { orgKey } from '../contract/salesforce-id.js';
import { applyApproved, type ApplyClient } from '../classification/apply-approved.js';
import { refreshSuggestions } from '../classification/refresh-suggestions.js';
import type { EgressPolicy } from '../egress/policy.js';
import { startFeedbackLoop, type FeedbackLoop } from '../feedback/feedback-loop.js';
import { publishFlows } from '../otlp/publish-flows.js';
import type { Store } from '../store/store.js';

/** What the sidecar keeps in step with each connected org beyond verdicts: the data map and field classification. */
export interface OrgSyncSettings {
  orgIds: readonly string[];
  /** The org's client (queries, upserts, Metadata API); undefined for an org without a connection. */
  clientFor: (orgId: string) => ApplyClient | undefined;
  policyFor: (orgId: string) => EgressPolicy;
  /** Between two publications of an org's data flows (DataFlow__c). */
  flowsEveryMs: number;
  /** Between two refreshes of an org's classification suggestions (FieldClassification__c). */
  suggestEveryMs: number;
  /** Between two polls for approved suggestions to apply through the Metadata API; absent: never applied. */
  applyEveryMs?: number;
}

interface OrgSyncOptions {
  store: Store;
  settings: OrgSyncSettings;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Publishes the org's data flows and refreshes its classification suggestions now (and applies approved ones where applying is on). */
    syncOrgNow(orgId: string): Promise<void>;
  }
}

/**
 * Keeps three things in step with every connected org, each on its own interval from when the app
 * is ready until it closes: the data flows (`publishFlows`), the classification suggestions
 * (`refreshSuggestions`) and the approved classifications (`applyApproved`). One org failing does
 * not hold up the others; a failed run is logged (without values) and tried at the next interval.
 */
export default fp<OrgSyncOptions>(
  async (app, options) => {
    const { settings } = options;
    const orgIds = settings.orgIds.filter((orgId) => settings.clientFor(orgId) !== undefined);
    const loops: FeedbackLoop[] = [];
    const tasks: Array<(orgId: string, client: ApplyClient) => Promise<void>> = [];
    app.decorate('syncOrgNow', async (orgId: string) => {
      const client = settings.clientFor(orgId);
      if (!client) return;
      for (const task of tasks) await task(orgId, client);
    });
    const start = (task: 'flows' | 'suggestions' | 'apply', intervalMs: number, run: (orgId: string, client: ApplyClient) => Promise<void>) => {
      tasks.push(run);
      return startFeedbackLoop({
        orgIds,
        intervalMs,
        poll: async (orgId) => {
          const client = settings.clientFor(orgId);
          if (!client) return;
          await run(orgId, client);
          app.metrics.orgSyncRuns.inc({ task, result: 'ok' });
        },
        onError: (orgId, err) => {
          app.metrics.orgSyncRuns.inc({ task, result: 'error' });
          app.log.warn({ orgId, task, err }, 'keeping the org in step failed; it is tried again at the next interval');
        },
      });
    };
    app.addHook('onReady', async () => {
      if (orgIds.length === 0) return;
      loops.push(
        start('flows', settings.flowsEveryMs, async (orgId, client) => {
          // Flows are stored under the org's 18-character key, as the receiver authenticates it.
          const published = await publishFlows({ sql: options.store, writer: client, policy: settings.policyFor(orgId) }, orgKey(orgId));
          app.metrics.dataFlowRecords.inc({ outcome: 'sent' }, published.sent - published.refused.length);
          app.metrics.dataFlowRecords.inc({ outcome: 'unchanged' }, published.unchanged);
          app.metrics.dataFlowRecords.inc({ outcome: 'refused' }, published.refused.length);
          if (published.refused.length > 0)
            app.log.warn({ orgId, refused: published.refused }, 'the org refused data flow records; they are written again next time');
        }),
        start('suggestions', settings.suggestEveryMs, async (orgId, client) => {
          const refreshed = await refreshSuggestions(client);
          app.metrics.classificationSuggestions.inc({ outcome: 'written' }, refreshed.written);
          app.metrics.classificationSuggestions.inc({ outcome: 'refused' }, refreshed.refused.length);
          if (refreshed.refused.length > 0)
            app.log.warn({ orgId, refused: refreshed.refused }, 'the org refused classification suggestions; they are written again next refresh');
          if (refreshed.unreadable.length > 0)
            app.log.warn({ orgId, unreadable: refreshed.unreadable }, 'could not read the field definitions of these objects; their fields get no suggestion');
        }),
      );
      const applyEveryMs = settings.applyEveryMs;
      if (applyEveryMs !== undefined)
        loops.push(
          start('apply', applyEveryMs, async (orgId, client) => {
            const applied = await applyApproved(client);
            for (const { outcome } of applied.outcomes) app.metrics.classificationsApplied.inc({ outcome });
            const failed = applied.outcomes.filter((o) => o.outcome === 'failed');
            if (failed.length > 0) app.log.warn({ orgId, failed }, 'approved classifications could not be applied; the org records why (LastError__c)');
            if (applied.unrecorded.length > 0)
              app.log.warn(
                { orgId, unrecorded: applied.unrecorded },
                'the org refused the outcome of applied classifications; they are applied again next poll',
              );
          }),
        );
    });
    app.addHook('onClose', async () => {
      await Promise.all(loops.map((loop) => loop.stop()));
    });
  },
  { name: 'org-sync', dependencies: ['metrics'] },
);
