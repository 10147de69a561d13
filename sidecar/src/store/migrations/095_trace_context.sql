-- The W3C trace context (`traceparent`) that carries a batch's trace across the durable queues, set
-- only while the sidecar's own telemetry is on (sidecar/src/telemetry/): on an event, the context of
-- the span that received its batch (POST /v1/events); on an outbox row, that of the span that scored
-- its event. The scoring and write-back stages start their spans as its children. A trace context is
-- ids and a sampling flag, nothing of the event: the check keeps it that way.
ALTER TABLE ingested_event ADD COLUMN trace_parent text
  CHECK (trace_parent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');
ALTER TABLE outbox ADD COLUMN trace_parent text
  CHECK (trace_parent ~ '^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$');
