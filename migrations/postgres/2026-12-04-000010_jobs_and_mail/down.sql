DROP TABLE email_tokens;
DROP TABLE jobs;
