-- Detection state, per org. Every write is a commutative increment, a set union or a
-- maximum, so replicas flushing their own increments in any order converge.

-- Hourly buckets of record volumes (per actor|app|object|operation series) and of
-- event counts (per actor). Rows older than the baseline horizon are pruned.
CREATE TABLE detect_hourly (
  org_id text NOT NULL,
  metric text NOT NULL CHECK (metric IN ('volume', 'activity')),
  series text NOT NULL,
  day integer NOT NULL,
  hour smallint NOT NULL CHECK (hour BETWEEN 0 AND 23),
  total double precision NOT NULL,
  PRIMARY KEY (org_id, metric, series, day, hour)
);

CREATE INDEX detect_hourly_org_day ON detect_hourly (org_id, day);

-- When each series was first observed; kept after its oldest buckets are pruned.
CREATE TABLE detect_series_start (
  org_id text NOT NULL,
  metric text NOT NULL CHECK (metric IN ('volume', 'activity')),
  series text NOT NULL,
  first_day integer NOT NULL,
  PRIMARY KEY (org_id, metric, series)
);

-- Records added up per session or Bulk API job.
CREATE TABLE detect_session (
  org_id text NOT NULL,
  session_key text NOT NULL,
  last_day integer NOT NULL,
  total double precision NOT NULL,
  PRIMARY KEY (org_id, session_key)
);

-- When each signal (record volumes, OAuth) was first observed: its warm-up began then.
CREATE TABLE detect_signal_start (
  org_id text NOT NULL,
  signal text NOT NULL CHECK (signal IN ('volume', 'oauth')),
  first_day integer NOT NULL,
  PRIMARY KEY (org_id, signal)
);

-- Connected apps seen and the scopes granted to them; scope '' marks the app itself.
CREATE TABLE detect_app_scope (
  org_id text NOT NULL,
  app_id text NOT NULL,
  scope text NOT NULL,
  PRIMARY KEY (org_id, app_id, scope)
);

-- Last time each token holder (user|app) acted, epoch milliseconds.
CREATE TABLE detect_token_holder (
  org_id text NOT NULL,
  holder text NOT NULL,
  last_seen_ms double precision NOT NULL,
  PRIMARY KEY (org_id, holder)
);

-- Canary records and marker values (synthetic by design, never personal data).
CREATE TABLE detect_canary (
  org_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('record', 'marker')),
  value text NOT NULL,
  label text,
  PRIMARY KEY (org_id, kind, value)
);

-- Suppressions created from reviewer feedback on false positives.
CREATE TABLE detect_suppression (
  id text PRIMARY KEY,
  org_id text NOT NULL,
  reason_codes jsonb NOT NULL,
  actor_user_id text,
  object text,
  operation text,
  connected_app_id text,
  created_by text,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);

CREATE INDEX detect_suppression_org ON detect_suppression (org_id, expires_at);
