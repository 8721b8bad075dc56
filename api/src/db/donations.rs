//! Donations and payments. A pending donation is committed before any provider is called;
//! each provider event is claimed (`payment_events`) in the same transaction that applies
//! it, so a repeated delivery changes nothing; payments are unique by the provider's id.

use chrono::{Datelike, NaiveDateTime};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::schema::{donation_payments, donations, organisations, payment_events, users};
use super::{DbConnection, now, write_transaction};
use crate::domain::donations::{Status, receipt_number};
use crate::domain::pagination::KeysetAfter;
use crate::domain::text::field_error;
use crate::error::ApiError;

/// A validated gift.
#[derive(Debug, Clone)]
pub struct NewDonation {
    pub organisation_id: i64,
    pub donor_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub recurring: Option<&'static str>,
    pub anonymous: bool,
    pub share_contact: bool,
    pub message: String,
    pub provider: &'static str,
    pub idempotency_key: Option<String>,
    pub request_hash: String,
}

/// Records a pending donation; with an idempotency key already used by this donor, answers
/// the donation it made (same request) or refuses (another request): (id, created now).
pub fn create_pending(conn: &mut DbConnection, new: &NewDonation) -> Result<(i64, bool), ApiError> {
    let attempt = write_transaction(conn, |conn| {
        if let Some(found) = by_key(conn, new)? {
            return Ok((found, false));
        }
        let at = now();
        let id = diesel::insert_into(donations::table)
            .values((
                donations::organisation_id.eq(new.organisation_id),
                donations::donor_id.eq(new.donor_id),
                donations::amount_minor.eq(new.amount_minor),
                donations::currency.eq(&new.currency),
                donations::recurring.eq(new.recurring),
                donations::anonymous.eq(new.anonymous),
                donations::share_contact.eq(new.share_contact),
                donations::message.eq(&new.message),
                donations::status.eq(Status::Pending.as_str()),
                donations::provider.eq(new.provider),
                donations::idempotency_key.eq(&new.idempotency_key),
                donations::request_hash.eq(&new.request_hash),
                donations::created_at.eq(at),
                donations::updated_at.eq(at),
            ))
            .returning(donations::id)
            .get_result(conn)
            .map_err(|e| match e {
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    ApiError::Conflict("idempotency_race", String::new())
                }
                other => other.into(),
            })?;
        Ok::<_, ApiError>((id, true))
    });
    match attempt {
        // The same key at the same moment from elsewhere: theirs won; answer it.
        Err(ApiError::Conflict("idempotency_race", _)) => {
            let found = by_key(conn, new)?.ok_or(ApiError::Conflict(
                "idempotency_conflict",
                "Another request with this Idempotency-Key is in progress: try again.".into(),
            ))?;
            Ok((found, false))
        }
        other => other,
    }
}

