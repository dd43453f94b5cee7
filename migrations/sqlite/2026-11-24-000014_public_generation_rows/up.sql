-- PostgreSQL's change-counter triggers become row-level here; SQLite's already are.
SELECT 1;
