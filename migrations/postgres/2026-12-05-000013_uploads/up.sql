-- Uploaded pictures: each upload was decoded, stripped of its metadata and made again at a
-- few widths; `picture` lists those files (JSON: their keys in the object store, sizes and
-- types). An upload belongs to whoever sent it; `upload_uses` says where it is shown, and
-- one shown nowhere a day after it came is deleted with its files.
CREATE TABLE uploads (
    id          TEXT PRIMARY KEY,
    user_id     BIGINT REFERENCES users (id) ON DELETE SET NULL,
    shape       TEXT NOT NULL CHECK (shape IN ('any', 'square')),
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    bytes       BIGINT NOT NULL,
    picture     TEXT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX uploads_user_idx ON uploads (user_id);
CREATE INDEX uploads_created_idx ON uploads (created_at);

-- Where an upload is shown. An upload is never deleted while a row here names it.
CREATE TABLE upload_uses (
    id               BIGSERIAL PRIMARY KEY,
    upload_id        TEXT NOT NULL REFERENCES uploads (id),
    purpose          TEXT NOT NULL
        CHECK (purpose IN ('logo', 'cover', 'avatar', 'photo', 'inline')),
    organisation_id  BIGINT REFERENCES organisations (id) ON DELETE CASCADE,
    user_id          BIGINT REFERENCES users (id) ON DELETE CASCADE,
    update_id        BIGINT REFERENCES updates (id) ON DELETE CASCADE,
    CHECK (organisation_id IS NOT NULL OR user_id IS NOT NULL)
);
CREATE INDEX upload_uses_upload_idx ON upload_uses (upload_id);
CREATE INDEX upload_uses_organisation_idx ON upload_uses (organisation_id);
CREATE INDEX upload_uses_user_idx ON upload_uses (user_id);
CREATE INDEX upload_uses_update_idx ON upload_uses (update_id);
