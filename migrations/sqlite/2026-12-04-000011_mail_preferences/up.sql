-- What each person wants by mail, per category of message: at once, in the digest, or
-- never. A category without a row has its default (domain::notifications::Category).
CREATE TABLE mail_preferences (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category  TEXT NOT NULL CHECK (category IN
        ('replies', 'comments', 'invitations', 'receipts', 'recurring', 'verification')),
    delivery  TEXT NOT NULL CHECK (delivery IN ('immediately', 'digest', 'never')),
    PRIMARY KEY (user_id, category)
);

-- The digest: how often, at the reader's morning in their time zone (an IANA name), and
-- when the last one went (what it covered ends there).
ALTER TABLE users ADD COLUMN digest TEXT NOT NULL DEFAULT 'weekly'
    CHECK (digest IN ('daily', 'weekly', 'never'));
ALTER TABLE users ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
ALTER TABLE users ADD COLUMN digest_sent_at TIMESTAMP;
