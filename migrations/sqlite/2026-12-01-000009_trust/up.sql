-- Trust: the identity a verification checked, invitations instead of forced membership,
-- receipts that print the checked identity, refunds matched to their period, and every
-- provider event recorded with what became of it. (SQLite cannot change a CHECK in
-- place: the two tables whose checks widen are rebuilt.)

-- What the platform checked when it verified: a change of any of these sends the
-- organisation back to review. Organisations verified before this migration: what they
-- show now is what was checked.
ALTER TABLE organisations ADD COLUMN verified_name TEXT;
ALTER TABLE organisations ADD COLUMN verified_registry TEXT;
ALTER TABLE organisations ADD COLUMN verified_registration_number TEXT;
ALTER TABLE organisations ADD COLUMN verified_website TEXT;
UPDATE organisations
SET verified_name = name, verified_registry = registry,
    verified_registration_number = registration_number, verified_website = website
WHERE verification_status = 'verified';

-- 'system': the platform itself, e.g. an identity change sending a verified
-- organisation back to review.
CREATE TABLE organisation_verifications_new (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id      INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    status               TEXT NOT NULL
        CHECK (status IN ('unverified', 'pending', 'verified', 'rejected', 'revoked')),
    registry             TEXT,
    registration_number  TEXT,
    note                 TEXT NOT NULL DEFAULT '',
    decided_as           TEXT NOT NULL CHECK (decided_as IN ('platform', 'organisation', 'system')),
    decided_by           INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at           TIMESTAMP NOT NULL,
    -- Each entry keeps the whole identity it was about: a verification must be of the
    -- identity the review was asked for.
    name                 TEXT,
    website              TEXT
);
INSERT INTO organisation_verifications_new
    (id, organisation_id, status, registry, registration_number, note, decided_as,
     decided_by, created_at)
SELECT id, organisation_id, status, registry, registration_number, note, decided_as,
       decided_by, created_at
FROM organisation_verifications;
-- AUTOINCREMENT's counter too, so that no deleted entry's id is given again.
UPDATE sqlite_sequence
SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'organisation_verifications')
WHERE name = 'organisation_verifications_new'
  AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'organisation_verifications');
DROP TABLE organisation_verifications;
ALTER TABLE organisation_verifications_new RENAME TO organisation_verifications;
CREATE INDEX organisation_verifications_organisation_idx
    ON organisation_verifications (organisation_id, created_at DESC, id DESC);

-- Nobody joins a team without accepting: an invitation per person and organisation at a
-- time, answered once.
CREATE TABLE organisation_invitations (
    id               TEXT PRIMARY KEY,
    organisation_id  INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role             TEXT NOT NULL,
    invited_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
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

CREATE TABLE notifications_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind             TEXT NOT NULL,
    actor_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    organisation_id  INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    update_id        INTEGER REFERENCES updates (id) ON DELETE CASCADE,
    comment_id       INTEGER REFERENCES comments (id) ON DELETE CASCADE,
    role             TEXT,
    created_at       TIMESTAMP NOT NULL,
    read_at          TIMESTAMP,
    CONSTRAINT notifications_kind_check
        CHECK (kind IN ('comment_reply', 'update_comment', 'role_granted', 'invitation',
                        'verification_changed'))
);
INSERT INTO notifications_new
SELECT id, user_id, kind, actor_id, organisation_id, update_id, comment_id, role,
       created_at, read_at
FROM notifications;
UPDATE sqlite_sequence
SET seq = (SELECT seq FROM sqlite_sequence WHERE name = 'notifications')
WHERE name = 'notifications_new'
  AND EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'notifications');
DROP TABLE notifications;
ALTER TABLE notifications_new RENAME TO notifications;
CREATE INDEX notifications_user_idx ON notifications (user_id, created_at DESC, id DESC);

-- A gift keeps the identity the platform had checked when it was made, which its receipts
-- print whatever the organisation becomes.
ALTER TABLE donations ADD COLUMN receipt_name TEXT NOT NULL DEFAULT '';
ALTER TABLE donations ADD COLUMN receipt_registration TEXT;
UPDATE donations
SET receipt_name = (SELECT COALESCE(o.verified_name, o.name) FROM organisations o
                    WHERE o.id = donations.organisation_id),
    receipt_registration = (SELECT CASE WHEN o.registry IS NOT NULL AND o.registration_number IS NOT NULL
                                        THEN o.registry || ' ' || o.registration_number END
                            FROM organisations o WHERE o.id = donations.organisation_id);

-- A receipt prints the identity the platform checked, as it was when the money came; a
-- period's PaymentIntent, which its refund names.
ALTER TABLE donation_payments ADD COLUMN provider_intent_id TEXT;
ALTER TABLE donation_payments ADD COLUMN receipt_name TEXT NOT NULL DEFAULT '';
ALTER TABLE donation_payments ADD COLUMN receipt_registration TEXT;
UPDATE donation_payments
SET receipt_name = (SELECT o.name FROM donations d JOIN organisations o ON o.id = d.organisation_id
                    WHERE d.id = donation_payments.donation_id),
    receipt_registration = (SELECT CASE WHEN o.registry IS NOT NULL AND o.registration_number IS NOT NULL
                                        THEN o.registry || ' ' || o.registration_number END
                            FROM donations d JOIN organisations o ON o.id = d.organisation_id
                            WHERE d.id = donation_payments.donation_id);
CREATE INDEX donation_payments_intent_idx ON donation_payments (provider_intent_id)
    WHERE provider_intent_id IS NOT NULL;

-- What became of each event: applied, unchanged (late or repeated), rejected (it did not
-- fit the donation it named: `detail` says why) or ignored (a kind we do not act on).
ALTER TABLE payment_events ADD COLUMN outcome TEXT NOT NULL DEFAULT 'applied'
    CHECK (outcome IN ('applied', 'unchanged', 'rejected', 'ignored'));
ALTER TABLE payment_events ADD COLUMN detail TEXT NOT NULL DEFAULT '';
ALTER TABLE payment_events ADD COLUMN donation_id INTEGER;
