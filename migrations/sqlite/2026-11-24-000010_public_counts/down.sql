DROP TRIGGER public_counts_tag_delete;
DROP TRIGGER public_counts_tag_insert;
DROP TRIGGER public_counts_doc_delete;
DROP TRIGGER public_counts_doc_insert;
DROP TABLE public_counts;
DROP INDEX public_docs_from;
ALTER TABLE public_doc_tags DROP COLUMN kind;
