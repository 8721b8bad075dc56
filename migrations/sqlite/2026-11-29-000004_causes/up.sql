-- Causes (Jumo's "issues"): a two-level taxonomy, e.g. Health › Mental health. The rows
-- come from api/data/causes.json, synchronised at every start, so that a new cause or a
-- better translation ships with the code.
CREATE TABLE causes (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL,
    parent_id  INTEGER REFERENCES causes (id),
    position   INTEGER NOT NULL,
    CONSTRAINT causes_slug_key UNIQUE (slug)
);

-- Name and description of a cause in each interface language.
CREATE TABLE cause_translations (
    cause_id     INTEGER NOT NULL REFERENCES causes (id) ON DELETE CASCADE,
    lang         TEXT NOT NULL,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL,
    PRIMARY KEY (cause_id, lang)
);

-- Who follows which cause. The composite key makes following idempotent.
CREATE TABLE cause_follows (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    cause_id    INTEGER NOT NULL REFERENCES causes (id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, cause_id)
);
CREATE INDEX cause_follows_cause_idx ON cause_follows (cause_id);
