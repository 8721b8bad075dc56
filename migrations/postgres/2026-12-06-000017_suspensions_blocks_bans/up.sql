-- Suspended accounts: they may still sign in, export their data and delete themselves,
-- nothing else, until `suspended_until` (null: for good). Set and lifted by moderators; the
-- moderation log keeps each decision.
ALTER TABLE users ADD COLUMN suspended_at TIMESTAMP;
ALTER TABLE users ADD COLUMN suspended_until TIMESTAMP;
ALTER TABLE users ADD COLUMN suspension_reason TEXT;

-- An organisation under review (an impersonation reported, for example): hidden from
-- discovery and refusing gifts until a moderator restores it; its verification goes back
-- to review.
ALTER TABLE organisations ADD COLUMN hidden_reason TEXT;
ALTER TABLE organisations ADD COLUMN hidden_at TIMESTAMP;

-- A person blocks another: no replies to their comments, no notifications from them, and
-- their comments collapsed. Personal, so not in the moderation log.
CREATE TABLE blocks (
    blocker_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    blocked_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id);

-- An organisation bans a person from commenting on its updates (its admins decide; the
-- moderation log keeps it).
CREATE TABLE organisation_bans (
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason           TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, user_id)
);
CREATE INDEX organisation_bans_user_idx ON organisation_bans (user_id);
