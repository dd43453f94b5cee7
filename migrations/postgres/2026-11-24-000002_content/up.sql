CREATE TABLE files (
    id TEXT PRIMARY KEY NOT NULL,
    filename TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    sha256 TEXT NOT NULL,
    label TEXT,
    created_at TIMESTAMP NOT NULL,
    created_by TEXT
);
CREATE INDEX files_sha256 ON files(sha256);
CREATE INDEX files_created ON files(created_at, id);

CREATE TABLE content_items (
    id TEXT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    title TEXT NOT NULL,
    latest_version BIGINT NOT NULL,
    published_version BIGINT,
    published_at TIMESTAMP,
    publish_version BIGINT,
    publish_at TIMESTAMP,
    unpublish_at TIMESTAMP,
    archived_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    created_by TEXT,
    updated_by TEXT,
    UNIQUE (kind, slug)
);
CREATE INDEX content_items_updated ON content_items(updated_at, id);
CREATE INDEX content_items_publish_at ON content_items(publish_at);
CREATE INDEX content_items_unpublish_at ON content_items(unpublish_at);

CREATE TABLE content_versions (
    item_id TEXT NOT NULL REFERENCES content_items(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    content TEXT NOT NULL,
    author_id TEXT,
    author TEXT NOT NULL,
    comment TEXT,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (item_id, version)
);

-- Which files each version uses (attachments, fields.file_id, fields.cover_file_id).
CREATE TABLE content_file_refs (
    item_id TEXT NOT NULL REFERENCES content_items(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    file_id TEXT NOT NULL,
    PRIMARY KEY (item_id, version, file_id)
);
CREATE INDEX content_file_refs_file ON content_file_refs(file_id);
