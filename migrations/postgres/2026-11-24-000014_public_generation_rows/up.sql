-- The change counter moves only when rows change: a statement that changes none (the
-- scheduler's prune finding nothing ended, say) leaves the answers kept in memory valid.
-- Statement-level triggers fire even for no rows, so these are row-level, as on SQLite.
DROP TRIGGER public_generation_docs ON public_docs;
DROP TRIGGER public_generation_tags ON public_doc_tags;
CREATE TRIGGER public_generation_docs AFTER INSERT OR UPDATE OR DELETE ON public_docs
    FOR EACH ROW EXECUTE FUNCTION public_generation_bump();
CREATE TRIGGER public_generation_tags AFTER INSERT OR UPDATE OR DELETE ON public_doc_tags
    FOR EACH ROW EXECUTE FUNCTION public_generation_bump();
CREATE TRIGGER public_generation_docs_truncate AFTER TRUNCATE ON public_docs
    FOR EACH STATEMENT EXECUTE FUNCTION public_generation_bump();
CREATE TRIGGER public_generation_tags_truncate AFTER TRUNCATE ON public_doc_tags
    FOR EACH STATEMENT EXECUTE FUNCTION public_generation_bump();
