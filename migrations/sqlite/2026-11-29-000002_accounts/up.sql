-- People who sign in. Email is unique whatever its case: `email_key` holds the lowercased
-- address and carries the constraint; `email` keeps what the person typed.
CREATE TABLE users (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    email           TEXT NOT NULL,
    email_key       TEXT NOT NULL,
    email_verified  BOOLEAN NOT NULL DEFAULT FALSE,
    -- Argon2id PHC string; NULL for accounts that only sign in through a provider.
    password_hash   TEXT,
    display_name    TEXT NOT NULL,
    avatar_url      TEXT,
    bio             TEXT NOT NULL DEFAULT '',
    locale          TEXT NOT NULL DEFAULT 'en',
    country         TEXT,
    follows_public  BOOLEAN NOT NULL DEFAULT TRUE,
    is_admin        BOOLEAN NOT NULL DEFAULT FALSE,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL,
    CONSTRAINT users_email_key_key UNIQUE (email_key),
    CONSTRAINT users_locale_check CHECK (locale IN ('en', 'fr', 'es', 'zh'))
);

-- A sign-in on one device: a family of refresh tokens. Revoking it (logout, or the reuse
-- of a rotated token) ends every token of the family and the access tokens minted from it.
CREATE TABLE sessions (
    id            TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent    TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP NOT NULL,
    revoked_at    TIMESTAMP
);
CREATE INDEX sessions_user_idx ON sessions (user_id);

-- Refresh tokens are stored as SHA-256 hashes; each is used once (`used_at`), then replaced.
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY,
    session_id  TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- Personal API tokens for third-party clients, hashed; shown once at creation.
CREATE TABLE api_tokens (
    id            TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    scope         TEXT NOT NULL,
    token_hash    TEXT NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    last_used_at  TIMESTAMP,
    revoked_at    TIMESTAMP,
    CONSTRAINT api_tokens_token_hash_key UNIQUE (token_hash),
    CONSTRAINT api_tokens_scope_check CHECK (scope IN ('read', 'write'))
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);
