-- Moderation. A platform role: moderators see and decide every report (platform
-- administrators may too). Reports name what they report by its kind and id (a comment, an
-- update, an organisation, a person); one person has one open report per item. The old
-- comment reports become reports of comments (`abuse` is now `harassment`).
ALTER TABLE users ADD COLUMN is_moderator BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE reports (
    id           BIGSERIAL PRIMARY KEY,
    item_kind    TEXT NOT NULL CHECK (item_kind IN ('comment', 'update', 'organisation', 'user')),
    item_id      BIGINT NOT NULL,
    -- The organisation it belongs to (a comment's or an update's; an organisation itself),
    -- kept so that its admins still find the reports once the item is gone.
    organisation_id  BIGINT,
    reporter_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason       TEXT NOT NULL
        CHECK (reason IN ('spam', 'scam', 'harassment', 'hate', 'self_harm', 'illegal', 'other')),
    note         TEXT NOT NULL DEFAULT '',
    state        TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'dismissed', 'upheld')),
    created_at   TIMESTAMP NOT NULL,
    decided_at   TIMESTAMP
);
CREATE UNIQUE INDEX reports_one_open_idx ON reports (item_kind, item_id, reporter_id) WHERE state = 'open';
CREATE INDEX reports_item_idx ON reports (item_kind, item_id, state);
CREATE INDEX reports_state_idx ON reports (state, created_at);
CREATE INDEX reports_organisation_idx ON reports (organisation_id, state);

INSERT INTO reports (item_kind, item_id, organisation_id, reporter_id, reason, note, state, created_at)
SELECT 'comment', r.comment_id, u.organisation_id, r.user_id,
       CASE r.reason WHEN 'abuse' THEN 'harassment' ELSE r.reason END, r.note, 'open', r.created_at
FROM comment_reports r
JOIN comments c ON c.id = r.comment_id
JOIN updates u ON u.id = c.update_id;
DROP TABLE comment_reports;

-- Every decision, append-only: who (their name kept, should the account go), what, on which
-- item, why, when, and the item as it was before (JSON).
CREATE TABLE moderation_log (
    id          BIGSERIAL PRIMARY KEY,
    actor_id    BIGINT,
    actor_name  TEXT NOT NULL,
    action      TEXT NOT NULL,
    item_kind   TEXT NOT NULL,
    item_id     BIGINT NOT NULL,
    reason      TEXT NOT NULL,
    before      TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX moderation_log_item_idx ON moderation_log (item_kind, item_id);
