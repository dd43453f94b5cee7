DROP TRIGGER public_generation_docs ON public_docs;
DROP TRIGGER public_generation_tags ON public_doc_tags;
DROP TRIGGER public_generation_docs_truncate ON public_docs;
DROP TRIGGER public_generation_tags_truncate ON public_doc_tags;
CREATE TRIGGER public_generation_docs AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public_docs
    FOR EACH STATEMENT EXECUTE FUNCTION public_generation_bump();
CREATE TRIGGER public_generation_tags AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public_doc_tags
    FOR EACH STATEMENT EXECUTE FUNCTION public_generation_bump();
