//! Donations and payments. A pending donation is committed before any provider is called;
//! each provider event is claimed (`payment_events`) in the same transaction that applies
//! it, so a repeated delivery changes nothing; every transition locks the donation and is
//! conditional on the state it leaves; payments are unique by the provider's id.

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use ensemble_wire::Code;

use super::error::StoreError;
use super::organisations::Brief;
use super::schema::{donation_payments, donations, organisations, payment_events, users};
use super::{DbConnection, LockTable, lock_row, now, write_transaction};
use crate::domain::donations::{
    EventOutcome, Facts, IdempotencyKey, Money, NewGift, PaymentIn, PaymentStatus, Provider,
    ProviderEvent, Recurrence, Rejection, Status, receipt_number,
};
use crate::domain::jobs::{Job, Mail};
use crate::domain::notifications::{Category, Delivery};
use crate::domain::pagination::KeysetAfter;
use crate::domain::text::field_error;
use crate::domain::verification;

/// A gift to record, as its donor asked for it.
#[derive(Debug, Clone)]
pub struct NewDonation {
    pub organisation_id: i64,
    pub donor_id: i64,
    pub gift: NewGift,
    pub provider: Provider,
    pub idempotency_key: Option<IdempotencyKey>,
    pub request_hash: String,
}

/// Records a pending donation; with an idempotency key already used by this donor, answers
/// the donation it made (same request) or refuses (another request): (id, created now).
pub fn create_pending(
    conn: &mut DbConnection,
    new: &NewDonation,
) -> Result<(i64, bool), StoreError> {
    let attempt = write_transaction(conn, |conn| {
        if let Some(found) = by_key(conn, new)? {
            return Ok(Some((found, false)));
        }
        // Under the organisation's lock, so that a verification ending now cannot let one
        // more gift through; the gift keeps the identity that was checked, which its
        // receipts print.
        lock_row(conn, LockTable::Organisations, new.organisation_id)?;
        let under_review = organisations::table
            .find(new.organisation_id)
            .select(organisations::hidden_at.is_not_null())
            .first::<bool>(conn)?;
        if under_review {
            return Err(StoreError::Conflict(
                Code::OrganisationUnderReview,
                "The moderators are reviewing this organisation: it takes no gifts until they decide."
                    .into(),
            ));
        }
        let Some(checked) = checked_identity(conn, new.organisation_id)? else {
            return Err(StoreError::Conflict(
                Code::OrganisationNotVerified,
                "Only organisations whose verification is complete can receive donations.".into(),
            ));
        };
        let at = now();
        let inserted = diesel::insert_into(donations::table)
            .values((
                donations::organisation_id.eq(new.organisation_id),
                donations::donor_id.eq(new.donor_id),
                donations::amount_minor.eq(new.gift.money.amount_minor),
                donations::currency.eq(&new.gift.money.currency),
                donations::recurring.eq(new.gift.recurring),
                donations::anonymous.eq(new.gift.consent.anonymous),
                donations::share_contact.eq(new.gift.consent.share_contact),
                donations::message.eq(&new.gift.message),
                donations::status.eq(Status::Pending),
                donations::provider.eq(new.provider),
                donations::idempotency_key.eq(new.idempotency_key.as_ref().map(|k| k.as_str())),
                donations::request_hash.eq(&new.request_hash),
                donations::receipt_name.eq(&checked.name),
                donations::receipt_registration.eq(&checked.registration),
                donations::created_at.eq(at),
                donations::updated_at.eq(at),
            ))
            .returning(donations::id)
            .get_result(conn);
        match inserted {
            Ok(id) => Ok::<_, StoreError>(Some((id, true))),
            // The same key at the same moment from elsewhere: theirs won.
            Err(e) if super::Unique::DonationKey.violated_by(&e) => Ok(None),
            Err(other) => Err(other.into()),
        }
    });
    match attempt? {
        Some(done) => Ok(done),
        None => {
            let found = by_key(conn, new)?.ok_or(StoreError::Conflict(
                Code::IdempotencyConflict,
                "Another request with this Idempotency-Key is in progress: try again.".into(),
            ))?;
            Ok((found, false))
        }
    }
}

