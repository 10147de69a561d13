-- What the collectors have read from each org's own records (sidecar/src/collect/).
--
-- collector_checkpoint: one row per org and source. `position` is the source's cursor (for a SOQL
-- source the timestamp and id of the last row turned into events; for event log files the file and
-- line): it is written in the same transaction as the events that row produced, so a crash never
-- loses a row or stores it twice. `version` grows with every write; a writer that read an older
-- version loses (another replica got there first) and rolls back. The lease keeps two replicas from
-- spending the org's API calls on the same source at once; `available` is false when the org
-- answered that it cannot provide the source (no licence, no permission) with `last_error` saying why.
CREATE TABLE collector_checkpoint (
  org_id text NOT NULL,
  source text NOT NULL,
  position jsonb,
  version bigint NOT NULL DEFAULT 0,
  rows_total bigint NOT NULL DEFAULT 0,
  last_row_at timestamptz,
  last_run_at timestamptz,
  last_success_at timestamptz,
  last_error text,
  last_error_at timestamptz,
  errors_total bigint NOT NULL DEFAULT 0,
  available boolean,
  lease_owner text,
  lease_until timestamptz,
  PRIMARY KEY (org_id, source)
);

-- Rows each source turned into events, per hour (for "rows in the last 24 hours"); kept 8 days.
CREATE TABLE collector_hourly (
  org_id text NOT NULL,
  source text NOT NULL,
  hour timestamptz NOT NULL,
  rows_read bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, source, hour)
);

-- API calls the collectors spent per org and UTC day, by every replica: the budget reads it.
CREATE TABLE collector_api_calls (
  org_id text NOT NULL,
  day date NOT NULL,
  calls bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (org_id, day)
);

-- Snapshot sources (OAuth tokens) keep what they saw last of each row, to report changes only.
CREATE TABLE collector_snapshot (
  org_id text NOT NULL,
  source text NOT NULL,
  row_id text NOT NULL,
  state jsonb NOT NULL,
  PRIMARY KEY (org_id, source, row_id)
);
