-- A change counter of the public rows, raised by triggers in the same transaction as the
-- change, whichever process makes it. A server keeps answers built from the public rows
-- only while this counter has not moved (see api::public::answers).
CREATE TABLE public_generation (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    n BIGINT NOT NULL
);
INSERT INTO public_generation (id, n) VALUES (1, 0);
CREATE TRIGGER public_generation_doc_insert AFTER INSERT ON public_docs BEGIN
    UPDATE public_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER public_generation_doc_update AFTER UPDATE ON public_docs BEGIN
    UPDATE public_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER public_generation_doc_delete AFTER DELETE ON public_docs BEGIN
    UPDATE public_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER public_generation_tag_insert AFTER INSERT ON public_doc_tags BEGIN
    UPDATE public_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER public_generation_tag_update AFTER UPDATE ON public_doc_tags BEGIN
    UPDATE public_generation SET n = n + 1 WHERE id = 1;
END;
CREATE TRIGGER public_generation_tag_delete AFTER DELETE ON public_doc_tags BEGIN
    UPDATE public_generation SET n = n + 1 WHERE id = 1;
END;
