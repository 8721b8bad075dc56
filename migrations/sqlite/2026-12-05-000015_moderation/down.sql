CREATE TABLE comment_reports (
    comment_id  INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (comment_id, user_id),
    CONSTRAINT comment_reports_reason_check CHECK (reason IN ('spam', 'abuse', 'other'))
);
INSERT INTO comment_reports (comment_id, user_id, reason, note, created_at)
SELECT item_id, reporter_id,
       CASE WHEN reason IN ('spam', 'other') THEN reason ELSE 'abuse' END, note, created_at
FROM reports
WHERE item_kind = 'comment' AND state = 'open' AND item_id IN (SELECT id FROM comments);
DROP TABLE moderation_log;
DROP TABLE reports;
ALTER TABLE users DROP COLUMN is_moderator;
