DROP TABLE public_refs;
DROP INDEX public_docs_position;
ALTER TABLE public_docs DROP COLUMN position_key;
