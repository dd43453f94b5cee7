-- The public read model: one row per publication of an item (the live one, and a scheduled
-- one), with its public JSON rendered once at publish time. Visibility is derived from the
-- stored times, so a scheduled change is exact to the second with no job involved.
CREATE TABLE public_docs (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL REFERENCES content_items(id) ON DELETE CASCADE,
    version BIGINT NOT NULL,
    kind TEXT NOT NULL,
    slug TEXT NOT NULL,
    title_key TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    visible_from TIMESTAMP NOT NULL,
    visible_until TIMESTAMP,
    etag TEXT NOT NULL,
    list_json TEXT NOT NULL,
    item_json TEXT NOT NULL,
    terms TEXT NOT NULL,
    -- A random 63-bit key: the full-text row of this document (stable across VACUUM).
    search_key BIGINT NOT NULL UNIQUE
);
CREATE INDEX public_docs_slug ON public_docs(kind, slug);
CREATE INDEX public_docs_item ON public_docs(item_id);
CREATE INDEX public_docs_published ON public_docs(published_at, id);
CREATE INDEX public_docs_kind_published ON public_docs(kind, published_at, id);
CREATE INDEX public_docs_updated ON public_docs(updated_at, id);
CREATE INDEX public_docs_title ON public_docs(title_key, id);
CREATE INDEX public_docs_until ON public_docs(visible_until);

CREATE TABLE public_doc_tags (
    doc_id TEXT NOT NULL REFERENCES public_docs(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    published_at TIMESTAMP NOT NULL,
    PRIMARY KEY (tag, published_at, doc_id)
);
CREATE INDEX public_doc_tags_doc ON public_doc_tags(doc_id);

-- Full-text index over Dutch-stemmed, diacritic-folded terms (stemmed in the application,
-- so SQLite and PostgreSQL match the same words).
CREATE INDEX public_docs_terms ON public_docs USING GIN (to_tsvector('simple', terms));
