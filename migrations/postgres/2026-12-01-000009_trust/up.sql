-- Trust: the identity a verification checked, invitations instead of forced membership,
-- receipts that print the checked identity, refunds matched to their period, and every
-- provider event recorded with what became of it.

-- What the platform checked when it verified: a change of any of these sends the
-- organisation back to review. Organisations verified before this migration: what they
-- show now is what was checked.
ALTER TABLE organisations
    ADD COLUMN verified_name TEXT,
    ADD COLUMN verified_registry TEXT,
    ADD COLUMN verified_registration_number TEXT,
    ADD COLUMN verified_website TEXT;
UPDATE organisations
SET verified_name = name, verified_registry = registry,
    verified_registration_number = registration_number, verified_website = website
WHERE verification_status = 'verified';

-- 'system': the platform itself, e.g. an identity change sending a verified
-- organisation back to review.
ALTER TABLE organisation_verifications
    DROP CONSTRAINT organisation_verifications_decided_as_check;
ALTER TABLE organisation_verifications
    ADD CONSTRAINT organisation_verifications_decided_as_check
    CHECK (decided_as IN ('platform', 'organisation', 'system'));
-- Each entry keeps the whole identity it was about (the registration it already kept):
-- a verification must be of the identity the review was asked for.
ALTER TABLE organisation_verifications ADD COLUMN name TEXT, ADD COLUMN website TEXT;

-- Nobody joins a team without accepting: an invitation per person and organisation at a
-- time, answered once.
CREATE TABLE organisation_invitations (
    id               TEXT PRIMARY KEY,
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id          BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    invited_by       BIGINT REFERENCES users (id) ON DELETE SET NULL,
    status           TEXT NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    expires_at       TIMESTAMP NOT NULL,
    answered_at      TIMESTAMP,
    CONSTRAINT organisation_invitations_role_check CHECK (role IN ('owner', 'admin', 'editor')),
    CONSTRAINT organisation_invitations_status_check
        CHECK (status IN ('pending', 'accepted', 'declined', 'revoked', 'expired'))
);
CREATE UNIQUE INDEX organisation_invitations_pending_key
    ON organisation_invitations (organisation_id, user_id) WHERE status = 'pending';
CREATE INDEX organisation_invitations_user_idx
    ON organisation_invitations (user_id, created_at DESC, id DESC);
CREATE INDEX organisation_invitations_organisation_idx
    ON organisation_invitations (organisation_id, created_at DESC, id DESC);

ALTER TABLE notifications DROP CONSTRAINT notifications_kind_check;
ALTER TABLE notifications ADD CONSTRAINT notifications_kind_check
    CHECK (kind IN ('comment_reply', 'update_comment', 'role_granted', 'invitation',
                    'verification_changed'));

-- A gift keeps the identity the platform had checked when it was made, which its receipts
-- print whatever the organisation becomes.
ALTER TABLE donations
    ADD COLUMN receipt_name TEXT NOT NULL DEFAULT '',
    ADD COLUMN receipt_registration TEXT;
UPDATE donations d
SET receipt_name = COALESCE(o.verified_name, o.name),
    receipt_registration = CASE WHEN o.registry IS NOT NULL AND o.registration_number IS NOT NULL
                                THEN o.registry || ' ' || o.registration_number END
FROM organisations o WHERE o.id = d.organisation_id;

-- A receipt prints the identity the platform checked, as it was when the money came; a
-- period's PaymentIntent, which its refund names.
ALTER TABLE donation_payments
    ADD COLUMN provider_intent_id TEXT,
    ADD COLUMN receipt_name TEXT NOT NULL DEFAULT '',
    ADD COLUMN receipt_registration TEXT;
UPDATE donation_payments p
SET receipt_name = o.name,
    receipt_registration = CASE WHEN o.registry IS NOT NULL AND o.registration_number IS NOT NULL
                                THEN o.registry || ' ' || o.registration_number END
FROM donations d JOIN organisations o ON o.id = d.organisation_id
WHERE d.id = p.donation_id;
CREATE INDEX donation_payments_intent_idx ON donation_payments (provider_intent_id)
    WHERE provider_intent_id IS NOT NULL;

-- What became of each event: applied, unchanged (late or repeated), rejected (it did not
-- fit the donation it named: `detail` says why) or ignored (a kind we do not act on).
ALTER TABLE payment_events
    ADD COLUMN outcome TEXT NOT NULL DEFAULT 'applied',
    ADD COLUMN detail TEXT NOT NULL DEFAULT '',
    ADD COLUMN donation_id BIGINT;
ALTER TABLE payment_events ADD CONSTRAINT payment_events_outcome_check
    CHECK (outcome IN ('applied', 'unchanged', 'rejected', 'ignored'));
