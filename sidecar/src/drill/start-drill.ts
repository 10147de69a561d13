import { randomUUID } from 'node:crypto';
import type { Classifier } from '../contract/entities.js';
import type { Canary } from '../detect/state.js';
import { classifyEvents } from '../ingest/classify-events.js';
import { eventProblems } from '../ingest/event-validator.js';
import { persistEvents } from '../ingest/persist-events.js';
import type { Store } from '../store/store.js';
import { DRILL_CANARIES, drillEvents } from './drill-events.js';

interface StartDrillDeps {
  store: Store;
  classifier: Classifier;
  /** Registers canaries with the detector for the org and persists them (as `POST /v1/canaries` does). */
  register: (orgId: string, canaries: Canary[]) => Promise<void>;
  now?: () => Date;
}

interface StartedDrill {
  drillId: string;
  startedAt: string;
  eventIds: string[];
}

/**
 * Starts a drill for an org: registers the drill canary, then classifies the drill's synthetic
 * events and stores them in the durable ingest queue together with the drill's row, in one
 * transaction. From there they go the way of any event: scoring, the incident, its notifications.
 */
export async function startDrill(deps: StartDrillDeps, orgId: string, timeoutMs: number): Promise<StartedDrill> {
  const drillId = randomUUID();
  const events = drillEvents(drillId, (deps.now ?? (() => new Date()))());
  const problems = events.flatMap((e) => eventProblems(e) ?? []);
  // The events are built here: one the schema refuses is a bug, never the caller's input.
  if (problems.length > 0) throw new Error(`drill events break the event schema: ${problems.join('; ')}`);
  await deps.register(orgId, [...DRILL_CANARIES]);
  const classified = await classifyEvents(deps.classifier, orgId, events);
  const eventIds = events.map((e) => e.id);
  const startedAt = await deps.store.transaction(async (tx) => {
    const [row] = await tx.query<{ started_at: Date | string }>(
      'INSERT INTO drill (org_id, drill_id, timeout_ms, event_ids) VALUES ($1, $2::uuid, $3, $4::jsonb) RETURNING started_at',
      [orgId, drillId, timeoutMs, JSON.stringify(eventIds)],
    );
    await persistEvents(tx, drillId, classified);
    return new Date(row?.started_at ?? Date.now()).toISOString();
  });
  return { drillId, startedAt, eventIds };
}
