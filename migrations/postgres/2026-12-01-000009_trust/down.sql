ALTER TABLE payment_events DROP CONSTRAINT payment_events_outcome_check;
ALTER TABLE payment_events DROP COLUMN donation_id, DROP COLUMN detail, DROP COLUMN outcome;
DROP INDEX donation_payments_intent_idx;
ALTER TABLE donation_payments
    DROP COLUMN receipt_registration, DROP COLUMN receipt_name, DROP COLUMN provider_intent_id;
ALTER TABLE donations DROP COLUMN receipt_registration, DROP COLUMN receipt_name;
ALTER TABLE organisation_verifications DROP COLUMN website, DROP COLUMN name;
DELETE FROM notifications WHERE kind IN ('invitation', 'verification_changed');
ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('comment_reply', 'update_comment', 'role_granted'));
DROP TABLE organisation_invitations;
DELETE FROM organisation_verifications WHERE decided_as = 'system';
ALTER TABLE organisation_verifications
    DROP CONSTRAINT organisation_verifications_decided_as_check;
ALTER TABLE organisation_verifications
    ADD CONSTRAINT organisation_verifications_decided_as_check
    CHECK (decided_as IN ('platform', 'organisation'));
ALTER TABLE organisations
    DROP COLUMN verified_website, DROP COLUMN verified_registration_number,
    DROP COLUMN verified_registry, DROP COLUMN verified_name;
