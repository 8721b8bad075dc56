-- Donations: one-off or recurring gifts, their payments (one per period), and the provider
-- events already applied (each is applied once).

CREATE TABLE donations (
    id                        INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id           INTEGER NOT NULL REFERENCES organisations (id) ON DELETE RESTRICT,
    -- NULL once the donor's account is deleted: the accounting stays.
    donor_id                  INTEGER REFERENCES users (id) ON DELETE SET NULL,
    amount_minor              BIGINT NOT NULL,
    currency                  TEXT NOT NULL,
    recurring                 TEXT,
    anonymous                 BOOLEAN NOT NULL,
    share_contact             BOOLEAN NOT NULL,
    message                   TEXT NOT NULL DEFAULT '',
    status                    TEXT NOT NULL,
    provider                  TEXT NOT NULL,
    provider_checkout_id      TEXT,
    provider_subscription_id  TEXT,
    checkout_url              TEXT,
    -- The donor's Idempotency-Key and a hash of the request it came with.
    idempotency_key           TEXT,
    request_hash              TEXT,
    created_at                TIMESTAMP NOT NULL,
    updated_at                TIMESTAMP NOT NULL,
    CONSTRAINT donations_amount_check CHECK (amount_minor > 0),
    CONSTRAINT donations_recurring_check CHECK (recurring IS NULL OR recurring IN ('monthly', 'yearly')),
    CONSTRAINT donations_status_check CHECK (status IN
        ('pending', 'succeeded', 'failed', 'expired', 'refunded', 'active', 'cancelled')),
    CONSTRAINT donations_idempotency_key UNIQUE (donor_id, idempotency_key)
);
CREATE INDEX donations_organisation_idx ON donations (organisation_id, created_at DESC, id DESC);
CREATE INDEX donations_donor_idx ON donations (donor_id, created_at DESC, id DESC);
CREATE UNIQUE INDEX donations_checkout_idx ON donations (provider, provider_checkout_id);
CREATE UNIQUE INDEX donations_subscription_idx ON donations (provider, provider_subscription_id);
CREATE INDEX donations_pending_idx ON donations (status, created_at) WHERE status = 'pending';

-- Money received: one row per successful charge (a one-off gift, a period of a recurring
-- one), found by the provider's id of it so that it is counted once.
CREATE TABLE donation_payments (
    id                   INTEGER PRIMARY KEY AUTOINCREMENT,
    donation_id          INTEGER NOT NULL REFERENCES donations (id) ON DELETE RESTRICT,
    provider_payment_id  TEXT NOT NULL,
    amount_minor         BIGINT NOT NULL,
    currency             TEXT NOT NULL,
    status               TEXT NOT NULL,
    receipt_number       TEXT NOT NULL,
    paid_at              TIMESTAMP NOT NULL,
    CONSTRAINT donation_payments_provider_payment_key UNIQUE (provider_payment_id),
    CONSTRAINT donation_payments_receipt_key UNIQUE (receipt_number),
    CONSTRAINT donation_payments_status_check CHECK (status IN ('succeeded', 'refunded'))
);
CREATE INDEX donation_payments_donation_idx ON donation_payments (donation_id, paid_at);

CREATE TABLE payment_events (
    provider     TEXT NOT NULL,
    event_id     TEXT NOT NULL,
    kind         TEXT NOT NULL,
    received_at  TIMESTAMP NOT NULL,
    PRIMARY KEY (provider, event_id)
);
