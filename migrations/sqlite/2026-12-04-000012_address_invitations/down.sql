DELETE FROM organisation_invitations WHERE user_id IS NULL;
DROP INDEX organisation_invitations_address_idx;
DROP INDEX organisation_invitations_pending_address_key;
ALTER TABLE organisation_invitations DROP COLUMN email_key;
ALTER TABLE organisation_invitations DROP COLUMN email;
