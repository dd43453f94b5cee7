-- The erasure ledger: the hash of every erased e-mail address (never the address, never a
-- name) and when it was erased, so a restore can erase those records again. The data
-- folder's `erasures.log` holds the same entries, for backups older than them.
CREATE TABLE erasures (
    email_hash TEXT NOT NULL,
    erased_at TIMESTAMP NOT NULL,
    PRIMARY KEY (email_hash, erased_at)
);
