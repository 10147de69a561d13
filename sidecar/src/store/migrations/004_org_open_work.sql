-- /v1/status reports the calling org's open work only. Org ids are stored as the
-- package sent them (15 or 18 characters) and compared by their 15-character form;
-- these partial indexes hold only the open rows, so counting one org's stays cheap
-- however many scored events and written records the tables keep.
CREATE INDEX ingested_event_org_open ON ingested_event (left(org_id, 15), state)
  WHERE state IN ('pending', 'failed');

CREATE INDEX outbox_org_open ON outbox (left(org_id, 15), state, created_at)
  WHERE state IN ('pending', 'dead');
