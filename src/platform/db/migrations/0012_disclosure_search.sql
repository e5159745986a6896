-- Disclosure-log search with filters: one GIN index over the text and the filter columns, so a
-- common word combined with a filter that rarely goes with it is answered from the index instead of
-- checking every row that has the word. btree_gin is a trusted extension (PostgreSQL 13+): a database
-- owner may create it; PGlite loads it in src/platform/db/embedded-server.mjs.
-- fastupdate off: answers are published a few at a time, and the embedded database has no autovacuum
-- to merge a pending list that every search would otherwise scan.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX disclosure_log_search_filters ON disclosure_log
  USING gin (search, outcome, service, topic, type) WITH (fastupdate = off);
DROP INDEX disclosure_log_search;
ALTER INDEX disclosure_log_title_search SET (fastupdate = off);
