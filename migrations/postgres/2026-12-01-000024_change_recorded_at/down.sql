ALTER TABLE public_changes DROP COLUMN recorded_at;
