-- Background work and mail.
--
-- A job is written in the transaction of the change that causes it (an outbox), so that
-- nothing is sent for a change that rolled back and nothing is lost for one that
-- committed. Workers inside every server take due jobs with FOR UPDATE SKIP LOCKED, each
-- for a lease: a job whose worker died is taken again once its lease has run out.
-- Periodic work is a job too, made once per period by whichever server gets there first
-- (`unique_key`).
CREATE TABLE jobs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    kind          TEXT NOT NULL,
    payload       TEXT NOT NULL,
    state         TEXT NOT NULL,
    run_at        TIMESTAMP NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    max_attempts  INTEGER NOT NULL,
    locked_by     TEXT,
    locked_until  TIMESTAMP,
    last_error    TEXT NOT NULL DEFAULT '',
    unique_key    TEXT,
    created_at    TIMESTAMP NOT NULL,
    finished_at   TIMESTAMP,
    CHECK (state IN ('queued', 'running', 'done', 'dead')),
    CHECK (attempts >= 0 AND max_attempts >= 1)
);
CREATE UNIQUE INDEX jobs_unique_key ON jobs (unique_key);
-- What workers look for: due work, and work whose lease ran out.
CREATE INDEX jobs_due_idx ON jobs (run_at, id) WHERE state IN ('queued', 'running');
CREATE INDEX jobs_state_idx ON jobs (state, finished_at);

-- Single-use links sent by mail (verifying an address, resetting a password, confirming
-- a new address), kept only as hashes. `email` is the address the link was sent to: a
-- link is worth nothing once the account's address is another.
CREATE TABLE email_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL,
    email       TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    CHECK (purpose IN ('verify', 'reset', 'change'))
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);
CREATE INDEX email_tokens_expiry_idx ON email_tokens (expires_at);
