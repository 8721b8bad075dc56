//! Verification records: every decision and request kept, the current status on the
//! organisation, and the identity a verification checked (`verified_*`), against which
//! every later change of the profile is held.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use ensemble_wire::Code;

use super::error::StoreError;
use super::schema::{organisation_members, organisation_verifications, organisations};
use super::{DbConnection, notifications, now, write_transaction};
use crate::domain::organisations::Role;
use crate::domain::verification::{Authority, Decision, Identity, Status};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisation_verifications)]
pub struct Record {
    pub status: Status,
    pub registry: Option<String>,
    pub registration_number: Option<String>,
    pub note: String,
    pub decided_as: Authority,
    pub created_at: NaiveDateTime,
}

/// The current status and the history, newest first.
pub fn history(
    conn: &mut DbConnection,
    organisation_id: i64,
) -> QueryResult<(Status, Vec<Record>)> {
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
        .select(Record::as_select())
        .load(conn)?;
    Ok((status, records))
}

fn identity_changed() -> StoreError {
    StoreError::Conflict(
        Code::IdentityChanged,
        "The organisation's name, registration or website changed since the review was asked for: look at it again.".into(),
    )
}

/// The identity of the last entry, if it is a request for review (the identity the
/// reviewer was asked to check).
fn requested_identity(
    conn: &mut DbConnection,
    organisation_id: i64,
) -> QueryResult<Option<Identity>> {
    #[derive(Queryable, Selectable)]
    #[diesel(table_name = organisation_verifications)]
    struct Entry {
        status: Status,
        name: Option<String>,
        registry: Option<String>,
        registration_number: Option<String>,
        website: Option<String>,
    }
    let last: Option<Entry> = organisation_verifications::table
        .filter(organisation_verifications::organisation_id.eq(organisation_id))
        .order((
            organisation_verifications::created_at.desc(),
            organisation_verifications::id.desc(),
        ))
        .select(Entry::as_select())
        .first(conn)
        .optional()?;
    Ok(last.and_then(|entry| match (entry.status, entry.name) {
        (Status::Pending, Some(name)) => Some(Identity {
            name,
            registry: entry.registry,
            registration_number: entry.registration_number,
            website: entry.website,
        }),
        _ => None,
    }))
}

/// The organisation's identity as its profile shows it now.
pub fn identity(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<Identity> {
    let (name, registry, registration_number, website) = organisations::table
        .find(organisation_id)
        .select((
            organisations::name,
            organisations::registry,
            organisations::registration_number,
            organisations::website,
        ))
        .first(conn)?;
    Ok(Identity {
        name,
        registry,
        registration_number,
        website,
    })
}

/// The identity the last verification checked (`None` unless verified).
fn checked_identity(
    conn: &mut DbConnection,
    organisation_id: i64,
) -> QueryResult<Option<Identity>> {
    let (name, registry, registration_number, website): (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = organisations::table
        .find(organisation_id)
        .select((
            organisations::verified_name,
            organisations::verified_registry,
            organisations::verified_registration_number,
            organisations::verified_website,
        ))
        .first(conn)?;
    Ok(name.map(|name| Identity {
        name,
        registry,
        registration_number,
        website,
    }))
}

/// Records a decision (platform) or a request for review (owners), if the current status
/// allows it. Verifying keeps the identity checked: the profile's name and website, and
/// the registration given (written to the profile too) or the profile's own.
pub fn decide(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: Option<i64>,
    authority: Authority,
    decision: Decision,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        // On PostgreSQL, a row lock: two requests at once see each other's result.
        super::organisations::lock_organisation(conn, organisation_id)?;
        let current: Status = organisations::table
            .find(organisation_id)
            .select(organisations::verification_status)
            .first(conn)?;
        authority.may_set(current, decision.status)?;
        let mut identity = identity(conn, organisation_id)?;
        if decision.status == Status::Verified {
            // What is verified is what was checked: the name the decider says they checked,
            // and the identity the review was asked for (a rename while under review is
            // not verified blind).
            if decision
                .name
                .as_ref()
                .is_some_and(|name| *name != identity.name)
            {
                return Err(identity_changed());
            }
            if let Some(requested) = requested_identity(conn, organisation_id)? {
                let registration_changed = decision.registration.is_none()
                    && (requested.registry != identity.registry
                        || requested.registration_number != identity.registration_number);
                if requested.name != identity.name
                    || requested.website != identity.website
                    || registration_changed
                {
                    return Err(identity_changed());
                }
            }
        }
        if let Some((registry, number)) = decision.registration {
            identity.registry = Some(registry);
            identity.registration_number = Some(number);
        }
        if decision.status == Status::Verified
            && (identity.registry.is_none() || identity.registration_number.is_none())
        {
            return Err(StoreError::Invalid(vec![crate::domain::text::field_error(
                "registration",
                Code::Required,
                "verifying needs the registration checked: give it, or set it on the profile",
            )]));
        }
        record(
            conn,
            organisation_id,
            decision.status,
            &identity,
            &decision.note,
            authority,
            actor_id,
        )?;
        // The platform's decisions, by someone (the demo's, made by nobody, are not).
        if authority == Authority::Platform && actor_id.is_some() {
            let reason = if decision.note.trim().is_empty() {
                decision.status.as_str().to_owned()
            } else {
                format!("{}: {}", decision.status, decision.note)
            };
            super::moderation::log_decision(
                conn,
                actor_id,
                crate::domain::moderation::Action::Verification,
                crate::domain::moderation::ItemKind::Organisation,
                organisation_id,
                &reason,
                serde_json::json!({
                    "text": identity.name,
                    "standing": { "verification_status": current.as_str() },
                }),
            )?;
        }
        let checked = (decision.status == Status::Verified).then_some(&identity);
        diesel::update(organisations::table.find(organisation_id))
            .set((
                organisations::verification_status.eq(decision.status),
                organisations::registry.eq(&identity.registry),
                organisations::registration_number.eq(&identity.registration_number),
                organisations::verified_name.eq(checked.map(|i| &i.name)),
                organisations::verified_registry.eq(checked.and_then(|i| i.registry.as_ref())),
                organisations::verified_registration_number
                    .eq(checked.and_then(|i| i.registration_number.as_ref())),
                organisations::verified_website.eq(checked.and_then(|i| i.website.as_ref())),
            ))
            .execute(conn)?;
        // The owners hear of the platform's decision (each as they chose to); the demo's
        // decisions, made by nobody, are news to nobody.
        let told = match (authority, decision.status) {
            (Authority::Platform, Status::Verified) => {
                Some(notifications::Kind::VerificationApproved)
            }
            (Authority::Platform, Status::Rejected | Status::Revoked) => {
                Some(notifications::Kind::VerificationRejected)
            }
            _ => None,
        };
        if let (Some(kind), Some(actor_id)) = (told, actor_id) {
            notify_owners(conn, organisation_id, actor_id, kind)?;
        }
        Ok(())
    })
}