/// The identity the platform checked, as receipts print it.
pub struct CheckedIdentity {
    pub name: String,
    /// Registry and number, e.g. "RNA W751234567".
    pub registration: Option<String>,
}

/// The checked identity of an organisation that may receive gifts (`None` otherwise).
fn checked_identity(
    conn: &mut DbConnection,
    organisation_id: i64,
) -> QueryResult<Option<CheckedIdentity>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = organisations)]
    struct Checked {
        verification_status: verification::Status,
        name: String,
        verified_name: Option<String>,
        verified_registry: Option<String>,
        verified_registration_number: Option<String>,
    }
    let found: Option<Checked> = organisations::table
        .find(organisation_id)
        .select(Checked::as_select())
        .first(conn)
        .optional()?;
    Ok(found.and_then(|c| {
        c.verification_status
            .receives_gifts()
            .then(|| CheckedIdentity {
                name: c.verified_name.unwrap_or(c.name),
                registration: c
                    .verified_registry
                    .zip(c.verified_registration_number)
                    .map(|(r, n)| format!("{r} {n}")),
            })
    }))
}

fn by_key(conn: &mut DbConnection, new: &NewDonation) -> Result<Option<i64>, StoreError> {
    let Some(key) = &new.idempotency_key else {
        return Ok(None);
    };
    let found: Option<(i64, Option<String>)> = donations::table
        .filter(donations::donor_id.eq(new.donor_id))
        .filter(donations::idempotency_key.eq(key.as_str()))
        .select((donations::id, donations::request_hash))
        .first(conn)
        .optional()?;
    match found {
        None => Ok(None),
        Some((id, hash)) if hash.as_deref() == Some(new.request_hash.as_str()) => Ok(Some(id)),
        Some(_) => Err(StoreError::Invalid(vec![field_error(
            "Idempotency-Key",
            Code::IdempotencyKeyReused,
            "this key was used for another donation: use a new key for a new donation",
        )])),
    }
}

