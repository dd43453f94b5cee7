-- `sort=position` within a kind (a site's locations, its pages) walks this index in order
-- instead of sorting every row of the kind.
CREATE INDEX public_docs_kind_position ON public_docs(kind, position_key, id);
