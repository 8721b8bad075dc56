-- Organisations: the NGOs, associations and charities supporters follow.
-- Same shape as migrations/postgres; INTEGER PRIMARY KEY is SQLite's 64-bit rowid, and
-- AUTOINCREMENT keeps the id of a deleted row from being given again.
-- Times are UTC text, 'YYYY-MM-DD HH:MM:SS.ffffff', which sorts chronologically.
CREATE TABLE organisations (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    slug       TEXT NOT NULL,
    name       TEXT NOT NULL,
    mission    TEXT NOT NULL DEFAULT '',
    country    TEXT,
    created_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at TIMESTAMP NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    CONSTRAINT organisations_slug_key UNIQUE (slug),
    CONSTRAINT organisations_country_format CHECK (country IS NULL OR (length(country) = 2 AND country = upper(country)))
);

CREATE INDEX organisations_recent_idx ON organisations (created_at DESC, id DESC);
