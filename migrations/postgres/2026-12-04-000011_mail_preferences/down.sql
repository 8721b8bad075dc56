ALTER TABLE users DROP CONSTRAINT users_digest_check;
ALTER TABLE users DROP COLUMN digest_sent_at, DROP COLUMN time_zone, DROP COLUMN digest;
DROP TABLE mail_preferences;
