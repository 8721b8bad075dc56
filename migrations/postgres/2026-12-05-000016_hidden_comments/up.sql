-- Comments the moderators hid (or many reports did, until a moderator looks): others see that they were removed, and why; their author
-- still reads them and may appeal once (for each hiding). An appeal waits in the queue until
-- a moderator restores the comment or keeps it hidden.
ALTER TABLE comments ADD COLUMN hidden_reason TEXT;
ALTER TABLE comments ADD COLUMN hidden_at TIMESTAMP;
-- Hidden by the number of its reports (ENSEMBLE_AUTO_HIDE_REPORTS), not by a moderator:
-- dismissing those reports brings it back.
ALTER TABLE comments ADD COLUMN hidden_automatically BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE comments ADD COLUMN appeal TEXT;
ALTER TABLE comments ADD COLUMN appealed_at TIMESTAMP;
ALTER TABLE comments ADD COLUMN appeal_decided_at TIMESTAMP;
CREATE INDEX comments_waiting_appeal_idx ON comments (appealed_at)
    WHERE appealed_at IS NOT NULL AND appeal_decided_at IS NULL;
