-- Exact list totals without counting rows per request: one counter per kind (tag '') and
-- per kind and tag, kept by triggers in the same transaction as the rows they count. A list
-- subtracts the few rows not visible now (scheduled ahead, or ended and not yet pruned),
-- found by index, so its total is as fresh as the rows themselves. Writers of the public
-- rows take one advisory lock first (see db::public), so counter rows never deadlock.
ALTER TABLE public_doc_tags ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE public_doc_tags t SET kind = d.kind FROM public_docs d WHERE d.id = t.doc_id;
CREATE INDEX public_docs_from ON public_docs(visible_from);

CREATE TABLE public_counts (
    kind TEXT NOT NULL,
    tag TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (kind, tag)
);
INSERT INTO public_counts (kind, tag, n) SELECT kind, '', COUNT(*) FROM public_docs GROUP BY kind;
INSERT INTO public_counts (kind, tag, n) SELECT kind, tag, COUNT(*) FROM public_doc_tags GROUP BY kind, tag;

CREATE FUNCTION public_counts_docs() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public_counts (kind, tag, n) VALUES (NEW.kind, '', 1)
            ON CONFLICT (kind, tag) DO UPDATE SET n = public_counts.n + 1;
        RETURN NEW;
    END IF;
    UPDATE public_counts SET n = n - 1 WHERE kind = OLD.kind AND tag = '';
    RETURN OLD;
END $$;
CREATE FUNCTION public_counts_tags() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public_counts (kind, tag, n) VALUES (NEW.kind, NEW.tag, 1)
            ON CONFLICT (kind, tag) DO UPDATE SET n = public_counts.n + 1;
        RETURN NEW;
    END IF;
    UPDATE public_counts SET n = n - 1 WHERE kind = OLD.kind AND tag = OLD.tag;
    RETURN OLD;
END $$;
CREATE TRIGGER public_counts_docs AFTER INSERT OR DELETE ON public_docs
    FOR EACH ROW EXECUTE FUNCTION public_counts_docs();
CREATE TRIGGER public_counts_tags AFTER INSERT OR DELETE ON public_doc_tags
    FOR EACH ROW EXECUTE FUNCTION public_counts_tags();
