-- Records waiting to be upserted into the org. One row per record, unique per
-- (org, sObject, external id) so a re-scored event never queues a second copy.
-- A child (PiiFinding__c, PermissionReview__c) is sent only after its parent
-- LeakVerdict__c is in the org, because it refers to it by external id.
CREATE TABLE outbox (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  org_id text NOT NULL,
  event_id uuid NOT NULL,
  sobject text NOT NULL,
  external_id_field text NOT NULL,
  external_id text NOT NULL,
  parent_id bigint REFERENCES outbox (id),
  record jsonb NOT NULL,
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'done', 'dead')),
  attempts integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  lease_owner text,
  lease_until timestamptz,
  last_error text,
  acknowledged_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  done_at timestamptz,
  UNIQUE (org_id, sobject, external_id)
);

CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE state = 'pending';
CREATE INDEX outbox_dead ON outbox (id) WHERE state = 'dead';
CREATE INDEX outbox_parent ON outbox (parent_id) WHERE parent_id IS NOT NULL;
