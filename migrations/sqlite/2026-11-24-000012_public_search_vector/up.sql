-- PostgreSQL stores each document's tsvector here. On SQLite the FTS5 table
-- (public_docs_fts) already holds the searchable form, so there is nothing to change.
SELECT 1;
