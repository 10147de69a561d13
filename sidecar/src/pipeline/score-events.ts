import type { Detector } from '../contract/verdict.js';
import type { Store } from '../store/store.js';
import { verdictRecords } from '../verdicts/verdict-records.js';
import type { CorrelationInput, IncidentSettings } from '../incidents/correlate.js';
import { linkVerdict, recordIncidents } from '../incidents/record-incidents.js';
import { storeDrafts } from '../incidents/draft-store.js';
import { queueNotifications } from '../notify/outbox.js';
import { appendEvidence } from '../evidence/log.js';
import { incidentEvidence, verdictEvidence } from '../evidence/entries.js';
import type { ConfiguredTarget } from '../notify/targets.js';
import { batchSpans } from '../telemetry/batch-spans.js';
import { TELEMETRY_OFF, type StageTracer } from '../telemetry/stage-tracer.js';
import { claimEvents, type ClaimedEvent } from './claim-events.js';
import { recordScoredEvents, recordScoringFailure, type ScoredEvent } from './record-outcomes.js';

interface ScoreStepOptions {
  store: Store;
  detector: Detector;
  owner: string;
  batchSize?: number;
  leaseMs?: number;
  maxAttempts?: number;
  /** Persists the detector's state once a batch's outcomes are recorded. */
  afterBatch?: () => Promise<void>;
  /**
   * Rolls the detector's state back to what `afterBatch` last persisted; called when a batch's
   * outcomes could not be recorded. Its events are claimed again once their leases expire, and
   * must then score as they did, not as events the detector has already counted and alerted on.
   */
  rollback?: () => Promise<void>;
  onScored?: (verdicts: number, quiet: number) => void;
  /** Correlates verdicts into incidents written with them; absent: no incident is opened. */
  incidents?: IncidentSettings;
  /** After a batch's incidents were recorded: the incidents opened or changed, and the notifications queued. */
  onIncidents?: (changed: number, opened: number, notifications: number) => void;
  /** Where incident revisions are notified; each revision is queued in the scoring transaction. */
  notifyTargets?: readonly ConfiguredTarget[];
  onFailure?: (eventId: string, err: unknown) => void;
  /** A `leakwatch.detect` span per batch among the claimed events (see `batchSpans`); absent: none. */
  stages?: StageTracer;
}

/**
 * One step of the scoring stage: claims due events, scores them, queues their verdicts. Returns how many it claimed.
 * When `afterBatch` failed, the next step first persists again and claims nothing until that succeeds, so that a
 * rollback never takes back the state of events whose outcomes are already recorded.
 */
export function scoreStep(options: ScoreStepOptions): () => Promise<number> {
  const { store, detector, owner, batchSize = 200, leaseMs = 30_000, maxAttempts = 5 } = options;
  let persistOwed = false;
  const persist = async () => {
    persistOwed = true;
    await options.afterBatch?.();
    persistOwed = false;
  };
  return async () => {
    if (persistOwed) await persist();
    const claimed = await claimEvents(store, owner, batchSize, leaseMs);
    if (claimed.length === 0) return 0;
    const spans = batchSpans(
      options.stages ?? TELEMETRY_OFF,
      'detect',
      claimed,
      { traceParent: (c) => c.traceParent, orgId: (c) => c.orgId },
      'leakwatch.events',
    );
    try {
      const scored = await scoreClaimed(claimed, spans.spanOf);
      for (const { span, items } of spans.batches()) {
        const outcomes = items.map((c) => scored.get(c));
        const verdicts = outcomes.filter((s) => s && s.records.length > 0).length;
        const failed = outcomes.filter((s) => !s).length;
        span.set({ 'leakwatch.verdicts': verdicts, 'leakwatch.quiet': items.length - verdicts - failed, 'leakwatch.failed': failed });
      }
      spans.endAll();
    } catch (err) {
      spans.endAll(err);
      throw err;
    }
    return claimed.length;
  };

  /** Scores the claimed events and records their outcomes; returns each scored event's outcome (failures have none). */
  async function scoreClaimed(claimed: ClaimedEvent[], spanOf: (c: ClaimedEvent) => { traceParent: string | undefined }) {
    const scored: ScoredEvent[] = [];
    const outcomeOf = new Map<ClaimedEvent, ScoredEvent>();
    // Every verdict goes to the org's evidence log, and to incidents when they are on.
    const judged: CorrelationInput[] = [];
    let incidentCounts = { changed: 0, opened: 0, notifications: 0 };
    try {
      for (const c of claimed) {
        try {
          const verdict = await detector.score({
            orgId: c.stored.orgId,
            event: c.stored.event,
            findings: c.stored.findings,
          });
          const detectedAt = new Date();
          const traceParent = spanOf(c).traceParent;
          const outcome: ScoredEvent = {
            eventId: c.eventId,
            orgId: c.orgId,
            receivedAt: c.receivedAt,
            records: verdict ? verdictRecords(c.stored, verdict, detectedAt) : [],
            ...(traceParent ? { traceParent } : {}),
          };
          scored.push(outcome);
          outcomeOf.set(c, outcome);
          if (verdict) judged.push({ orgId: c.orgId, stored: c.stored, verdict, detectedAt });
        } catch (err) {
          options.onFailure?.(c.eventId, err);
          const delay = Math.min(1_000 * 2 ** c.attempts, 300_000);
          await recordScoringFailure(store, owner, c.orgId, c.eventId, c.attempts, maxAttempts, delay, String((err as Error)?.message ?? err));
        }
      }
      await store.transaction(async (tx) => {
        const settings = options.incidents;
        const evidence = judged.map(verdictEvidence);
        if (settings && judged.length > 0) {
          const incidents = await recordIncidents(tx, judged, settings);
          evidence.push(...incidents.changed.map(incidentEvidence));
          if (settings.drafts) await storeDrafts(tx, incidents.changed, settings.drafts, new Date());
          const notifications = options.notifyTargets?.length ? await queueNotifications(tx, incidents.changed, options.notifyTargets) : 0;
          incidentCounts = { changed: incidents.changed.length, opened: incidents.changed.filter((i) => i.revision === 1).length, notifications };
          const byEvent = new Map(scored.map((s) => [s.eventId.toLowerCase(), s]));
          const placed = new Set<string>();
          for (const [eventId, incident] of incidents.membership) {
            const s = byEvent.get(eventId.toLowerCase());
            if (!s) continue;
            s.records = s.records.map((r) => (r.sobject === 'LeakVerdict__c' ? linkVerdict(r, incident) : r));
            // The incident's record travels with the first of its verdicts in this batch.
            if (!placed.has(incident.key)) {
              placed.add(incident.key);
              s.records = [...incidents.records.filter((r) => r.fields['IncidentKey__c'] === incident.key), ...s.records];
            }
          }
        }
        await recordScoredEvents(tx, owner, scored);
        if (evidence.length > 0) await appendEvidence(tx, evidence);
      });
    } catch (err) {
      await options.rollback?.();
      throw err;
    }
    await persist();
    const verdicts = scored.filter((s) => s.records.length > 0).length;
    options.onScored?.(verdicts, scored.length - verdicts);
    if (incidentCounts.changed > 0) options.onIncidents?.(incidentCounts.changed, incidentCounts.opened, incidentCounts.notifications);
    return outcomeOf;
  }
}
