DELETE FROM notifications WHERE kind IN ('report_upheld', 'report_dismissed');
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('comment_reply', 'update_comment', 'role_granted', 'invitation',
                    'verification_changed', 'verification_approved', 'verification_rejected'));
DELETE FROM mail_preferences WHERE category = 'reports';
ALTER TABLE mail_preferences DROP CONSTRAINT mail_preferences_category_check;
ALTER TABLE mail_preferences ADD CONSTRAINT mail_preferences_category_check CHECK (category IN
    ('replies', 'comments', 'invitations', 'receipts', 'recurring', 'verification'));
