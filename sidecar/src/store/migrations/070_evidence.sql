-- The evidence log (sidecar/src/evidence/): per org, an append-only chain of what the sidecar
-- decided and did — verdicts, incident revisions, notification attempts — each entry's hash
-- covering its content and the previous entry's hash. Masked content only. Entries are appended
-- in the transaction of what they record, one writer per org at a time.
CREATE TABLE evidence_entry (
  org_id text NOT NULL,
  seq bigint NOT NULL,
  at timestamptz NOT NULL,
  kind text NOT NULL,
  subject text NOT NULL,
  data jsonb NOT NULL,
  prev text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (org_id, seq)
);
