DROP TABLE organisation_bans;
DROP TABLE blocks;
ALTER TABLE organisations DROP COLUMN hidden_at;
ALTER TABLE organisations DROP COLUMN hidden_reason;
ALTER TABLE users DROP COLUMN suspension_reason;
ALTER TABLE users DROP COLUMN suspended_until;
ALTER TABLE users DROP COLUMN suspended_at;
