-- What each person wants by mail, per category of message: at once, in the digest, or
-- never. A category without a row has its default (domain::notifications::Category).
CREATE TABLE mail_preferences (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category  TEXT NOT NULL,
    delivery  TEXT NOT NULL,
    PRIMARY KEY (user_id, category),
    CONSTRAINT mail_preferences_category_check CHECK (category IN
        ('replies', 'comments', 'invitations', 'receipts', 'recurring', 'verification')),
    CONSTRAINT mail_preferences_delivery_check CHECK (delivery IN ('immediately', 'digest', 'never'))
);

-- The digest: how often, at the reader's morning in their time zone (an IANA name), and
-- when the last one went (what it covered ends there).
ALTER TABLE users
    ADD COLUMN digest TEXT NOT NULL DEFAULT 'weekly',
    ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC',
    ADD COLUMN digest_sent_at TIMESTAMP;
ALTER TABLE users ADD CONSTRAINT users_digest_check CHECK (digest IN ('daily', 'weekly', 'never'));
