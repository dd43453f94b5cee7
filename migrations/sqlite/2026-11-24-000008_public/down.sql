DROP TABLE public_docs_fts;
DROP TABLE public_doc_tags;
DROP TABLE public_docs;
