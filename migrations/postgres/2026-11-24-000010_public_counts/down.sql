DROP TRIGGER public_counts_tags ON public_doc_tags;
DROP TRIGGER public_counts_docs ON public_docs;
DROP FUNCTION public_counts_tags();
DROP FUNCTION public_counts_docs();
DROP TABLE public_counts;
DROP INDEX public_docs_from;
ALTER TABLE public_doc_tags DROP COLUMN kind;
