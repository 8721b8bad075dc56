DROP TABLE upload_uses;
DROP TABLE uploads;
