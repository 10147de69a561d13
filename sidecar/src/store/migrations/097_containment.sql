-- Containment actions the sidecar proposed or carried out (ContainmentAction__c in the org), one row
-- per incident, action and target: the key makes a playbook propose each action once, however many
-- revisions the incident has. `written` is false until the org accepted the row's latest state.
-- Ids, codes and masked labels only: no record value.
CREATE TABLE containment_action (
  org_id text NOT NULL,
  action_key text NOT NULL,
  incident_key uuid NOT NULL,
  action text NOT NULL,
  target_id text,
  target_label text,
  mode text NOT NULL,
  playbook text NOT NULL,
  rule text NOT NULL,
  status text NOT NULL,
  detected_at timestamptz NOT NULL,
  proposed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  done_at timestamptz,
  expires_at timestamptz,
  undone_at timestamptz,
  outcome text,
  prior_state jsonb,
  attempts integer NOT NULL DEFAULT 0,
  incident_actors text NOT NULL DEFAULT '',
  written boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, action_key)
);
CREATE INDEX containment_action_unwritten ON containment_action (org_id) WHERE NOT written;

-- Per incident: the revision whose verdicts the playbooks last read, and when its first action was
-- done (ContainedAt__c), with whether the org has that time yet.
CREATE TABLE containment_incident (
  org_id text NOT NULL,
  incident_key uuid NOT NULL,
  evaluated_revision integer NOT NULL,
  contained_at timestamptz,
  contained_written boolean NOT NULL DEFAULT false,
  PRIMARY KEY (org_id, incident_key)
);
