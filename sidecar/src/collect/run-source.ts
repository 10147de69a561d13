import { randomUUID } from 'node:crypto';
import type { Classifier } from '../contract/entities.js';
import type { LeakEvent } from '../contract/event.js';
import { classifyEvents } from '../ingest/classify-events.js';
import { eventProblems } from '../ingest/event-validator.js';
import { knownEventIds, persistEvents } from '../ingest/persist-events.js';
import { classifyError } from '../writeback/errors.js';
import type { Store } from '../store/store.js';
import { budgetDecision, DEFAULT_API_BUDGET, type ApiBudgetSettings } from './api-budget.js';
import { addApiCalls, advanceCheckpoint, apiCallsSpent, CheckpointMoved, claimSource, noteSourceError, readSnapshot, releaseSource } from './checkpoint.js';
import { createLookups } from './lookups.js';
import { SourceUnavailable, type CollectClient, type CollectorSource } from './source.js';

export interface CollectDeps {
  store: Store;
  classifier: Classifier;
  /** This replica's name in source leases. */
  owner: string;
  budget?: ApiBudgetSettings;
  /** Rows per page; default 2,000 (one SOQL page). */
  pageSize?: number;
  /** How long a lease lasts without renewal; default 10 minutes. */
  leaseMs?: number;
  /** Pages at most per run of one source, so one busy source cannot hold the org; default 50. */
  maxPages?: number;
  now?: () => Date;
  /** Called after a page stored new events (the service wakes its workers). */
  onStored?: (orgId: string, source: string, events: number) => void;
  /** Events a source built that the envelope schema refuses: dropped, reported here (never expected). */
  onInvalid?: (orgId: string, source: string, eventId: string, reasons: string[]) => void;
  /** Stops between pages (shutdown). */
  stopping?: () => boolean;
  /** Usernames or user ids the admin declared integration users (besides the integration licence's profiles). */
  integrationUsers?: readonly string[];
}

export type RunOutcome =
  | { status: 'done' | 'stopped'; pages: number; rows: number; stored: number; duplicates: number; calls: number }
  | { status: 'leased'; pages: 0; rows: 0; stored: 0; duplicates: 0; calls: 0 }
  | { status: 'deferred'; why: string; pages: number; rows: number; stored: number; duplicates: number; calls: number }
  | { status: 'unavailable' | 'failed'; why: string; retryable: boolean; pages: number; rows: number; stored: number; duplicates: number; calls: number };

/**
 * Reads one source of one org from its stored cursor until nothing more is due (or `maxPages`):
 * each page's events are validated, classified and stored in one transaction with the moved cursor,
 * so a crash at any point leaves either the page and its cursor or neither, and a row read twice
 * (after a crash, or by another replica) keeps one event: ids derive from the source row. The org's
 * API allowance is checked before every call. Errors are recorded on the checkpoint and returned,
 * never thrown, except a store failure.
 */
