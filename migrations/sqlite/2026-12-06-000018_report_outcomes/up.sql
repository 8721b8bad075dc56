-- A reporter is told what came of their report: the moderators acted on it, or left the
-- item as it was. By mail too, as the person chooses for the category `reports`. (A CHECK
-- cannot change in SQLite: the tables are made again, ids going on from where they were.)
CREATE TABLE notifications_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    actor_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    organisation_id  INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    update_id        INTEGER REFERENCES updates (id) ON DELETE CASCADE,
    comment_id       INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    role             TEXT,
    created_at       TIMESTAMP NOT NULL,
    read_at          TIMESTAMP,
    CONSTRAINT notifications_kind_check
        CHECK (kind IN ('comment_reply', 'update_comment', 'role_granted', 'invitation',
                        'verification_changed', 'verification_approved',
                        'verification_rejected',
                        'report_upheld', 'report_dismissed'))
);
INSERT INTO notifications_new
SELECT id, user_id, kind, actor_id, organisation_id, update_id, comment_id, role,
       created_at, read_at
FROM notifications;
UPDATE sqlite_sequence
SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'notifications')
WHERE name = 'notifications_new'
  AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'notifications');
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);

CREATE TABLE mail_preferences_new (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category  TEXT NOT NULL CHECK (category IN
        ('replies', 'comments', 'invitations', 'receipts', 'recurring', 'verification', 'reports')),
    delivery  TEXT NOT NULL CHECK (delivery IN ('immediately', 'digest', 'never')),
    PRIMARY KEY (user_id, category)
);
INSERT INTO mail_preferences_new SELECT user_id, category, delivery FROM mail_preferences;
DROP TABLE mail_preferences;
ALTER TABLE mail_preferences_new RENAME TO mail_preferences;