/// Notifies the organisation's owners, but not the one who acted.
fn notify_owners(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    kind: notifications::Kind,
) -> QueryResult<()> {
    let owners: Vec<i64> = organisation_members::table
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .filter(organisation_members::role.eq(Role::Owner))
        .select(organisation_members::user_id)
        .load(conn)?;
    for owner in owners.into_iter().filter(|owner| *owner != actor_id) {
        notifications::notify(
            conn,
            owner,
            kind,
            &notifications::Event {
                actor_id: Some(actor_id),
                organisation_id: Some(organisation_id),
                update_id: None,
                comment_id: None,
                role: None,
            },
        )?;
    }
    Ok(())
}

fn record(
    conn: &mut DbConnection,
    organisation_id: i64,
    status: Status,
    identity: &Identity,
    note: &str,
    authority: Authority,
    actor_id: Option<i64>,
) -> QueryResult<()> {
    diesel::insert_into(organisation_verifications::table)
        .values((
            organisation_verifications::organisation_id.eq(organisation_id),
            organisation_verifications::status.eq(status),
            organisation_verifications::registry.eq(&identity.registry),
            organisation_verifications::registration_number.eq(&identity.registration_number),
            organisation_verifications::name.eq(&identity.name),
            organisation_verifications::website.eq(&identity.website),
            organisation_verifications::note.eq(note),
            organisation_verifications::decided_as.eq(authority.as_str()),
            organisation_verifications::decided_by.eq(actor_id),
            organisation_verifications::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// After a profile change, inside its transaction: a verified organisation whose name,
/// registration or website is no longer the one checked goes back to review (gifts stop
/// until a platform administrator decides again), with a history entry saying what
/// changed, and its owners are told. Answers whether it did.
pub fn recheck_identity(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
) -> QueryResult<bool> {
    if !verified(conn, organisation_id)? {
        return Ok(false);
    }
    let now_shown = identity(conn, organisation_id)?;
    let changed = match checked_identity(conn, organisation_id)? {
        Some(checked) => now_shown.changes_since(&checked),
        // Verified without a record of what was checked: nothing to hold it to but a
        // new review.
        None => vec!["name", "registration", "website"],
    };
    if changed.is_empty() {
        return Ok(false);
    }
    let note = format!(
        "Back to review: the {} changed since the verification.",
        changed.join(", ")
    );
    send_back(conn, organisation_id, &now_shown, &note, None, actor_id)?;
    Ok(true)
}

fn verified(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<bool> {
    let current: Status = organisations::table
        .find(organisation_id)
        .select(organisations::verification_status)
        .first(conn)?;
    Ok(current == Status::Verified)
}

/// The moderators put an organisation under review, inside their decision's transaction:
/// a verified one goes back to review (gifts stop until a platform administrator decides
/// again), with a history entry, and its owners are told. Answers whether it did.
pub fn back_to_review(
    conn: &mut DbConnection,
    organisation_id: i64,
    moderator_id: i64,
    note: &str,
) -> QueryResult<bool> {
    if !verified(conn, organisation_id)? {
        return Ok(false);
    }
    let now_shown = identity(conn, organisation_id)?;
    send_back(
        conn,
        organisation_id,
        &now_shown,
        note,
        Some(moderator_id),
        moderator_id,
    )?;
    Ok(true)
}

/// Verified → pending: the history says why, the identity checked is forgotten, the owners
/// are told (`decider`: a moderator, or none for the system).
fn send_back(
    conn: &mut DbConnection,
    organisation_id: i64,
    now_shown: &Identity,
    note: &str,
    decider: Option<i64>,
    actor_id: i64,
) -> QueryResult<()> {
    let authority = if decider.is_some() {
        Authority::Platform
    } else {
        Authority::System
    };
    record(
        conn,
        organisation_id,
        Status::Pending,
        now_shown,
        note,
        authority,
        decider,
    )?;
    diesel::update(organisations::table.find(organisation_id))
        .set((
            organisations::verification_status.eq(Status::Pending),
            organisations::verified_name.eq(None::<String>),
            organisations::verified_registry.eq(None::<String>),
            organisations::verified_registration_number.eq(None::<String>),
            organisations::verified_website.eq(None::<String>),
        ))
        .execute(conn)?;
    notify_owners(
        conn,
        organisation_id,
        actor_id,
        notifications::Kind::VerificationChanged,
    )
}
