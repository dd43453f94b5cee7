DROP TABLE public_doc_tags;
DROP TABLE public_docs;
