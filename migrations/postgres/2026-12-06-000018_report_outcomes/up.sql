-- A reporter is told what came of their report: the moderators acted on it, or left the
-- item as it was. By mail too, as the person chooses for the category `reports`.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('comment_reply', 'update_comment', 'role_granted', 'invitation',
                    'verification_changed', 'verification_approved', 'verification_rejected',
                    'report_upheld', 'report_dismissed'));
ALTER TABLE mail_preferences DROP CONSTRAINT mail_preferences_category_check;
ALTER TABLE mail_preferences ADD CONSTRAINT mail_preferences_category_check CHECK (category IN
    ('replies', 'comments', 'invitations', 'receipts', 'recurring', 'verification', 'reports'));
