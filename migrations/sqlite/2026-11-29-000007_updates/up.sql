-- Updates (an organisation's news), comments, reactions, reports and notifications.

CREATE TABLE updates (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- Who posted it; NULL once their account is deleted (the update stays the
    -- organisation's).
    author_id        INTEGER REFERENCES users (id) ON DELETE SET NULL,
    title            TEXT NOT NULL,
    body             TEXT NOT NULL,
    language         TEXT NOT NULL,
    -- https:// image addresses, one per line.
    image_urls       TEXT NOT NULL DEFAULT '',
    link_url         TEXT,
    created_at       TIMESTAMP NOT NULL,
    edited_at        TIMESTAMP,
    -- Kept by the transactions that add and remove reactions and comments.
    reactions_count  INTEGER NOT NULL DEFAULT 0,
    comments_count   INTEGER NOT NULL DEFAULT 0
);
-- The feed's index: each followed organisation's newest updates, read in order (the
-- read-time merge walks it once per organisation).
CREATE INDEX updates_organisation_recent_idx
    ON updates (organisation_id, created_at DESC, id DESC);

CREATE TABLE comments (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    update_id   INTEGER NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
    author_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- One level of replies: a reply's parent is a top-level comment.
    parent_id   INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX comments_update_idx ON comments (update_id, created_at, id);
CREATE INDEX comments_parent_idx ON comments (parent_id);
CREATE INDEX comments_author_idx ON comments (author_id);

CREATE TABLE comment_reports (
    comment_id  INTEGER NOT NULL REFERENCES comments (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL,
    note        TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (comment_id, user_id),
    CONSTRAINT comment_reports_reason_check CHECK (reason IN ('spam', 'abuse', 'other'))
);

CREATE TABLE reactions (
    update_id   INTEGER NOT NULL REFERENCES updates (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (update_id, user_id)
);
CREATE INDEX reactions_user_idx ON reactions (user_id);

CREATE TABLE notifications (
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
        CHECK (kind IN ('comment_reply', 'update_comment', 'role_granted'))
);
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);
