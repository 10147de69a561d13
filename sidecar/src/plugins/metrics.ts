import fp from 'fastify-plugin';
import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** The sidecar's Prometheus metrics, one registry per app instance. */
function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'leakwatch_' });
  return {
    registry,
    ingestEvents: new Counter({
      name: 'leakwatch_ingest_events_total',
      help: 'Events received on POST /v1/events, by outcome (accepted, duplicate, rejected).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    ingestRequests: new Counter({
      name: 'leakwatch_ingest_requests_total',
      help: 'POST /v1/events requests by HTTP status code.',
      labelNames: ['status'] as const,
      registers: [registry],
    }),
    classifyDuration: new Histogram({
      name: 'leakwatch_classify_duration_seconds',
      help: 'Time to classify the field values of one batch.',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    scoredEvents: new Counter({
      name: 'leakwatch_scored_events_total',
      help: 'Events the detector has scored, by result (verdict, quiet, error).',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    backgroundDeferred: new Counter({
      name: 'leakwatch_background_deferred_seconds_total',
      help: 'Time the scoring and write-back stages waited for the acknowledgement path while every classification thread was busy, by stage (detect, writeback).',
      labelNames: ['stage'] as const,
      registers: [registry],
    }),
    writeBackRecords: new Counter({
      name: 'leakwatch_writeback_records_total',
      help: 'Records upserted into the org, by sObject and outcome (done, retry, dead).',
      labelNames: ['sobject', 'outcome'] as const,
      registers: [registry],
    }),
    verdictLatency: new Histogram({
      name: 'leakwatch_verdict_latency_seconds',
      help: 'From the acknowledgement of an event to its LeakVerdict__c upserted in the org.',
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300],
      registers: [registry],
    }),
    feedbackSuppressions: new Counter({
      name: 'leakwatch_feedback_suppressions_total',
      help: 'Verdicts reviewers marked as false positives, read from the org: suppressed (a rule for the detector), skipped (nothing to learn) or lifted (un-marked, its rule removed).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    feedbackPolls: new Counter({
      name: 'leakwatch_feedback_polls_total',
      help: "Polls of an org's false positives, by result (ok, error: tried again at the next poll).",
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    collectedRows: new Counter({
      name: 'leakwatch_collected_rows_total',
      help: "Rows the collectors read from an org's own records and logs, by source.",
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    collectedEvents: new Counter({
      name: 'leakwatch_collected_events_total',
      help: 'Events the collectors stored, by source.',
      labelNames: ['source'] as const,
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'leakwatch_notifications_total',
      help: 'Deliveries of incident revisions to notification targets, by target and outcome (done, retry, dead).',
      labelNames: ['target', 'outcome'] as const,
      registers: [registry],
    }),
    notificationLatency: new Histogram({
      name: 'leakwatch_notification_latency_seconds',
      help: 'From an incident revision queued to its notification accepted by the target.',
      labelNames: ['target'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600],
      registers: [registry],
    }),
    reminders: new Counter({
      name: 'leakwatch_clock_reminders_total',
      help: 'Reminders queued because a regulatory clock passed 50 % or 90 % of its span, or its deadline, with no milestone recorded.',
      registers: [registry],
    }),
    incidents: new Counter({
      name: 'leakwatch_incidents_total',
      help: 'Incidents the sidecar opened from verdicts, or updated with later verdicts.',
      labelNames: ['change'] as const,
      registers: [registry],
    }),
    collectorRuns: new Counter({
      name: 'leakwatch_collector_runs_total',
      help: 'Runs of a source, by source and status (done, stopped, deferred, leased, unavailable, failed).',
      labelNames: ['source', 'status'] as const,
      registers: [registry],
    }),
    dataFlowRecords: new Counter({
      name: 'leakwatch_data_flow_records_total',
      help: 'DataFlow__c records of a publication, by outcome (sent, unchanged: not sent, refused: sent again next time).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    classificationSuggestions: new Counter({
      name: 'leakwatch_classification_suggestions_total',
      help: 'FieldClassification__c records of a refresh, by outcome (written, refused: written again next refresh).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    classificationsApplied: new Counter({
      name: 'leakwatch_classifications_applied_total',
      help: 'Approved classifications taken through the Metadata API, by outcome (applied, current, failed, retry).',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    enforcementOutcomes: new Counter({
      name: 'leakwatch_review_enforcements_total',
      help: 'Permission review decisions carried out on assignments, by action (remove, expire, keep) and outcome (Done, Retrying, Failed, NotPossible).',
      labelNames: ['action', 'outcome'] as const,
      registers: [registry],
    }),
    timeToContainment: new Histogram({
      name: 'leakwatch_time_to_containment_seconds',
      help: "From a reviewer's decision (DecidedAt__c) to the sidecar carrying it out (Done), by action.",
      labelNames: ['action'] as const,
      buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 14400, 86400],
      registers: [registry],
    }),
    containmentActions: new Counter({
      name: 'leakwatch_containment_actions_total',
      help: 'Containment actions tried, by action (FreezeUser, EndSessions, RevokeOAuthTokens), step (carry-out, undo, expire) and outcome (Done, Undone, Retry, Failed, NotPossible).',
      labelNames: ['action', 'step', 'outcome'] as const,
      registers: [registry],
    }),
    incidentTimeToContainment: new Histogram({
      name: 'leakwatch_incident_time_to_containment_seconds',
      help: 'From the detection of an incident to a containment action done on it, by action.',
      labelNames: ['action'] as const,
      buckets: [1, 5, 15, 30, 60, 120, 300, 900, 1800, 3600, 14400, 86400],
      registers: [registry],
    }),
    orgSyncRuns: new Counter({
      name: 'leakwatch_org_sync_runs_total',
      help: 'Runs of the org sync tasks (flows, suggestions, apply, enforce), by task and result (ok, error: tried again next interval).',
      labelNames: ['task', 'result'] as const,
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics;
  }
}

export default fp(
  async (app) => {
    app.decorate('metrics', createMetrics());
  },
  { name: 'metrics' },
);
