import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Classifier } from '../contract/entities.js';
import type { ApiBudgetSettings } from '../collect/api-budget.js';
import { startCollectLoop, type CollectLoop } from '../collect/collect-loop.js';
import type { CollectClient, CollectorSource } from '../collect/source.js';
import { publishCoverage, type CoverageWriter } from '../collect/publish-coverage.js';
import { DEFAULT_COVERAGE_EVERY_MS } from '../config.js';
import type { Store } from '../store/store.js';

/** What the service needs to collect the orgs' own signals. */
export interface CollectSettings {
  orgIds: readonly string[];
  clientFor: (orgId: string) => CollectClient | undefined;
  sources: readonly CollectorSource[];
  budget?: ApiBudgetSettings;
  /** Usernames or user ids declared integration users, per org key or for every org (`*`). */
  integrationUsers?: readonly string[];
  tickMs?: number;
  /** Where each org's coverage map is written (`CollectorStatus__c`); absent: not written. */
  coverageWriterFor?: (orgId: string) => CoverageWriter | undefined;
  /** At most one coverage publication per org in this interval; default `DEFAULT_COVERAGE_EVERY_MS`. */
  coverageEveryMs?: number;
}

interface CollectorsOptions {
  store: Store;
  classifier: Classifier;
  owner: string;
  settings: CollectSettings;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Makes every source of the org (every org when absent) due now; resolves when all have run once. */
    collectNow(orgId?: string): Promise<void>;
  }
}

/**
 * Runs the collectors from when the app is ready until it closes: each source of each org on its
 * schedule, its events stored with its cursor and the scoring workers woken when a page stored any.
 */
export default fp<CollectorsOptions>(
  async (app: FastifyInstance, options) => {
    let loop: CollectLoop | undefined;
    const { metrics } = app;
    app.decorate('collectNow', async (orgId?: string) => {
      if (!loop) return;
      loop.runNow(orgId);
      await loop.idle();
    });
    const published = new Map<string, number>();
    const afterOrg = async (orgId: string) => {
      const writer = options.settings.coverageWriterFor?.(orgId);
      if (!writer) return;
      const last = published.get(orgId) ?? 0;
      if (Date.now() - last < (options.settings.coverageEveryMs ?? DEFAULT_COVERAGE_EVERY_MS)) return;
      published.set(orgId, Date.now());
      const refused = await publishCoverage(options.store, orgId, writer);
      if (refused.length > 0) app.log.warn({ orgId, refused }, 'the org refused coverage records; they are written again next time');
    };
    app.addHook('onReady', async () => {
      loop = startCollectLoop({
        afterOrg,
        deps: {
          store: options.store,
          classifier: options.classifier,
          owner: options.owner,
          budget: options.settings.budget,
          integrationUsers: options.settings.integrationUsers,
          onStored: (_orgId, source, events) => {
            metrics.collectedEvents.inc({ source }, events);
            app.wakeWorkers();
          },
          onInvalid: (orgId, source, eventId, reasons) =>
            app.log.error({ orgId, source, eventId, reasons }, 'a collected event does not fit the event schema and was dropped'),
        },
        orgIds: options.settings.orgIds,
        clientFor: options.settings.clientFor,
        sources: options.settings.sources,
        tickMs: options.settings.tickMs,
        onOutcome: (orgId, source, outcome) => {
          metrics.collectorRuns.inc({ source, status: outcome.status });
          if (outcome.rows > 0) metrics.collectedRows.inc({ source }, outcome.rows);
          if (outcome.status === 'failed')
            app.log.warn({ orgId, source, why: outcome.why, retryable: outcome.retryable }, 'collecting from the org failed; it is tried again with back-off');
          else if (outcome.status === 'unavailable')
            app.log.warn({ orgId, source, why: outcome.why }, 'the org cannot provide this source; the coverage map shows it as unavailable');
          else if (outcome.status === 'deferred') app.log.info({ orgId, source, why: outcome.why }, 'collection deferred to spare the org’s API allowance');
          else if (outcome.rows > 0) app.log.debug({ orgId, source, rows: outcome.rows, stored: outcome.stored }, 'collected');
        },
        onError: (orgId, source, err) => app.log.error({ orgId, source, err }, 'a collector run failed on the store; it is tried again'),
      });
    });
    app.addHook('onClose', async () => {
      await loop?.stop();
    });
  },
  { name: 'collectors', dependencies: ['metrics', 'workers'] },
);
