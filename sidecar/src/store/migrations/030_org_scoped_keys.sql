-- Every key is scoped by org, and every org id is stored in one form.
--
-- Before: an event id was unique across all orgs (ingested_event's primary key was event_id alone),
-- so one org could blind another by sending an event id the other had used; suppressions were
-- unique by id alone; org ids were stored as the package sent them (15 or 18 characters) and
-- compared by their first 15.
-- After: org ids are stored in their 18-character form (the case-safe checksum suffix added to a
-- 15-character id), and every unique key starts with org_id. Existing rows are kept: 15-character
-- org ids are rewritten, and where both forms of one org held the same key, the rows are merged by
-- the same rules the detector uses (counts add up, first days take the earlier, last-seen marks
-- the later).

-- The 18-character form of a Salesforce id: for each 5-character chunk, a bit per upper-case
-- letter picks one character of A-Z0-5. Upper case is tested by code point, not by collation.
CREATE FUNCTION leakwatch_id18(id text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN length(id) <> 15 THEN id ELSE id || (
    SELECT string_agg(substr('ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', 1 + (
             SELECT sum(CASE WHEN ascii(substr(id, chunk * 5 + bit + 1, 1)) BETWEEN 65 AND 90 THEN 1 << bit ELSE 0 END)::int
               FROM generate_series(0, 4) AS bit), 1), '' ORDER BY chunk)
      FROM generate_series(0, 2) AS chunk) END
$$;

-- Acknowledged events: unique per (org, event id).
UPDATE ingested_event SET org_id = leakwatch_id18(org_id) WHERE length(org_id) = 15;
ALTER TABLE ingested_event DROP CONSTRAINT ingested_event_pkey;
ALTER TABLE ingested_event ADD PRIMARY KEY (org_id, event_id);
DROP INDEX ingested_event_org_open;
CREATE INDEX ingested_event_org_open ON ingested_event (org_id, state) WHERE state IN ('pending', 'failed');

-- Write-backs: already unique per (org, sObject, external id); org ids in one form.
UPDATE outbox SET org_id = leakwatch_id18(org_id) WHERE length(org_id) = 15;
DROP INDEX outbox_org_open;
CREATE INDEX outbox_org_open ON outbox (org_id, state, created_at) WHERE state IN ('pending', 'dead');
CREATE INDEX outbox_org_event ON outbox (org_id, event_id);

-- Detection state: move 15-character rows onto the 18-character form, merging where it exists.
INSERT INTO detect_hourly (org_id, metric, series, day, hour, total)
SELECT leakwatch_id18(org_id), metric, series, day, hour, total FROM detect_hourly WHERE length(org_id) = 15
ON CONFLICT (org_id, metric, series, day, hour) DO UPDATE SET total = detect_hourly.total + EXCLUDED.total;
DELETE FROM detect_hourly WHERE length(org_id) = 15;

INSERT INTO detect_series_start (org_id, metric, series, first_day)
SELECT leakwatch_id18(org_id), metric, series, first_day FROM detect_series_start WHERE length(org_id) = 15
ON CONFLICT (org_id, metric, series) DO UPDATE SET first_day = LEAST(detect_series_start.first_day, EXCLUDED.first_day);
DELETE FROM detect_series_start WHERE length(org_id) = 15;

INSERT INTO detect_session (org_id, session_key, last_day, total)
SELECT leakwatch_id18(org_id), session_key, last_day, total FROM detect_session WHERE length(org_id) = 15
ON CONFLICT (org_id, session_key) DO UPDATE
  SET total = detect_session.total + EXCLUDED.total, last_day = GREATEST(detect_session.last_day, EXCLUDED.last_day);
DELETE FROM detect_session WHERE length(org_id) = 15;

INSERT INTO detect_signal_start (org_id, signal, first_day)
SELECT leakwatch_id18(org_id), signal, first_day FROM detect_signal_start WHERE length(org_id) = 15
ON CONFLICT (org_id, signal) DO UPDATE SET first_day = LEAST(detect_signal_start.first_day, EXCLUDED.first_day);
DELETE FROM detect_signal_start WHERE length(org_id) = 15;

INSERT INTO detect_app_scope (org_id, app_id, scope)
SELECT leakwatch_id18(org_id), app_id, scope FROM detect_app_scope WHERE length(org_id) = 15
ON CONFLICT DO NOTHING;
DELETE FROM detect_app_scope WHERE length(org_id) = 15;

INSERT INTO detect_token_holder (org_id, holder, last_seen_ms)
SELECT leakwatch_id18(org_id), holder, last_seen_ms FROM detect_token_holder WHERE length(org_id) = 15
ON CONFLICT (org_id, holder) DO UPDATE SET last_seen_ms = GREATEST(detect_token_holder.last_seen_ms, EXCLUDED.last_seen_ms);
DELETE FROM detect_token_holder WHERE length(org_id) = 15;

INSERT INTO detect_canary (org_id, kind, value, label)
SELECT leakwatch_id18(org_id), kind, value, label FROM detect_canary WHERE length(org_id) = 15
ON CONFLICT DO NOTHING;
DELETE FROM detect_canary WHERE length(org_id) = 15;

INSERT INTO detect_alert (org_id, key, until_day, total)
SELECT leakwatch_id18(org_id), key, until_day, total FROM detect_alert WHERE length(org_id) = 15
ON CONFLICT (org_id, key) DO UPDATE SET
  total = CASE
    WHEN EXCLUDED.until_day > detect_alert.until_day THEN EXCLUDED.total
    WHEN EXCLUDED.until_day < detect_alert.until_day THEN detect_alert.total
    ELSE GREATEST(detect_alert.total, EXCLUDED.total) END,
  until_day = GREATEST(detect_alert.until_day, EXCLUDED.until_day);
DELETE FROM detect_alert WHERE length(org_id) = 15;

-- Suppressions: unique per (org, id). The id names the verdict's event, which is unique per org only.
UPDATE detect_suppression SET org_id = leakwatch_id18(org_id) WHERE length(org_id) = 15;
ALTER TABLE detect_suppression DROP CONSTRAINT detect_suppression_pkey;
ALTER TABLE detect_suppression ADD PRIMARY KEY (org_id, id);

-- Feedback watermarks: one per (org, replica); of two forms the later read wins.
INSERT INTO feedback_watermark (org_id, replica, last_modified, last_id, polled_at)
SELECT leakwatch_id18(org_id), replica, last_modified, last_id, polled_at FROM feedback_watermark WHERE length(org_id) = 15
ON CONFLICT (org_id, replica) DO UPDATE SET
  last_modified = CASE WHEN EXCLUDED.last_modified > feedback_watermark.last_modified THEN EXCLUDED.last_modified
                       ELSE COALESCE(feedback_watermark.last_modified, EXCLUDED.last_modified) END,
  last_id = CASE WHEN EXCLUDED.last_modified > feedback_watermark.last_modified THEN EXCLUDED.last_id
                 ELSE COALESCE(feedback_watermark.last_id, EXCLUDED.last_id) END,
  polled_at = GREATEST(feedback_watermark.polled_at, EXCLUDED.polled_at);
DELETE FROM feedback_watermark WHERE length(org_id) = 15;
