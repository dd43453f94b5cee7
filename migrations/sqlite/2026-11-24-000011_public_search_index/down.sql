DROP INDEX public_docs_search;
