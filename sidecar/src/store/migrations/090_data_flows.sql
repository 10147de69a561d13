-- Data flows seen in OTLP traces (POST /v1/traces): a service of the org's estate calling a
-- destination host, per UTC day. Only structural values: service names, hosts, Salesforce object
-- and field API names, counts and times; never a URL path, query, header or attribute value.
-- Region, AI and allow-listing are not stored: they follow the egress policy as it stands when read.
CREATE TABLE data_flow (
  org_id text NOT NULL,
  source text NOT NULL,
  destination text NOT NULL,
  day date NOT NULL,
  objects jsonb NOT NULL DEFAULT '[]'::jsonb,
  fields jsonb NOT NULL DEFAULT '[]'::jsonb,
  spans bigint NOT NULL DEFAULT 0 CHECK (spans >= 0),
  bytes bigint NOT NULL DEFAULT 0 CHECK (bytes >= 0),
  first_seen timestamptz NOT NULL,
  last_seen timestamptz NOT NULL,
  PRIMARY KEY (org_id, source, destination, day)
);

-- The verdicts a flow raised, one per flow and reason: the insert that wins is the one whose event
-- is stored, so a flow seen by several replicas at once still gives one verdict.
CREATE TABLE data_flow_alert (
  org_id text NOT NULL,
  source text NOT NULL,
  destination text NOT NULL,
  reason text NOT NULL,
  event_id uuid NOT NULL,
  raised_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (org_id, source, destination, reason)
);
