-- Pictures where they are shown: an organisation's logo and cover, a person's avatar, an
-- update's photos (with their alt texts), each kept here as the JSON of its stored files so
-- that a page or a feed reads them with its row. Addresses of images elsewhere are dropped:
-- the page shows this platform's uploads alone (a pasted address could track its readers).
ALTER TABLE organisations DROP COLUMN logo_url;
ALTER TABLE organisations ADD COLUMN logo TEXT;
ALTER TABLE organisations ADD COLUMN cover TEXT;
ALTER TABLE users DROP COLUMN avatar_url;
ALTER TABLE users ADD COLUMN avatar TEXT;
ALTER TABLE updates DROP COLUMN image_urls;
ALTER TABLE updates ADD COLUMN photos TEXT NOT NULL DEFAULT '[]';
