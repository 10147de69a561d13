-- Drills (`leakwatch drill`, POST /v1/drills): a synthetic breach of canary data sent through the
-- whole notification protocol. One row per drill, keyed by org: when it started, how long its
-- report waits for the targets, and the synthetic events it stored. The report itself is read from
-- the events, the incident they joined and its notifications, so nothing here changes after the start.
CREATE TABLE drill (
  org_id text NOT NULL,
  drill_id uuid NOT NULL,
  started_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  timeout_ms integer NOT NULL CHECK (timeout_ms > 0),
  event_ids jsonb NOT NULL,
  PRIMARY KEY (org_id, drill_id)
);
