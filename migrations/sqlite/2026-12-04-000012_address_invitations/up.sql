-- Invitations to an address: a person without an account is invited by mail, signs up
-- from the link and finds the invitation waiting. Until then the invitation names the
-- address only; the account that takes it is written in `user_id`. (SQLite cannot drop a
-- NOT NULL: the table is made again.)
CREATE TABLE organisation_invitations_new (
    id               TEXT PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id          INTEGER REFERENCES users (id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    invited_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    status           TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    expires_at       TIMESTAMP NOT NULL,
    answered_at      TIMESTAMP,
    email            TEXT,
    email_key        TEXT,
    CONSTRAINT organisation_invitations_role_check CHECK (role IN ('owner', 'admin', 'editor')),
    CONSTRAINT organisation_invitations_status_check
        CHECK (status IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
    CONSTRAINT organisation_invitations_invitee_check
        CHECK (user_id IS NOT NULL OR email_key IS NOT NULL)
);
INSERT INTO organisation_invitations_new
    (id, organisation_id, user_id, role, invited_by, status, created_at, expires_at, answered_at)
SELECT id, organisation_id, user_id, role, invited_by, status, created_at, expires_at, answered_at
FROM organisation_invitations;
DROP TABLE organisation_invitations;
ALTER TABLE organisation_invitations_new RENAME TO organisation_invitations;
CREATE UNIQUE INDEX organisation_invitations_pending_key
    ON organisation_invitations (organisation_id, user_id) WHERE status = 'pending';
CREATE UNIQUE INDEX organisation_invitations_pending_address_key
    ON organisation_invitations (organisation_id, email_key) WHERE status = 'pending';
CREATE INDEX organisation_invitations_user_idx
    ON organisation_invitations (user_id, created_at DESC, id DESC);
CREATE INDEX organisation_invitations_organisation_idx
    ON organisation_invitations (organisation_id, created_at DESC, id DESC);
CREATE INDEX organisation_invitations_address_idx
    ON organisation_invitations (email_key, created_at DESC, id DESC) WHERE user_id IS NULL;

-- The platform's decisions on an organisation's identity are told to its owners (a CHECK
-- cannot change in SQLite: the table is made again, its ids going on from where they were).
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
                        'verification_rejected'))
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