fn by_key(conn: &mut DbConnection, new: &NewDonation) -> Result<Option<i64>, ApiError> {
    let Some(key) = &new.idempotency_key else {
        return Ok(None);
    };
    let found: Option<(i64, Option<String>)> = donations::table
        .filter(donations::donor_id.eq(new.donor_id))
        .filter(donations::idempotency_key.eq(key))
        .select((donations::id, donations::request_hash))
        .first(conn)
        .optional()?;
    match found {
        None => Ok(None),
        Some((id, hash)) if hash.as_deref() == Some(new.request_hash.as_str()) => Ok(Some(id)),
        Some(_) => Err(ApiError::Validation(vec![field_error(
            "Idempotency-Key",
            "idempotency_key_reused",
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

/// A donation with what its views need.
#[derive(Debug, Clone, Queryable)]
pub struct Row {
    pub id: i64,
    pub organisation_id: i64,
    pub organisation: (String, String, Option<String>, String),
    pub donor_id: Option<i64>,
    pub donor: Option<(String, String)>,
    pub amount_minor: i64,
    pub currency: String,
    pub recurring: Option<String>,
    pub status: String,
    pub anonymous: bool,
    pub share_contact: bool,
    pub message: String,
    pub provider: String,
    pub provider_checkout_id: Option<String>,
    pub provider_subscription_id: Option<String>,
    pub checkout_url: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A payment: (donation id, amount, currency, status, receipt number, paid at).
pub type PaymentRow = (i64, i64, String, String, String, NaiveDateTime);

macro_rules! rows {
    () => {
        donations::table
            .inner_join(organisations::table)
            .left_join(users::table.on(users::id.nullable().eq(donations::donor_id)))
            .select((
                donations::id,
                donations::organisation_id,
                (
                    organisations::slug,
                    organisations::name,
                    organisations::logo_url,
                    organisations::verification_status,
                ),
                donations::donor_id,
                (users::display_name, users::email).nullable(),
                donations::amount_minor,
                donations::currency,
                donations::recurring,
                donations::status,
                donations::anonymous,
                donations::share_contact,
                donations::message,
                donations::provider,
                donations::provider_checkout_id,
                donations::provider_subscription_id,
                donations::checkout_url,
                donations::created_at,
            ))
    };
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<Row>> {
    rows!().filter(donations::id.eq(id)).first(conn).optional()
}

/// Newest first, keyset-paged: a donor's donations, or an organisation's.
pub fn list(
    conn: &mut DbConnection,
    donor: Option<i64>,
    organisation: Option<i64>,
    after: Option<KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<Row>> {
    let mut query = rows!()
        .order((donations::created_at.desc(), donations::id.desc()))
        .limit(limit + 1)
        .into_boxed();
    if let Some(donor) = donor {
        query = query.filter(donations::donor_id.eq(donor));
    }
    if let Some(organisation) = organisation {
        query = query.filter(donations::organisation_id.eq(organisation));
    }
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

pub fn payments(conn: &mut DbConnection, donation_ids: &[i64]) -> QueryResult<Vec<PaymentRow>> {
    donation_payments::table
        .filter(donation_payments::donation_id.eq_any(donation_ids))
        .order((donation_payments::paid_at, donation_payments::id))
        .select((
            donation_payments::donation_id,
            donation_payments::amount_minor,
            donation_payments::currency,
            donation_payments::status,
            donation_payments::receipt_number,
            donation_payments::paid_at,
        ))
        .load(conn)
}

/// Succeeded payments per currency: (currency, total, count).
pub fn totals(
    conn: &mut DbConnection,
    organisation_id: i64,
) -> QueryResult<Vec<(String, i64, i64)>> {
    #[derive(QueryableByName)]
    struct Total {
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
        "SELECT p.currency, CAST(SUM(p.amount_minor) AS BIGINT) AS amount, \
         CAST(COUNT(*) AS BIGINT) AS payments FROM donations d \
         JOIN donation_payments p ON p.donation_id = d.id \
         WHERE d.organisation_id = ",
    )
    .int(organisation_id)
    .push(" AND p.status = 'succeeded' GROUP BY p.currency ORDER BY p.currency");
    let rows: Vec<Total> = sql.load(conn)?;
    Ok(rows
        .into_iter()
        .map(|t| (t.currency, t.amount, t.payments))
        .collect())
}

/// What a provider event does, in our terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The checkout of a donation ended: paid (one-off: with its payment; recurring: with
    /// its subscription, the payments come as `PaymentSucceeded`), failed or expired.
    CheckoutCompleted {
        donation_id: i64,
        subscription_id: Option<String>,
        payment: Option<PaymentIn>,
    },
    CheckoutFailed {
        donation_id: i64,
    },
    CheckoutExpired {
        donation_id: i64,
    },
    /// A period of a subscription was paid. The invoice may come before the checkout's
    /// own event, so it names the donation too when it can.
    PaymentSucceeded {
        subscription_id: String,
        donation_id: Option<i64>,
        payment: PaymentIn,
    },
    /// The first period of a subscription could not be paid.
    SubscriptionFailed {
        subscription_id: String,
        donation_id: Option<i64>,
    },
    SubscriptionCancelled {
        subscription_id: String,
    },
    /// Fully refunded: by the provider's id of the payment (PaymentIntent or invoice).
    Refunded {
        provider_payment_id: String,
    },
    /// Nothing we act on.
    Ignored,
}

#[derive(Debug, Clone, PartialEq)]
pub struct PaymentIn {
    pub provider_payment_id: String,
    pub amount_minor: i64,
    pub currency: String,
}

/// Applies a provider event once: claims its id and applies its effect in one
/// transaction. Answers false when the event had already been applied.
pub fn apply(
    conn: &mut DbConnection,
    provider: &str,
    event_id: &str,
    kind: &str,
    effect: &Effect,
) -> Result<bool, ApiError> {
    let result = write_transaction(conn, |conn| {
        let claimed = payment_events::table
            .find((provider, event_id))
            .count()
            .get_result::<i64>(conn)?;
        if claimed > 0 {
            return Ok(false);
        }
        diesel::insert_into(payment_events::table)
            .values((
                payment_events::provider.eq(provider),
                payment_events::event_id.eq(event_id),
                payment_events::kind.eq(kind),
                payment_events::received_at.eq(now()),
            ))
            .execute(conn)
            .map_err(|e| match e {
                DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                    ApiError::Conflict("event_claimed", String::new())
                }
                other => other.into(),
            })?;
        apply_effect(conn, provider, effect)?;
        Ok::<_, ApiError>(true)
    });
    match result {
        // The same event delivered at the same moment: the other delivery applied it.
        Err(ApiError::Conflict("event_claimed", _)) => Ok(false),
        other => other,
    }
}

fn apply_effect(conn: &mut DbConnection, provider: &str, effect: &Effect) -> Result<(), ApiError> {
    match effect {
        Effect::CheckoutCompleted {
            donation_id,
            subscription_id,
            payment,
        } => {
            let Some((status, recurring)) = state(conn, *donation_id)? else {
                return Ok(());
            };
            let next = if recurring {
                Status::Active
            } else {
                Status::Succeeded
            };
            if let Some(next) = status.advance(next, recurring) {
                diesel::update(donations::table.find(donation_id))
                    .set((
                        donations::status.eq(next.as_str()),
                        donations::provider_subscription_id.eq(subscription_id),
                        donations::updated_at.eq(now()),
                    ))
                    .execute(conn)?;
                if let Some(payment) = payment {
                    record_payment(conn, *donation_id, payment)?;
                }
            }
        }
        Effect::CheckoutFailed { donation_id } => move_to(conn, *donation_id, Status::Failed)?,
        Effect::CheckoutExpired { donation_id } => move_to(conn, *donation_id, Status::Expired)?,
        Effect::PaymentSucceeded {
            subscription_id,
            donation_id,
            payment,
        } => {
            let found = match by_subscription(conn, provider, subscription_id)? {
                Some(id) => Some(id),
                None => match donation_id {
                    // The invoice came first: the donation learns its subscription now.
                    Some(id) => {
                        let updated = diesel::update(
                            donations::table
                                .find(id)
                                .filter(donations::provider.eq(provider))
                                .filter(donations::provider_subscription_id.is_null()),
                        )
                        .set(donations::provider_subscription_id.eq(subscription_id))
                        .execute(conn)?;
                        (updated > 0).then_some(*id)
                    }
                    None => None,
                },
            };
            if let Some(id) = found {
                let status: String = donations::table
                    .find(id)
                    .select(donations::status)
                    .first(conn)?;
                // A period paid while the donation is active, or its first, which may come
                // before the checkout's own event: counted once.
                if matches!(
                    Status::parse(&status),
                    Some(Status::Active | Status::Pending)
                ) {
                    record_payment(conn, id, payment)?;
                    move_to(conn, id, Status::Active)?;
                }
            }
        }
        Effect::SubscriptionCancelled { subscription_id } => {
            if let Some(id) = by_subscription(conn, provider, subscription_id)? {
                move_to(conn, id, Status::Cancelled)?;
            }
        }
        Effect::SubscriptionFailed {
            subscription_id,
            donation_id,
        } => {
            let found = match by_subscription(conn, provider, subscription_id)? {
                Some(id) => Some(id),
                // Before the checkout's event: the donation, if it is this provider's.
                None => match donation_id {
                    Some(id) => donations::table
                        .find(id)
                        .filter(donations::provider.eq(provider))
                        .select(donations::id)
                        .first(conn)
                        .optional()?,
                    None => None,
                },
            };
            if let Some(id) = found {
                move_to(conn, id, Status::Failed)?;
            }
        }
        Effect::Refunded {
            provider_payment_id,
        } => {
            let payment: Option<(i64, i64)> = donation_payments::table
                .filter(donation_payments::provider_payment_id.eq(provider_payment_id))
                .select((donation_payments::id, donation_payments::donation_id))
                .first(conn)
                .optional()?;
            if let Some((payment_id, donation_id)) = payment {
                diesel::update(donation_payments::table.find(payment_id))
                    .set(donation_payments::status.eq("refunded"))
                    .execute(conn)?;
                move_to(conn, donation_id, Status::Refunded)?;
            }
        }
        Effect::Ignored => {}
    }
    Ok(())
}

fn by_subscription(
    conn: &mut DbConnection,
    provider: &str,
    subscription_id: &str,
) -> QueryResult<Option<i64>> {
    donations::table
        .filter(donations::provider.eq(provider))
        .filter(donations::provider_subscription_id.eq(subscription_id))
        .select(donations::id)
        .first(conn)
        .optional()
}

fn state(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(Status, bool)>> {
    let found: Option<(String, Option<String>)> = donations::table
        .find(id)
        .select((donations::status, donations::recurring))
        .first(conn)
        .optional()?;
    Ok(found.and_then(|(status, recurring)| Some((Status::parse(&status)?, recurring.is_some()))))
}

/// Moves a donation to `next` if that is forward on its path; otherwise nothing.
pub fn move_to(conn: &mut DbConnection, id: i64, next: Status) -> QueryResult<()> {
    if let Some((status, recurring)) = state(conn, id)?
        && let Some(next) = status.advance(next, recurring)
    {
        diesel::update(donations::table.find(id))
            .set((
                donations::status.eq(next.as_str()),
                donations::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Records a payment unless the provider's id of it is known already.
fn record_payment(
    conn: &mut DbConnection,
    donation_id: i64,
    payment: &PaymentIn,
) -> QueryResult<()> {
    let known = donation_payments::table
        .filter(donation_payments::provider_payment_id.eq(&payment.provider_payment_id))
        .count()
        .get_result::<i64>(conn)?;
    if known > 0 {
        return Ok(());
    }
    let at = now();
    let id: i64 = diesel::insert_into(donation_payments::table)
        .values((
            donation_payments::donation_id.eq(donation_id),
            donation_payments::provider_payment_id.eq(&payment.provider_payment_id),
            donation_payments::amount_minor.eq(payment.amount_minor),
            donation_payments::currency.eq(&payment.currency),
            donation_payments::status.eq("succeeded"),
            // Unique placeholder until the id is known: the number is made from it.
            donation_payments::receipt_number
                .eq(format!("pending-{}", payment.provider_payment_id)),
            donation_payments::paid_at.eq(at),
        ))
        .returning(donation_payments::id)
        .get_result(conn)?;
    diesel::update(donation_payments::table.find(id))
        .set(donation_payments::receipt_number.eq(receipt_number(at.year(), id)))
        .execute(conn)?;
    Ok(())
}

/// A pending donation to reconcile: (id, provider, checkout id, created at).
pub type StaleRow = (i64, String, Option<String>, NaiveDateTime);

/// Pending donations older than `before`, for reconciliation.
pub fn stale_pending(conn: &mut DbConnection, before: NaiveDateTime) -> QueryResult<Vec<StaleRow>> {
    donations::table
        .filter(donations::status.eq(Status::Pending.as_str()))
        .filter(donations::created_at.lt(before))
        .select((
            donations::id,
            donations::provider,
            donations::provider_checkout_id,
            donations::created_at,
        ))
        .load(conn)
}
