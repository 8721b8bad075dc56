-- The moderators may close an update's comments (a pile-on, a thread gone bad): nobody
-- comments there until they open them again; what was written stays.
ALTER TABLE updates ADD COLUMN comments_locked_at TIMESTAMP;
