-- The site's structure. `position_key` orders `sort=position`: the position, zero-padded,
-- then the title key; items without a position after every one with it. Rows stored before
-- this are rebuilt by the application when it starts (it keeps the version of the public
-- model it last built in `settings`).
ALTER TABLE public_docs ADD COLUMN position_key TEXT NOT NULL DEFAULT '';
CREATE INDEX public_docs_position ON public_docs(position_key, id);

-- Which items' public rows embed which other items (references and links in the text), so
-- that a change to an item's public state rebuilds the rows that show it, in the same
-- transaction.
CREATE TABLE public_refs (
    item_id TEXT NOT NULL REFERENCES content_items(id) ON DELETE CASCADE,
    target_id TEXT NOT NULL,
    PRIMARY KEY (item_id, target_id)
);
CREATE INDEX public_refs_target ON public_refs(target_id);
