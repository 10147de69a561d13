-- The two queues update each row soon after inserting it: a claim writes the lease (and the event's
-- attempt count), then the outcome writes the state. Packed full, a page has no room for the new
-- version, so every claim also added an entry to each of the table's indexes (seven on the outbox).
-- Half-full pages let a claim's new version stay on its page as a heap-only tuple (the lease and the
-- attempts are in no index nor index predicate), which halves the claims' cost on PGlite and on
-- PostgreSQL. Applies to pages written from now on; vacuum reclaims the room as rows are finished.
ALTER TABLE ingested_event SET (fillfactor = 50);
ALTER TABLE outbox SET (fillfactor = 50);
