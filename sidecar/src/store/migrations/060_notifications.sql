-- Notifications of incident revisions to the targets the operator configured (sidecar/src/notify/).
-- One row per incident revision and target, queued in the scoring transaction that changed the
-- incident; unique per (org, idempotency key) so a re-scored batch queues nothing twice. A row
-- waits for the earlier revisions of its incident to the same target, so a target sees them in
-- order. `payload` is the notification as sent: masked samples only.
CREATE TABLE notification (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id text NOT NULL,
  incident_key uuid NOT NULL,
  revision integer NOT NULL,
  target text NOT NULL,
  idempotency_key text NOT NULL,
  payload jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  lease_owner text,
  lease_until timestamptz,
  last_error text,
  remote_id text,
  remote_url text,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  done_at timestamptz,
  UNIQUE (org_id, idempotency_key)
);

CREATE INDEX notification_due ON notification (next_attempt_at) WHERE state = 'pending';
CREATE INDEX notification_order ON notification (org_id, incident_key, target, revision);
