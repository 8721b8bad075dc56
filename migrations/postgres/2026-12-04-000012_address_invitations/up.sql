-- Invitations to an address: a person without an account is invited by mail, signs up
-- from the link and finds the invitation waiting. Until then the invitation names the
-- address only; the account that takes it is written in `user_id`.
ALTER TABLE organisation_invitations
    ALTER COLUMN user_id DROP NOT NULL,
    ADD COLUMN email TEXT,
    ADD COLUMN email_key TEXT,
    ADD CONSTRAINT organisation_invitations_invitee_check
        CHECK (user_id IS NOT NULL OR email_key IS NOT NULL);
-- One waiting invitation per address and organisation, as per person.
CREATE UNIQUE INDEX organisation_invitations_pending_address_key
    ON organisation_invitations (organisation_id, email_key) WHERE status = 'pending';
CREATE INDEX organisation_invitations_address_idx
    ON organisation_invitations (email_key, created_at DESC, id DESC) WHERE user_id IS NULL;

-- The platform's decisions on an organisation's identity are told to its owners.
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('comment_reply', 'update_comment', 'role_granted', 'invitation',
                    'verification_changed', 'verification_approved', 'verification_rejected'));
