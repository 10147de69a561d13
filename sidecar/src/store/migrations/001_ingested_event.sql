-- Events acknowledged by POST /v1/events. Field values are never stored here:
-- `classified` holds the event without values plus the classifier's findings
-- (masked samples and salted hashes only).
CREATE TABLE ingested_event (
  event_id uuid PRIMARY KEY,
  org_id text NOT NULL,
  batch_id uuid NOT NULL,
  kind text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  classified jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'scored', 'quiet', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  lease_owner text,
  lease_until timestamptz,
  processed_at timestamptz,
  last_error text
);

CREATE INDEX ingested_event_due ON ingested_event (next_attempt_at) WHERE state = 'pending';
