DROP INDEX public_docs_search_vector;
ALTER TABLE public_docs DROP COLUMN search_vector;
CREATE INDEX public_docs_terms ON public_docs USING GIN (to_tsvector('simple', terms));
