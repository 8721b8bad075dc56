-- A sign-in through a provider in progress: created by /auth/oauth/{provider}/start, used
-- once by the callback (deleted as it is claimed), valid 10 minutes. The state travels
-- through the browser, so only its hash is stored; the PKCE verifier never leaves us.
CREATE TABLE oauth_states (
    state_hash     TEXT PRIMARY KEY,
    provider       TEXT NOT NULL,
    code_verifier  TEXT NOT NULL,
    nonce          TEXT NOT NULL,
    return_to      TEXT NOT NULL,
    expires_at     TIMESTAMP NOT NULL
);
CREATE INDEX oauth_states_expiry_idx ON oauth_states (expires_at);

-- Accounts at providers linked to our users: one (provider, subject) is one user.
CREATE TABLE user_identities (
    provider    TEXT NOT NULL,
    subject     TEXT NOT NULL,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email       TEXT,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX user_identities_user_idx ON user_identities (user_id);
