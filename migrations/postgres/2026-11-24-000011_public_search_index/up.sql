-- Full-text matches are joined to their documents by search_key; with the visibility times
-- and the id in the same index, counting the visible matches and picking the page's ids
-- never reads the wide document rows.
CREATE INDEX public_docs_search ON public_docs(search_key, visible_from, visible_until, id);
