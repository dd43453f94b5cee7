-- The sync feed: every change of an item's public answer, in the order a client applies
-- them (`at`, then `seq`). A change made now is written in the transaction that makes it,
-- under the lock of the public rows; one scheduled ahead is written with its time and
-- replaced whenever the item's publication changes again before then.
CREATE TABLE public_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    -- 'upsert' or 'delete'
    change TEXT NOT NULL,
    version BIGINT,
    -- The ETag of the answer an upsert announces (to tell a real change from none).
    etag TEXT,
    at TIMESTAMP NOT NULL
);
CREATE INDEX public_changes_at ON public_changes(at, seq);
CREATE INDEX public_changes_item ON public_changes(item_id, at, seq);
