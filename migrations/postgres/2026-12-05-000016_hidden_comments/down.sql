DROP INDEX comments_waiting_appeal_idx;
ALTER TABLE comments DROP COLUMN appeal_decided_at;
ALTER TABLE comments DROP COLUMN appealed_at;
ALTER TABLE comments DROP COLUMN appeal;
ALTER TABLE comments DROP COLUMN hidden_automatically;
ALTER TABLE comments DROP COLUMN hidden_at;
ALTER TABLE comments DROP COLUMN hidden_reason;
