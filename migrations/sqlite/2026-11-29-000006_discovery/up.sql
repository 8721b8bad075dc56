-- Discovery: texts in several languages, links, verification, follows and search.

-- The language of `organisations.mission` and `.description` (the main texts), and the
-- current verification status (its history is in organisation_verifications).
ALTER TABLE organisations ADD COLUMN text_language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE organisations ADD COLUMN verification_status TEXT NOT NULL DEFAULT 'unverified'
    CHECK (verification_status IN ('unverified', 'pending', 'verified', 'rejected', 'revoked'));
-- The name folded for sorting (lowercase, transliterated), kept by the application.
ALTER TABLE organisations ADD COLUMN sort_name TEXT NOT NULL DEFAULT '';
-- Everything a search looks in besides the name (city, every mission and description),
-- kept by the application on every change of the texts.
ALTER TABLE organisations ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

-- Mission and description in other languages than the main one.
CREATE TABLE organisation_translations (
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    lang             TEXT NOT NULL,
    mission          TEXT NOT NULL,
    description      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (organisation_id, lang)
);

-- Social links (http/https), in the order given.
CREATE TABLE organisation_links (
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,
    url              TEXT NOT NULL,
    PRIMARY KEY (organisation_id, position)
);

-- Every verification decision and request, kept and public.
CREATE TABLE organisation_verifications (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    status               TEXT NOT NULL
        CHECK (status IN ('unverified', 'pending', 'verified', 'rejected', 'revoked')),
    registry             TEXT,
    registration_number  TEXT,
    note                 TEXT NOT NULL DEFAULT '',
    -- 'platform' (an administrator of Ensemble decided) or 'organisation' (its owners asked).
    decided_as           TEXT NOT NULL CHECK (decided_as IN ('platform', 'organisation')),
    -- Who decided or asked; NULL once their account is deleted.
    decided_by           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at           TIMESTAMP NOT NULL
);
CREATE INDEX organisation_verifications_organisation_idx
    ON organisation_verifications (organisation_id, created_at DESC, id DESC);

-- Who follows which organisation. The composite key makes following idempotent; the
-- second index serves the followers list and "co-followed with".
CREATE TABLE organisation_follows (
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, organisation_id)
);
CREATE INDEX organisation_follows_organisation_idx
    ON organisation_follows (organisation_id, created_at DESC, user_id DESC);

-- Search, in two FTS5 indexes kept by the application (rowid = organisations.id):
-- words, case- and accent-insensitive, with English stemming (Porter, SQLite's only
-- stemmer); and trigrams, for substrings (Chinese has no spaces between words).
CREATE VIRTUAL TABLE organisation_search USING fts5 (
    name, body, tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE organisation_search_trigram USING fts5 (
    name, body, tokenize = 'trigram case_sensitive 0 remove_diacritics 1'
);

-- The sorts of the directory, each with its keyset tie-breaker.
CREATE INDEX organisations_followers_idx ON organisations (followers_count DESC, id DESC);
CREATE INDEX organisations_sort_name_idx ON organisations (sort_name, id);
CREATE INDEX organisations_country_idx ON organisations (country);
CREATE INDEX organisation_languages_lang_idx ON organisation_languages (lang);
