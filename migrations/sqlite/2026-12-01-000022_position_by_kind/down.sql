DROP INDEX public_docs_kind_position;
