//! The storage layer's own error: what a transaction refused (by the domain's rules, with
//! what it read under its locks) or failed with. It speaks no HTTP; `error.rs` maps it to
//! the API's answer at one boundary (`From<StoreError> for ApiError`).
//!
//! The unique constraints whose violation means something are named here once
//! ([`Unique`]) and recognised on both backends.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use ensemble_wire::FieldError;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed: a bug, or the connection. The cause is logged, never shown.
    #[error(transparent)]
    Database(#[from] DieselError),
    /// Nothing of this kind answers to what was asked (`organisation`, `member`, …).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The change conflicts with the state: a stable code and a sentence for people.
    #[error("conflict: {0}")]
    Conflict(ensemble_wire::Code, String),
    /// Not allowed, judged with what the transaction read.
    #[error("forbidden: {0}")]
    Forbidden(ensemble_wire::Code),
    /// Fields naming something that does not exist (a cause, a user) or breaking a rule
    /// only the stored state can check.
    #[error("invalid fields")]
    Invalid(Vec<FieldError>),
    /// No connection could be had in time: the database is down or overloaded.
    #[error("database unavailable")]
    Unavailable,
    /// Something that cannot happen happened (an invariant broken).
    #[error(transparent)]
    Internal(anyhow::Error),
}

impl From<crate::domain::Refusal> for StoreError {
    fn from(refusal: crate::domain::Refusal) -> Self {
        match refusal {
            crate::domain::Refusal::Forbidden(code) => StoreError::Forbidden(code),
            crate::domain::Refusal::Conflict(code, detail) => StoreError::Conflict(code, detail),
        }
    }
}

/// The unique constraints the code relies on, by the name PostgreSQL gives them and the
/// columns SQLite names in its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unique {
    UserEmail,
    OrganisationSlug,
    PendingInvitation,
    PendingAddressInvitation,
    OrganisationFollow,
    CauseFollow,
    Reaction,
    DonationKey,
    PaymentEvent,
    JobKey,
}

impl Unique {
    const ALL: [Unique; 10] = [
        Unique::UserEmail,
        Unique::OrganisationSlug,
        Unique::PendingInvitation,
        Unique::PendingAddressInvitation,
        Unique::OrganisationFollow,
        Unique::CauseFollow,
        Unique::Reaction,
        Unique::DonationKey,
        Unique::PaymentEvent,
        Unique::JobKey,
    ];

    /// (PostgreSQL's constraint or index name, SQLite's `table.column, …`).
    fn names(self) -> (&'static str, &'static str) {
        match self {
            Unique::UserEmail => ("users_email_key_key", "users.email_key"),
            Unique::OrganisationSlug => ("organisations_slug_key", "organisations.slug"),
            Unique::PendingInvitation => (
                "organisation_invitations_pending_key",
                "organisation_invitations.organisation_id, organisation_invitations.user_id",
            ),
            Unique::PendingAddressInvitation => (
                "organisation_invitations_pending_address_key",
                "organisation_invitations.organisation_id, organisation_invitations.email_key",
            ),
            Unique::OrganisationFollow => (
                "organisation_follows_pkey",
                "organisation_follows.user_id, organisation_follows.organisation_id",
            ),
            Unique::CauseFollow => (
                "cause_follows_pkey",
                "cause_follows.user_id, cause_follows.cause_id",
            ),
            Unique::Reaction => ("reactions_pkey", "reactions.update_id, reactions.user_id"),
            Unique::DonationKey => (
                "donations_idempotency_key",
                "donations.donor_id, donations.idempotency_key",
            ),
            Unique::PaymentEvent => (
                "payment_events_pkey",
                "payment_events.provider, payment_events.event_id",
            ),
            Unique::JobKey => ("jobs_unique_key", "jobs.unique_key"),
        }
    }

    /// The named constraint `error` violates, if it is one of ours.
    pub fn of(error: &DieselError) -> Option<Unique> {
        let DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) = error else {
            return None;
        };
        let constraint = info.constraint_name();
        let message = info.message();
        Self::ALL.into_iter().find(|unique| {
            let (postgres, sqlite) = unique.names();
            constraint == Some(postgres)
                || message
                    .strip_prefix("UNIQUE constraint failed: ")
                    .is_some_and(|columns| columns == sqlite)
        })
    }

    /// Whether `error` is a violation of this constraint.
    pub fn violated_by(self, error: &DieselError) -> bool {
        Self::of(error) == Some(self)
    }
}
