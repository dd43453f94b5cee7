-- A change counter of the public rows, raised by triggers in the same transaction as the
-- change, whichever process makes it. A server keeps answers built from the public rows
-- only while this counter has not moved (see api::public::answers). Writers of the public
-- rows already take one advisory lock first (see db::public), so the single counter row
-- adds no new waiting.
CREATE TABLE public_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO public_generation (id, n) VALUES (1, 0);
CREATE FUNCTION public_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE public_generation SET n = n + 1 WHERE id = 1;
    RETURN NULL;
END $$;
CREATE TRIGGER public_generation_docs AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public_docs
    FOR EACH STATEMENT EXECUTE FUNCTION public_generation_bump();
CREATE TRIGGER public_generation_tags AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public_doc_tags
    FOR EACH STATEMENT EXECUTE FUNCTION public_generation_bump();
