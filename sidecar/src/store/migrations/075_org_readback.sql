-- What people decided in the org, read back by the sidecar (sidecar/src/incidents/org-readback.ts):
-- a DPO's milestones on Incident__c, reviewers' statuses on LeakVerdict__c, and permission-review
-- decisions. Each decision is kept once (the read is repeated after a crash or by another
-- replica), and the first time it is seen it becomes an evidence entry in the same transaction.
CREATE TABLE org_decision (
  org_id text NOT NULL,
  -- Incident__c, LeakVerdict__c or PermissionReview__c
  source text NOT NULL,
  -- The org record's id (18 characters).
  record_id text NOT NULL,
  -- For Incident__c a milestone (confirm, earlyWarning, …); otherwise the status decided.
  decision text NOT NULL,
  decided_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (org_id, source, record_id, decision, decided_at)
);

-- Where each org's read of each source stopped: LastModifiedDate and Id of the last record taken.
CREATE TABLE org_readback (
  org_id text NOT NULL,
  source text NOT NULL,
  position jsonb NOT NULL,
  polled_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (org_id, source)
);

-- Drafts of the GDPR and NIS2 reports as they stood at each revision of an incident (Markdown;
-- masked, from the incident's state): the DPO can show what was known when.
CREATE TABLE incident_draft (
  org_id text NOT NULL,
  incident_key uuid NOT NULL,
  revision integer NOT NULL,
  draft text NOT NULL,
  lang text NOT NULL,
  markdown text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (org_id, incident_key, revision, draft, lang)
);
