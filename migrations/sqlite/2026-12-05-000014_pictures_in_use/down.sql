ALTER TABLE updates DROP COLUMN photos;
ALTER TABLE updates ADD COLUMN image_urls TEXT NOT NULL DEFAULT '';
ALTER TABLE users DROP COLUMN avatar;
ALTER TABLE users ADD COLUMN avatar_url TEXT;
ALTER TABLE organisations DROP COLUMN cover;
ALTER TABLE organisations DROP COLUMN logo;
ALTER TABLE organisations ADD COLUMN logo_url TEXT;
