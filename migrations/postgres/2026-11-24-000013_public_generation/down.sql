DROP TRIGGER public_generation_docs ON public_docs;
DROP TRIGGER public_generation_tags ON public_doc_tags;
DROP FUNCTION public_generation_bump();
DROP TABLE public_generation;
