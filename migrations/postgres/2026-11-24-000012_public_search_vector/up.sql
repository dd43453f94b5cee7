-- The search terms' tsvector, stored: ranking a search's matches then reads each vector
-- instead of parsing each document's terms again, and the GIN index is built on it.
ALTER TABLE public_docs
    ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('simple', terms)) STORED;
DROP INDEX public_docs_terms;
CREATE INDEX public_docs_search_vector ON public_docs USING GIN (search_vector);
