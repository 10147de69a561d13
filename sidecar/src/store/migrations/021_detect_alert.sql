-- Windows that already raised an alert (the detector's alert ledger), so a window that
-- stays anomalous alerts once, then again only each time its total doubles, across
-- restarts and replicas. total -1 marks a one-off window (an unusual hour, say).
-- Marks merge by the later until_day, then the larger total: a commutative maximum, so
-- replicas flushing in any order converge. Rows past until_day are pruned.
CREATE TABLE detect_alert (
  org_id text NOT NULL,
  key text NOT NULL,
  until_day integer NOT NULL,
  total double precision NOT NULL,
  PRIMARY KEY (org_id, key)
);

CREATE INDEX detect_alert_org_until ON detect_alert (org_id, until_day);
