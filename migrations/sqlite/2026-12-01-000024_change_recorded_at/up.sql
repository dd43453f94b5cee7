-- When a change was written. One dated ahead of that (a scheduled change) tells a reader of
-- the feed that a writer in progress may still date a change before it.
ALTER TABLE public_changes ADD COLUMN recorded_at TIMESTAMP;
