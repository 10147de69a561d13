-- How far each replica has read reviewers' false positives (LeakVerdict__c with
-- Status__c = 'FalsePositive') of each org: the LastModifiedDate and Id of the last
-- verdict whose suppression is persisted. Per replica, because a replica holds an
-- org's detection state in memory and learns a suppression only by reading it itself.
-- polled_at is the end of the replica's last successful poll of the org (/v1/status).
CREATE TABLE feedback_watermark (
  org_id text NOT NULL,
  replica text NOT NULL,
  last_modified timestamptz,
  last_id text,
  polled_at timestamptz,
  PRIMARY KEY (org_id, replica)
);
