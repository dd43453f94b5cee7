-- Exact list totals without counting rows per request: one counter per kind (tag '') and
-- per kind and tag, kept by triggers in the same transaction as the rows they count. A list
-- subtracts the few rows not visible now (scheduled ahead, or ended and not yet pruned),
-- found by index, so its total is as fresh as the rows themselves.
ALTER TABLE public_doc_tags ADD COLUMN kind TEXT NOT NULL DEFAULT '';
UPDATE public_doc_tags SET kind = (SELECT d.kind FROM public_docs d WHERE d.id = public_doc_tags.doc_id);
CREATE INDEX public_docs_from ON public_docs(visible_from);

CREATE TABLE public_counts (
    kind TEXT NOT NULL,
    tag TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (kind, tag)
);
INSERT INTO public_counts (kind, tag, n) SELECT kind, '', COUNT(*) FROM public_docs GROUP BY kind;
INSERT INTO public_counts (kind, tag, n) SELECT kind, tag, COUNT(*) FROM public_doc_tags GROUP BY kind, tag;

CREATE TRIGGER public_counts_doc_insert AFTER INSERT ON public_docs BEGIN
    INSERT INTO public_counts (kind, tag, n) VALUES (new.kind, '', 1)
        ON CONFLICT (kind, tag) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER public_counts_doc_delete AFTER DELETE ON public_docs BEGIN
    UPDATE public_counts SET n = n - 1 WHERE kind = old.kind AND tag = '';
END;
CREATE TRIGGER public_counts_tag_insert AFTER INSERT ON public_doc_tags BEGIN
    INSERT INTO public_counts (kind, tag, n) VALUES (new.kind, new.tag, 1)
        ON CONFLICT (kind, tag) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER public_counts_tag_delete AFTER DELETE ON public_doc_tags BEGIN
    UPDATE public_counts SET n = n - 1 WHERE kind = old.kind AND tag = old.tag;
END;
