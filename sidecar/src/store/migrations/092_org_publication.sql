-- Records the sidecar keeps up to date in each org by upsert (DataFlow__c): per record, a digest of
-- the fields it last wrote and the org accepted. A record is written again only when its digest
-- changes; a record the org refused has no new digest, so it is written again at the next
-- publication. Digests only: no field value is kept here.
CREATE TABLE org_publication (
  org_id text NOT NULL,
  sobject text NOT NULL,
  external_id text NOT NULL,
  digest text NOT NULL,
  published_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  PRIMARY KEY (org_id, sobject, external_id)
);
