DROP TABLE notifications;
DROP TABLE reactions;
DROP TABLE comment_reports;
DROP TABLE comments;
DROP TABLE updates;