pub fn set_checkout(
    conn: &mut DbConnection,
    id: i64,
    checkout_id: &str,
    url: &str,
) -> QueryResult<()> {
    diesel::update(donations::table.find(id))
        .set((
            donations::provider_checkout_id.eq(checkout_id),
            donations::checkout_url.eq(url),
            donations::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// The donor as stored (gone once their account is deleted).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct DonorRow {
    #[diesel(column_name = display_name)]
    pub name: String,
    pub email: String,
}

/// A donation with what its views need.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = donations)]
pub struct Row {
    pub id: i64,
    pub organisation_id: i64,
    #[diesel(embed)]
    pub organisation: Brief,
    pub donor_id: Option<i64>,
    #[diesel(embed)]
    pub donor: Option<DonorRow>,
    pub amount_minor: i64,
    pub currency: String,
    pub recurring: Option<Recurrence>,
    pub status: Status,
    pub anonymous: bool,
    pub share_contact: bool,
    pub message: String,
    pub provider: Provider,
    pub provider_checkout_id: Option<String>,
    pub provider_subscription_id: Option<String>,
    pub checkout_url: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A payment received.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = donation_payments)]
pub struct PaymentRow {
    pub donation_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub status: PaymentStatus,
    pub receipt_number: String,
    pub paid_at: NaiveDateTime,
    /// The organisation's checked name and registration when the money came.
    pub receipt_name: String,
    pub receipt_registration: Option<String>,
}

macro_rules! rows {
    () => {
        donations::table
            .inner_join(organisations::table)
            .left_join(users::table.on(users::id.nullable().eq(donations::donor_id)))
            .select(Row::as_select())
    };
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Row>> {
    rows!().filter(donations::id.eq(id)).first(conn).optional()
}

/// Whose donations a list holds.
#[derive(Debug, Clone, Copy)]
pub enum Of {
    Donor(i64),
    Organisation(i64),
}

/// Newest first, keyset-paged: a donor's donations, or an organisation's.
pub fn list(
    conn: &mut DbConnection,
    of: Of,
    after: Option<KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<Row>> {
    let mut query = rows!()
        .order((donations::created_at.desc(), donations::id.desc()))
        .limit(limit + 1)
        .into_boxed();
    query = match of {
        Of::Donor(donor) => query.filter(donations::donor_id.eq(donor)),
        Of::Organisation(organisation) => query.filter(donations::organisation_id.eq(organisation)),
    };
    if let Some(after) = after {
        query = query.filter(
            donations::created_at
                .lt(after.created_at)
                .or(donations::created_at
                    .eq(after.created_at)
                    .and(donations::id.lt(after.id))),
        );
    }
    query.load(conn)
}

/// One payment.
pub fn payment(conn: &mut DbConnection, id: i64) -> QueryResult<Option<PaymentRow>> {
    donation_payments::table
        .find(id)
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()
}

pub fn payments(conn: &mut DbConnection, donation_ids: &[i64]) -> QueryResult<Vec<PaymentRow>> {
    donation_payments::table
        .filter(donation_payments::donation_id.eq_any(donation_ids))
        .order((donation_payments::paid_at, donation_payments::id))
        .select(PaymentRow::as_select())
        .load(conn)
}

/// What an organisation received in one currency.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Total {
    /// Test money (the sandbox), never added to real money.
    pub test: bool,
    pub currency: String,
    pub amount_minor: i64,
    pub payments: i64,
}

/// Succeeded payments per kind of money and currency.
pub fn totals(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<Vec<Total>> {
    #[derive(QueryableByName)]
    struct Summed {
        #[diesel(sql_type = diesel::sql_types::Text)]
        provider: Provider,
        #[diesel(sql_type = diesel::sql_types::Text)]
        currency: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        amount: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        payments: i64,
    }
    // Summed by the database, which reads only this organisation's donations (by index).
    let mut sql = super::sql::Sql::for_connection(conn);
    sql.push(
        "SELECT d.provider, p.currency, CAST(SUM(p.amount_minor) AS BIGINT) AS amount, \
         CAST(COUNT(*) AS BIGINT) AS payments FROM donations d \
         JOIN donation_payments p ON p.donation_id = d.id \
         WHERE d.organisation_id = ",
    )
    .int(organisation_id)
    .push(" AND p.status = ")
    .text(PaymentStatus::Succeeded.as_str())
    .push(" GROUP BY d.provider, p.currency ORDER BY d.provider, p.currency");
    let rows: Vec<Summed> = sql.load(conn)?;
    let mut totals: Vec<Total> = Vec::new();
    for row in rows {
        let test = row.provider.is_test();
        match totals
            .iter_mut()
            .find(|t| t.test == test && t.currency == row.currency)
        {
            Some(total) => {
                total.amount_minor += row.amount;
                total.payments += row.payments;
            }
            None => totals.push(Total {
                test,
                currency: row.currency,
                amount_minor: row.amount,
                payments: row.payments,
            }),
        }
    }
    totals.sort_by(|a, b| (a.test, &a.currency).cmp(&(b.test, &b.currency)));
    Ok(totals)
}

/// A donation locked for a transition: what events are judged against.
#[derive(Debug, Clone)]
struct Locked {
    id: i64,
    facts: Facts,
}

/// Locks the donation (a row lock on PostgreSQL; SQLite's write transaction already runs
/// alone) and reads what it is now. `None`: no donation of this provider has this id.
fn lock(conn: &mut DbConnection, provider: Provider, id: i64) -> QueryResult<Option<Locked>> {
    #[derive(Queryable)]
    struct Current {
        status: Status,
        recurring: Option<Recurrence>,
        amount_minor: i64,
        currency: String,
        checkout_id: Option<String>,
        subscription_id: Option<String>,
    }
    lock_row(conn, LockTable::Donations, id)?;
    let found: Option<Current> = donations::table
        .find(id)
        .filter(donations::provider.eq(provider))
        .select((
            donations::status,
            donations::recurring,
            donations::amount_minor,
            donations::currency,
            donations::provider_checkout_id,
            donations::provider_subscription_id,
        ))
        .first(conn)
        .optional()?;
    Ok(found.map(|current| Locked {
        id,
        facts: Facts {
            status: current.status,
            recurring: current.recurring.is_some(),
            money: Money {
                amount_minor: current.amount_minor,
                currency: current.currency,
            },
            checkout_id: current.checkout_id,
            subscription_id: current.subscription_id,
        },
    }))
}

fn lock_by_subscription(
    conn: &mut DbConnection,
    provider: Provider,
    subscription_id: &str,
) -> QueryResult<Option<Locked>> {
    let id: Option<i64> = donations::table
        .filter(donations::provider.eq(provider))
        .filter(donations::provider_subscription_id.eq(subscription_id))
        .select(donations::id)
        .first(conn)
        .optional()?;
    match id {
        Some(id) => lock(conn, provider, id),
        None => Ok(None),
    }
}

/// Moves a locked donation from the state it was read in to `next`. Conditional on that
/// state, so a change made outside the lock can never be overwritten.
fn transition(conn: &mut DbConnection, donation: &Locked, next: Status) -> Result<(), StoreError> {
    let moved = diesel::update(
        donations::table
            .find(donation.id)
            .filter(donations::status.eq(donation.facts.status)),
    )
    .set((donations::status.eq(next), donations::updated_at.eq(now())))
    .execute(conn)?;
    if moved == 1 {
        Ok(())
    } else {
        Err(StoreError::Internal(anyhow::anyhow!(
            "donation {} moved under its lock",
            donation.id
        )))
    }
}

/// What an event did, as recorded with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Judgement {
    pub outcome: EventOutcome,
    pub donation_id: Option<i64>,
    pub detail: &'static str,
}

impl Judgement {
    fn applied(donation: &Locked) -> Self {
        Self {
            outcome: EventOutcome::Applied,
            donation_id: Some(donation.id),
            detail: "",
        }
    }

    fn unchanged(donation: &Locked) -> Self {
        Self {
            outcome: EventOutcome::Unchanged,
            donation_id: Some(donation.id),
            detail: "",
        }
    }

    fn rejected(rejection: Rejection, donation: Option<&Locked>) -> Self {
        Self {
            outcome: EventOutcome::Rejected,
            donation_id: donation.map(|d| d.id),
            detail: rejection.as_str(),
        }
    }

    fn ignored() -> Self {
        Self {
            outcome: EventOutcome::Ignored,
            donation_id: None,
            detail: "",
        }
    }
}

/// Applies a provider event once: claims its id and applies it in one transaction.
/// `None` when the event had been received already.
pub fn apply(
    conn: &mut DbConnection,
    provider: Provider,
    event_id: &str,
    kind: &str,
    event: &ProviderEvent,
) -> Result<Option<Judgement>, StoreError> {
    let result = write_transaction(conn, |conn| {
        let claimed = payment_events::table
            .find((provider.as_str(), event_id))
            .count()
            .get_result::<i64>(conn)?;
        if claimed > 0 {
            return Ok(None);
        }
        diesel::insert_into(payment_events::table)
            .values((
                payment_events::provider.eq(provider.as_str()),
                payment_events::event_id.eq(event_id),
                payment_events::kind.eq(kind),
                payment_events::received_at.eq(now()),
            ))
            .execute(conn)?;
        let judgement = judge(conn, provider, event)?;
        diesel::update(payment_events::table.find((provider.as_str(), event_id)))
            .set((
                payment_events::outcome.eq(judgement.outcome),
                payment_events::detail.eq(judgement.detail),
                payment_events::donation_id.eq(judgement.donation_id),
            ))
            .execute(conn)?;
        Ok::<_, StoreError>(Some(judgement))
    });
    match result {
        Ok(judgement) => Ok(judgement),
        // The same event delivered at the same moment: the other delivery applied it. Any
        // other unique violation is a failure, which the provider's retry will meet again:
        // never an event dropped as if applied.
        Err(StoreError::Database(e)) if super::Unique::PaymentEvent.violated_by(&e) => Ok(None),
        Err(other) => Err(other),
    }
}

/// Judges an event against the donation it names and applies it if it fits.
fn judge(
    conn: &mut DbConnection,
    provider: Provider,
    event: &ProviderEvent,
) -> Result<Judgement, StoreError> {
    match event {
        ProviderEvent::CheckoutCompleted {
            donation_id,
            checkout_id,
            amount,
            subscription_id,
            payment,
        } => {
            let Some(donation) = lock(conn, provider, *donation_id)? else {
                return Ok(Judgement::rejected(Rejection::UnknownDonation, None));
            };
            let facts = &donation.facts;
            // A completed checkout says what was paid; a one-off one, with its payment.
            if amount.is_none() || (!facts.recurring && payment.is_none()) {
                return Ok(Judgement::rejected(Rejection::NoPayment, Some(&donation)));
            }
            let checked = facts
                .check_checkout(checkout_id, amount.as_ref())
                .and_then(|()| payment.as_ref().map_or(Ok(()), |p| facts.check_payment(p)))
                .and_then(|()| {
                    subscription_id
                        .as_deref()
                        .map_or(Ok(()), |s| facts.check_subscription(s))
                });
            if let Err(rejection) = checked {
                return Ok(Judgement::rejected(rejection, Some(&donation)));
            }
            if let Some(subscription_id) = subscription_id
                && subscription_of_another(conn, provider, subscription_id, donation.id)?
            {
                return Ok(Judgement::rejected(
                    Rejection::SubscriptionMismatch,
                    Some(&donation),
                ));
            }
            let target = if facts.recurring {
                Status::Active
            } else {
                Status::Succeeded
            };
            let Some(next) = facts.status.advance(target, facts.recurring) else {
                return Ok(Judgement::unchanged(&donation));
            };
            transition(conn, &donation, next)?;
            if let Some(subscription_id) = subscription_id {
                learn_subscription(conn, &donation, subscription_id)?;
            }
            if let Some(payment) = payment {
                record_payment(conn, &donation, provider, payment)?;
            }
            Ok(Judgement::applied(&donation))
        }
        ProviderEvent::CheckoutFailed {
            donation_id,
            checkout_id,
        } => checkout_ended(conn, provider, *donation_id, checkout_id, Status::Failed),
        ProviderEvent::CheckoutExpired {
            donation_id,
            checkout_id,
        } => checkout_ended(conn, provider, *donation_id, checkout_id, Status::Expired),
        ProviderEvent::PeriodPaid {
            subscription_id,
            donation_id,
            payment,
        } => {
            let Some(donation) = subscribed(conn, provider, subscription_id, *donation_id)? else {
                return Ok(Judgement::rejected(Rejection::UnknownDonation, None));
            };
            let facts = &donation.facts;
            let checked = facts
                .check_subscription(subscription_id)
                .and_then(|()| facts.check_payment(payment));
            if let Err(rejection) = checked {
                return Ok(Judgement::rejected(rejection, Some(&donation)));
            }
            // A period paid while the gift is active, or its first, which may come before
            // the checkout's own event: counted once.
            if !facts.recurring || !facts.status.takes_payment(true) {
                return Ok(Judgement::unchanged(&donation));
            }
            learn_subscription(conn, &donation, subscription_id)?;
            let counted = record_payment(conn, &donation, provider, payment)?;
            let moved = match facts.status.advance(Status::Active, true) {
                Some(next) => {
                    transition(conn, &donation, next)?;
                    true
                }
                None => false,
            };
            Ok(if counted || moved {
                Judgement::applied(&donation)
            } else {
                Judgement::unchanged(&donation)
            })
        }
        ProviderEvent::SubscriptionFailed {
            subscription_id,
            donation_id,
        } => {
            let Some(donation) = subscribed(conn, provider, subscription_id, *donation_id)? else {
                return Ok(Judgement::rejected(Rejection::UnknownDonation, None));
            };
            if let Err(rejection) = donation.facts.check_subscription(subscription_id) {
                return Ok(Judgement::rejected(rejection, Some(&donation)));
            }
            move_locked(conn, &donation, Status::Failed)
        }
        ProviderEvent::PeriodFailed {
            subscription_id,
            donation_id,
        } => {
            let Some(donation) = subscribed(conn, provider, subscription_id, *donation_id)? else {
                return Ok(Judgement::rejected(Rejection::UnknownDonation, None));
            };
            if let Err(rejection) = donation.facts.check_subscription(subscription_id) {
                return Ok(Judgement::rejected(rejection, Some(&donation)));
            }
            // Nothing changes until the provider gives up; a live gift's donor is told.
            if donation.facts.status == Status::Active {
                mail_donor(conn, &donation, Category::Recurring, |donation_id| {
                    Mail::RecurringFailed { donation_id }
                })?;
            }
            Ok(Judgement::unchanged(&donation))
        }
        ProviderEvent::SubscriptionCancelled { subscription_id } => {
            match lock_by_subscription(conn, provider, subscription_id)? {
                Some(donation) => move_locked(conn, &donation, Status::Cancelled),
                None => Ok(Judgement::rejected(Rejection::UnknownDonation, None)),
            }
        }
        ProviderEvent::Refunded { payment_refs } => refund(conn, provider, payment_refs),
        ProviderEvent::Ignored => Ok(Judgement::ignored()),
    }
}

/// The donation of a subscription; before the checkout's event has told it, the donation
/// the event names, if it has no subscription yet.
fn subscribed(
    conn: &mut DbConnection,
    provider: Provider,
    subscription_id: &str,
    donation_id: Option<i64>,
) -> QueryResult<Option<Locked>> {
    if let Some(found) = lock_by_subscription(conn, provider, subscription_id)? {
        return Ok(Some(found));
    }
    match donation_id {
        Some(id) => lock(conn, provider, id),
        None => Ok(None),
    }
}

fn checkout_ended(
    conn: &mut DbConnection,
    provider: Provider,
    donation_id: i64,
    checkout_id: &str,
    next: Status,
) -> Result<Judgement, StoreError> {
    let Some(donation) = lock(conn, provider, donation_id)? else {
        return Ok(Judgement::rejected(Rejection::UnknownDonation, None));
    };
    if let Err(rejection) = donation.facts.check_checkout(checkout_id, None) {
        return Ok(Judgement::rejected(rejection, Some(&donation)));
    }
    move_locked(conn, &donation, next)
}

/// Moves a locked donation to `next` if that is forward on its path.
fn move_locked(
    conn: &mut DbConnection,
    donation: &Locked,
    next: Status,
) -> Result<Judgement, StoreError> {
    match donation
        .facts
        .status
        .advance(next, donation.facts.recurring)
    {
        Some(next) => {
            transition(conn, donation, next)?;
            Ok(Judgement::applied(donation))
        }
        None => Ok(Judgement::unchanged(donation)),
    }
}

/// Whether another donation of this provider already has this subscription.
fn subscription_of_another(
    conn: &mut DbConnection,
    provider: Provider,
    subscription_id: &str,
    donation_id: i64,
) -> QueryResult<bool> {
    let owner: Option<i64> = donations::table
        .filter(donations::provider.eq(provider))
        .filter(donations::provider_subscription_id.eq(subscription_id))
        .select(donations::id)
        .first(conn)
        .optional()?;
    Ok(owner.is_some_and(|id| id != donation_id))
}

/// The donation learns its subscription (checked not to be another one before).
fn learn_subscription(
    conn: &mut DbConnection,
    donation: &Locked,
    subscription_id: &str,
) -> QueryResult<()> {
    if donation.facts.subscription_id.is_none() {
        diesel::update(donations::table.find(donation.id))
            .set(donations::provider_subscription_id.eq(subscription_id))
            .execute(conn)?;
    }
    Ok(())
}

fn refund(
    conn: &mut DbConnection,
    provider: Provider,
    payment_refs: &[String],
) -> Result<Judgement, StoreError> {
    let payment: Option<(i64, i64)> = donation_payments::table
        .filter(
            donation_payments::provider_payment_id
                .eq_any(payment_refs)
                .or(donation_payments::provider_intent_id.eq_any(payment_refs)),
        )
        .select((donation_payments::id, donation_payments::donation_id))
        .first(conn)
        .optional()?;
    let Some((payment_id, donation_id)) = payment else {
        return Ok(Judgement::rejected(Rejection::UnknownDonation, None));
    };
    let Some(donation) = lock(conn, provider, donation_id)? else {
        return Ok(Judgement::rejected(Rejection::UnknownDonation, None));
    };
    let refunded = diesel::update(
        donation_payments::table
            .find(payment_id)
            .filter(donation_payments::status.eq(PaymentStatus::Succeeded)),
    )
    .set(donation_payments::status.eq(PaymentStatus::Refunded))
    .execute(conn)?;
    // A one-off gift refunded is refunded; a period of a recurring one is uncounted while
    // the gift goes on.
    let moved = match donation
        .facts
        .status
        .advance(Status::Refunded, donation.facts.recurring)
    {
        Some(next) => {
            transition(conn, &donation, next)?;
            true
        }
        None => false,
    };
    Ok(if refunded > 0 || moved {
        Judgement::applied(&donation)
    } else {
        Judgement::unchanged(&donation)
    })
}

/// Records a payment unless the provider's id of it is known already (answers whether it
/// was new). The receipt keeps the organisation's checked identity as it is now.
fn record_payment(
    conn: &mut DbConnection,
    donation: &Locked,
    provider: Provider,
    payment: &PaymentIn,
) -> QueryResult<bool> {
    let known = donation_payments::table
        .filter(donation_payments::provider_payment_id.eq(&payment.provider_payment_id))
        .count()
        .get_result::<i64>(conn)?;
    if known > 0 {
        return Ok(false);
    }
    // The identity the gift was made to, as the platform had checked it.
    let (name, registration): (String, Option<String>) = donations::table
        .find(donation.id)
        .select((donations::receipt_name, donations::receipt_registration))
        .first(conn)?;
    let at = now();
    let id: i64 = diesel::insert_into(donation_payments::table)
        .values((
            donation_payments::donation_id.eq(donation.id),
            donation_payments::provider_payment_id.eq(&payment.provider_payment_id),
            donation_payments::provider_intent_id.eq(&payment.intent_id),
            donation_payments::amount_minor.eq(payment.money.amount_minor),
            donation_payments::currency.eq(&payment.money.currency),
            donation_payments::status.eq(PaymentStatus::Succeeded),
            // Unique placeholder until the id is known: the number is made from it.
            donation_payments::receipt_number
                .eq(format!("pending-{}", payment.provider_payment_id)),
            donation_payments::receipt_name.eq(name),
            donation_payments::receipt_registration.eq(registration),
            donation_payments::paid_at.eq(at),
        ))
        .returning(donation_payments::id)
        .get_result(conn)?;
    diesel::update(donation_payments::table.find(id))
        .set(donation_payments::receipt_number.eq(receipt_number(
            at.year(),
            id,
            provider.is_test(),
        )))
        .execute(conn)?;
    mail_receipt(conn, donation, id)?;
    Ok(true)
}

/// The donor (if the account still exists) is sent the receipt of a payment, in this
/// transaction, if they want it at once: a one-off gift's as a receipt, a period of a
/// recurring one as a charge.
fn mail_receipt(conn: &mut DbConnection, donation: &Locked, payment_id: i64) -> QueryResult<()> {
    let category = if donation.facts.recurring {
        Category::Recurring
    } else {
        Category::Receipts
    };
    mail_donor(conn, donation, category, |_| Mail::Receipt { payment_id })
}

/// Queues `mail` (made from the donation's id) to the donor, in this transaction, if the
/// account still exists and wants `category` at once.
fn mail_donor(
    conn: &mut DbConnection,
    donation: &Locked,
    category: Category,
    mail: impl FnOnce(i64) -> Mail,
) -> QueryResult<()> {
    let donor: Option<i64> = donations::table
        .find(donation.id)
        .select(donations::donor_id)
        .first(conn)?;
    let Some(donor) = donor else {
        return Ok(());
    };
    if super::mail_preferences::delivery(conn, donor, category)? == Delivery::Immediately {
        super::jobs::enqueue(conn, &Job::Mail(mail(donation.id)), None)?;
    }
    Ok(())
}

/// A recurring gift its donor stops: locked, and moved only if it is still live.
/// Answers whether it moved.
pub fn cancel(conn: &mut DbConnection, provider: Provider, id: i64) -> Result<bool, StoreError> {
    write_transaction(conn, |conn| {
        let Some(donation) = lock(conn, provider, id)? else {
            return Ok(false);
        };
        Ok(move_locked(conn, &donation, Status::Cancelled)?.outcome == EventOutcome::Applied)
    })
}

/// A pending donation to reconcile.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = donations)]
pub struct StaleRow {
    pub id: i64,
    pub provider: Provider,
    #[diesel(column_name = provider_checkout_id)]
    pub checkout_id: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Pending donations older than `before`, for reconciliation.
pub fn stale_pending(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<Vec<StaleRow>> {
    donations::table
        .filter(donations::status.eq(Status::Pending))
        .filter(donations::created_at.lt(before))
        .select(StaleRow::as_select())
        .load(conn)
}

/// A recurring gift that still runs (or may start), which ending an account must stop.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = donations)]
pub struct LiveRecurring {
    pub id: i64,
    pub status: Status,
    pub provider: Provider,
    #[diesel(column_name = provider_checkout_id)]
    pub checkout_id: Option<String>,
    #[diesel(column_name = provider_subscription_id)]
    pub subscription_id: Option<String>,
}

/// A donor's, or an organisation's, recurring gifts that are pending or active.
pub fn live_recurring(conn: &mut DbConnection, of: Of) -> QueryResult<Vec<LiveRecurring>> {
    let query = donations::table
        .filter(donations::recurring.is_not_null())
        .into_boxed();
    let query = match of {
        Of::Donor(donor) => query.filter(donations::donor_id.eq(donor)),
        Of::Organisation(organisation) => query.filter(donations::organisation_id.eq(organisation)),
    };
    query
        .filter(donations::status.eq_any([Status::Pending, Status::Active]))
        .select(LiveRecurring::as_select())
        .load(conn)
}

/// A provider event as recorded (for tests and support).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_events)]
pub struct EventRow {
    pub event_id: String,
    pub kind: String,
    pub outcome: EventOutcome,
    pub detail: String,
    pub donation_id: Option<i64>,
}

pub fn events(conn: &mut DbConnection, provider: Provider) -> QueryResult<Vec<EventRow>> {
    payment_events::table
        .filter(payment_events::provider.eq(provider.as_str()))
        .order(payment_events::received_at)
        .select(EventRow::as_select())
        .load(conn)
}
