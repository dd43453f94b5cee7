-- The tags of each version, so lists can filter by tag on the latest or the published version.
CREATE TABLE content_tags (
    item_id TEXT NOT NULL REFERENCES content_items(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    tag TEXT NOT NULL,
    PRIMARY KEY (item_id, version, tag)
);
CREATE INDEX content_tags_tag ON content_tags(tag, item_id);
