//! Verification records: every decision and request kept, the current status on the
//! organisation.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{organisation_verifications, organisations};
use super::{DbConnection, now, write_transaction};
use crate::domain::verification::{Authority, Status};
use crate::error::ApiError;

#[derive(Debug, Clone, Queryable)]
pub struct Record {
    pub status: String,
    pub registry: Option<String>,
    pub registration_number: Option<String>,
    pub note: String,
    /// `platform` or `organisation`.
    pub decided_as: String,
    pub created_at: NaiveDateTime,
}

/// The current status and the history, newest first.
pub fn history(
    conn: &mut DbConnection,
    organisation_id: i64,
) -> QueryResult<(String, Vec<Record>)> {
    let status = organisations::table
        .find(organisation_id)
        .select(organisations::verification_status)
        .first(conn)?;
    let records = organisation_verifications::table
        .filter(organisation_verifications::organisation_id.eq(organisation_id))
        .order((
            organisation_verifications::created_at.desc(),
            organisation_verifications::id.desc(),
        ))
        .select((
            organisation_verifications::status,
            organisation_verifications::registry,
            organisation_verifications::registration_number,
            organisation_verifications::note,
            organisation_verifications::decided_as,
            organisation_verifications::created_at,
        ))
        .load(conn)?;
    Ok((status, records))
}

/// What a decision or request records.
pub struct Decision {
    pub status: Status,
    pub registration: Option<(String, String)>,
    pub note: String,
}

/// Records a decision (platform) or a request for review (owners), if the current status
/// allows it; answers the status now.
pub fn decide(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: Option<i64>,
    authority: Authority,
    decision: Decision,
) -> Result<(), ApiError> {
    write_transaction(conn, |conn| {
        // On PostgreSQL, a row lock: two requests at once see each other's result.
        super::organisations::lock_organisation(conn, organisation_id)?;
        let current: String = organisations::table
            .find(organisation_id)
            .select(organisations::verification_status)
            .first(conn)?;
        let current = Status::parse(&current).unwrap_or(Status::Unverified);
        authority.may_set(current, decision.status)?;
        let (registry, number) = match decision.registration {
            Some((registry, number)) => (Some(registry), Some(number)),
            None => organisations::table
                .find(organisation_id)
                .select((organisations::registry, organisations::registration_number))
                .first(conn)?,
        };
        if decision.status == Status::Verified && (registry.is_none() || number.is_none()) {
            return Err(ApiError::Validation(vec![
                crate::domain::text::field_error(
                    "registration",
                    "required",
                    "verifying needs the registration checked: give it, or set it on the profile",
                ),
            ]));
        }
        let at = now();
        diesel::insert_into(organisation_verifications::table)
            .values((
                organisation_verifications::organisation_id.eq(organisation_id),
                organisation_verifications::status.eq(decision.status.as_str()),
                organisation_verifications::registry.eq(registry),
                organisation_verifications::registration_number.eq(number),
                organisation_verifications::note.eq(&decision.note),
                organisation_verifications::decided_as.eq(authority.as_str()),
                organisation_verifications::decided_by.eq(actor_id),
                organisation_verifications::created_at.eq(at),
            ))
            .execute(conn)?;
        diesel::update(organisations::table.find(organisation_id))
            .set(organisations::verification_status.eq(decision.status.as_str()))
            .execute(conn)?;
        Ok(())
    })
}
