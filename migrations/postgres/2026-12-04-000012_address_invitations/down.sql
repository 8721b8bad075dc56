DELETE FROM notifications WHERE kind IN ('verification_approved', 'verification_rejected');
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('comment_reply', 'update_comment', 'role_granted', 'invitation',
                    'verification_changed'));
DELETE FROM organisation_invitations WHERE user_id IS NULL;
DROP INDEX organisation_invitations_address_idx;
DROP INDEX organisation_invitations_pending_address_key;
ALTER TABLE organisation_invitations
    DROP CONSTRAINT organisation_invitations_invitee_check,
    DROP COLUMN email_key,
    DROP COLUMN email,
    ALTER COLUMN user_id SET NOT NULL;
