-- The full profile of an organisation, its languages and causes, and its team.
ALTER TABLE organisations ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN website TEXT;
ALTER TABLE organisations ADD COLUMN logo_url TEXT;
ALTER TABLE organisations ADD COLUMN city TEXT;
ALTER TABLE organisations ADD COLUMN founded_year INTEGER;
ALTER TABLE organisations ADD COLUMN registry TEXT;
ALTER TABLE organisations ADD COLUMN registration_number TEXT;
-- Kept by the follow and unfollow transactions (so listing by popularity needs no count).
ALTER TABLE organisations ADD COLUMN followers_count BIGINT NOT NULL DEFAULT 0;

-- ISO 639-1 codes of the languages an organisation works in.
CREATE TABLE organisation_languages (
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    lang             TEXT NOT NULL,
    PRIMARY KEY (organisation_id, lang)
);

CREATE TABLE organisation_causes (
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    cause_id         INTEGER NOT NULL REFERENCES causes (id),
    PRIMARY KEY (organisation_id, cause_id)
);
CREATE INDEX organisation_causes_cause_idx ON organisation_causes (cause_id);

-- The team: owner > admin > editor. The application keeps at least one owner.
CREATE TABLE organisation_members (
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, user_id),
    CONSTRAINT organisation_members_role_check CHECK (role IN ('owner', 'admin', 'editor'))
);
CREATE INDEX organisation_members_user_idx ON organisation_members (user_id);
