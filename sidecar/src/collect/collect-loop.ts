import { orgKey } from '../contract/salesforce-id.js';
import { pruneCollectorCounts } from './checkpoint.js';
import { runSource, type CollectDeps, type RunOutcome } from './run-source.js';
import type { CollectClient, CollectorSource } from './source.js';

interface CollectLoopOptions {
  deps: CollectDeps;
  orgIds: readonly string[];
  /** The org's client; undefined for an org without a connection (nothing is collected there). */
  clientFor: (orgId: string) => CollectClient | undefined;
  sources: readonly CollectorSource[];
  /** How often the loop looks for a source that is due; default 1 s. */
  tickMs?: number;
  onOutcome?: (orgId: string, source: string, outcome: RunOutcome) => void;
  onError?: (orgId: string, source: string, err: unknown) => void;
  /** After a round ran at least one of the org's sources (the service publishes the coverage map then). */
  afterOrg?: (orgId: string) => Promise<void>;
  now?: () => number;
}

export interface CollectLoop {
  /** Makes every source of the org (all orgs when absent) due now. */
  runNow(orgId?: string): void;
  /** Resolves once every source of every org has run at least once since the loop started (or since `runNow`). */
  idle(): Promise<void>;
  /** Stops after the source in flight has finished its page. */
  stop(): Promise<void>;
}

const HOUR_MS = 3_600_000;

/**
 * When a source runs next, from how its last run ended: at once while it has more; its interval
 * after a complete read; after an hour when the org's API allowance says wait, or when the org
 * refuses for being over its limit; backing off exponentially (up to an hour) after errors; six
 * hours after the org said it cannot provide the source (an org can gain a licence).
 */
function nextRunIn(source: CollectorSource, outcome: RunOutcome, failures: number): number {
  switch (outcome.status) {
    case 'stopped':
      return 0;
    case 'done':
    case 'leased':
      return source.intervalMs;
    case 'deferred':
      return Math.max(source.intervalMs, HOUR_MS / 4);
    case 'unavailable':
      return 6 * HOUR_MS;
    case 'failed':
      if (outcome.why.startsWith('REQUEST_LIMIT_EXCEEDED')) return HOUR_MS;
      return Math.min(HOUR_MS, Math.max(5_000, source.intervalMs / 4) * 2 ** Math.min(failures, 10));
  }
}

/**
 * Runs every source of every org when it is due, one at a time on this replica (the org's API
 * allowance and the classifier are shared), so a slow org or source never runs twice at once.
 * Other replicas run the same loop; the sources' leases keep them from reading one source together.
 */
export function startCollectLoop(options: CollectLoopOptions): CollectLoop {
  const now = options.now ?? Date.now;
  const tickMs = options.tickMs ?? 1_000;
  const orgs = [...new Set(options.orgIds.map(orgKey))];
  const due = new Map<string, number>();
  const failures = new Map<string, number>();
  const pendingFirst = new Set<string>();
  // Runs are numbered as they start; a run counts for `idle()` only if it started after the
  // `runNow` that asked for it (a run already under way may have read the org before the change).
  let runs = 0;
  const askedAt = new Map<string, number>();
  const ran = (k: string, started: number) => {
    if (started > (askedAt.get(k) ?? 0)) pendingFirst.delete(k);
    // Asked for while it ran: due again at once.
    else due.set(k, 0);
  };
  const key = (orgId: string, source: string) => `${orgId}|${source}`;
  for (const orgId of orgs)
    for (const s of options.sources) {
      due.set(key(orgId, s.name), 0);
      pendingFirst.add(key(orgId, s.name));
    }
  let stopping = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let idleWaiters: Array<() => void> = [];
  const deps: CollectDeps = { ...options.deps, stopping: () => stopping || (options.deps.stopping?.() ?? false) };

  const settleIdle = () => {
    if (pendingFirst.size > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  };

  let prunedAt = Number.NEGATIVE_INFINITY;
  const round = async () => {
    // The counts behind the coverage map would grow for ever: the old ones go once a day.
    if (now() - prunedAt >= 24 * HOUR_MS) {
      prunedAt = now();
      await pruneCollectorCounts(deps.store, new Date(now())).catch((err: unknown) => options.onError?.('*', 'prune', err));
    }
    for (const orgId of orgs) {
      const client = options.clientFor(orgId);
      let anyRan = false;
      for (const source of options.sources) {
        if (stopping) return;
        const k = key(orgId, source.name);
        if ((due.get(k) ?? 0) > now()) continue;
        const started = ++runs;
        if (!client) {
          due.set(k, now() + source.intervalMs);
          ran(k, started);
          continue;
        }
        let outcome: RunOutcome;
        anyRan = true;
        try {
          outcome = await runSource(deps, orgId, client, source);
        } catch (err) {
          options.onError?.(orgId, source.name, err);
          const n = (failures.get(k) ?? 0) + 1;
          failures.set(k, n);
          due.set(k, now() + Math.min(HOUR_MS, 5_000 * 2 ** Math.min(n, 10)));
          ran(k, started);
          continue;
        }
        const n = outcome.status === 'failed' ? (failures.get(k) ?? 0) + 1 : 0;
        failures.set(k, n);
        due.set(k, now() + nextRunIn(source, outcome, n));
        if (outcome.status !== 'stopped') ran(k, started);
        if (outcome.status === 'failed' && outcome.why.startsWith('REQUEST_LIMIT_EXCEEDED')) {
          // The org refuses every call for now: every source of this org waits.
          for (const other of options.sources) due.set(key(orgId, other.name), Math.max(due.get(key(orgId, other.name)) ?? 0, now() + HOUR_MS));
        }
        options.onOutcome?.(orgId, source.name, outcome);
      }
      if (anyRan && !stopping) await options.afterOrg?.(orgId).catch((err: unknown) => options.onError?.(orgId, 'coverage', err));
    }
  };

  const next = () => {
    clearTimeout(timer);
    inFlight = round()
      .catch(() => {})
      .finally(() => {
        settleIdle();
        if (!stopping) timer = setTimeout(next, tickMs);
      });
  };
  next();

  return {
    runNow(orgId) {
      const wanted = orgId ? [orgKey(orgId)] : orgs;
      for (const o of wanted)
        for (const s of options.sources) {
          due.set(key(o, s.name), 0);
          pendingFirst.add(key(o, s.name));
          askedAt.set(key(o, s.name), runs);
        }
      clearTimeout(timer);
      if (!stopping) inFlight = inFlight.then(() => next());
    },
    idle() {
      if (pendingFirst.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },
    async stop() {
      stopping = true;
      clearTimeout(timer);
      await inFlight;
      const waiters = idleWaiters;
      idleWaiters = [];
      for (const w of waiters) w();
    },
  };
}
