ALTER TABLE updates DROP COLUMN comments_locked_at;
