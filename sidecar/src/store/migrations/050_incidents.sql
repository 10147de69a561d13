-- Incidents the sidecar opens by correlating verdicts (sidecar/src/incidents/).
--
-- incident: one row per org and incident. `state` is the incident as the sidecar knows it (actors,
-- apps, sessions, objects, data categories, counts, its verdicts, timeline), all masked as the
-- verdicts are; `revision` grows with every change and names the Incident__c write-back of that
-- change. Written in the scoring transaction of the verdicts that changed it, so a crash keeps
-- both or neither.
CREATE TABLE incident (
  org_id text NOT NULL,
  incident_key uuid NOT NULL,
  revision integer NOT NULL,
  opened_at timestamptz NOT NULL,
  last_verdict_at timestamptz NOT NULL,
  state jsonb NOT NULL,
  PRIMARY KEY (org_id, incident_key)
);

CREATE INDEX incident_recent ON incident (org_id, last_verdict_at);

-- Which incident each verdict's event belongs to: an event joins at most one.
CREATE TABLE incident_member (
  org_id text NOT NULL,
  event_id uuid NOT NULL,
  incident_key uuid NOT NULL,
  PRIMARY KEY (org_id, event_id)
);
