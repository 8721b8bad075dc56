ALTER TABLE users DROP COLUMN digest_sent_at;
ALTER TABLE users DROP COLUMN time_zone;
ALTER TABLE users DROP COLUMN digest;
DROP TABLE mail_preferences;