export async function runSource<P>(deps: CollectDeps, orgId: string, client: CollectClient, source: CollectorSource<P>): Promise<RunOutcome> {
  const now = deps.now ?? (() => new Date());
  const budget = deps.budget ?? DEFAULT_API_BUDGET;
  const claimed = await claimSource<P>(deps.store, orgId, source.name, deps.owner, now(), deps.leaseMs ?? 600_000);
  if (!claimed) return { status: 'leased', pages: 0, rows: 0, stored: 0, duplicates: 0, calls: 0 };
  const totals = { pages: 0, rows: 0, stored: 0, duplicates: 0, calls: 0 };
  let { position, version } = claimed;
  const lookups = createLookups(client, { integrationUsers: deps.integrationUsers });
  const requests = () => client.requestCount?.() ?? 0;
  try {
    for (;;) {
      const decision = budgetDecision(budget, client.apiUsage?.(), await apiCallsSpent(deps.store, orgId, now()));
      if (!decision.go) return { status: 'deferred', why: decision.why, ...totals };
      const before = requests();
      const at = now();
      let page;
      try {
        page = await source.read({
          orgId,
          client,
          position,
          now: at,
          pageSize: deps.pageSize ?? 2_000,
          snapshot: () => readSnapshot(deps.store, orgId, source.name),
          lookups,
        });
      } catch (err) {
        const calls = requests() - before;
        totals.calls += calls;
        if (calls > 0) await addApiCalls(deps.store, orgId, at, calls);
        return await failed(deps, orgId, source.name, err, totals, at);
      }
      const calls = requests() - before;
      totals.calls += calls;
      const events = validEvents(page.events, (eventId, reasons) => deps.onInvalid?.(orgId, source.name, eventId, reasons));
      const ids = events.map((e) => e.id);
      const known = await knownEventIds(deps.store, orgId, ids);
      const fresh = events.filter((e) => !known.has(e.id));
      const classified = await classifyEvents(deps.classifier, orgId, fresh);
      let inserted = 0;
      try {
        version = await deps.store.transaction(async (tx) => {
          inserted = (await persistEvents(tx, randomUUID(), classified)).size;
          return advanceCheckpoint(tx, {
            orgId,
            source: source.name,
            version,
            position: page.position,
            rows: page.rows,
            lastRowAt: page.lastRowAt,
            now: at,
            calls,
            snapshot: page.snapshot,
          });
        });
      } catch (err) {
        if (err instanceof CheckpointMoved) return { status: 'leased', pages: 0, rows: 0, stored: 0, duplicates: 0, calls: 0 };
        throw err;
      }
      position = page.position;
      totals.pages += 1;
      totals.rows += page.rows;
      totals.stored += inserted;
      totals.duplicates += ids.length - inserted;
      if (inserted > 0) deps.onStored?.(orgId, source.name, inserted);
      if (!page.more) return { status: 'done', ...totals };
      if (deps.stopping?.() || totals.pages >= (deps.maxPages ?? 50)) return { status: 'stopped', ...totals };
    }
  } finally {
    await releaseSource(deps.store, orgId, source.name, deps.owner);
  }
}

/** The events the envelope schema accepts, ids lower-cased, each once; the others reported to `onInvalid`. */
export function validEvents(events: LeakEvent[], onInvalid: (eventId: string, reasons: string[]) => void): LeakEvent[] {
  const valid: LeakEvent[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    const reasons = eventProblems(event);
    if (reasons) {
      onInvalid(event.id, reasons);
      continue;
    }
    const id = event.id.toLowerCase();
    if (seen.has(id)) continue;
    seen.add(id);
    valid.push({ ...event, id });
  }
  return valid;
}

async function failed(
  deps: CollectDeps,
  orgId: string,
  source: string,
  err: unknown,
  totals: { pages: number; rows: number; stored: number; duplicates: number; calls: number },
  at: Date,
): Promise<RunOutcome> {
  if (err instanceof SourceUnavailable) {
    await noteSourceError(deps.store, orgId, source, at, err.message, false);
    return { status: 'unavailable', why: err.message, retryable: false, ...totals };
  }
  const cause = classifyError(err);
  const unavailable = UNAVAILABLE_CODES.has(cause.code);
  const why = `${cause.code}: ${cause.message}`;
  await noteSourceError(deps.store, orgId, source, at, why, unavailable ? false : undefined);
  return { status: unavailable ? 'unavailable' : 'failed', why, retryable: cause.retryable, ...totals };
}

/**
 * What an org answers when it cannot provide a source to this user at all: the object is not in
 * its edition or licence (INVALID_TYPE), a field is not (INVALID_FIELD), or the user lacks the
 * permission (INSUFFICIENT_ACCESS…). Reported on the coverage map as unavailable, with the reason.
 */
const UNAVAILABLE_CODES = new Set([
  'INVALID_TYPE',
  'INVALID_FIELD',
  'INSUFFICIENT_ACCESS',
  'INSUFFICIENT_ACCESS_OR_READONLY',
  'API_DISABLED_FOR_ORG',
  'FUNCTIONALITY_NOT_ENABLED',
]);
