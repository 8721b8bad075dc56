//! Teams: who runs an organisation, with which role, and how one joins. Nobody becomes a
//! member without accepting an invitation; roles are managed from above (`Role::may_manage`)
//! and an organisation always keeps an owner. Every change locks the organisation first.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use ensemble_wire::Code;

use super::error::StoreError;
use super::organisations::Brief;
use super::organisations::lock_organisation;
use super::schema::{organisation_invitations, organisation_members, organisations, users};
use super::{DbConnection, notifications, now, write_transaction};
use crate::domain::organisations::{InvitationStatus, Role};
use crate::domain::pagination::{KeysetAfter, TextKeysetAfter};
use crate::domain::text::field_error;

/// Who changes a team, and how they signed in.
#[derive(Debug, Clone, Copy)]
pub struct Actor {
    pub user_id: i64,
    /// A signed-in session, not an API token.
    pub session: bool,
}

impl Actor {
    /// Making someone owner, or taking an owner's role away, hands the organisation over:
    /// a signed-in session only, never an API token.
    /// `next` is the new role, `None` a removal.
    fn may_change_ownership(&self, current: Role, next: Option<Role>) -> Result<(), StoreError> {
        let hands_over = match next {
            None => current == Role::Owner,
            Some(next) => next != current && (next == Role::Owner || current == Role::Owner),
        };
        if hands_over && !self.session {
            Err(StoreError::Forbidden(Code::SessionRequired))
        } else {
            Ok(())
        }
    }
}

/// An invitation is answered within this time, or it lapses.
pub const INVITATION_DAYS: i64 = 14;
/// Invitations an organisation may have waiting at once.
pub const MAX_PENDING_INVITATIONS: i64 = 100;

/// A team member.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisation_members)]
pub struct MemberRow {
    #[diesel(select_expression = users::id)]
    pub user_id: i64,
    #[diesel(select_expression = users::display_name)]
    pub display_name: String,
    pub role: Role,
    #[diesel(select_expression = organisation_members::created_at)]
    pub since: NaiveDateTime,
}

macro_rules! member_rows {
    () => {
        organisation_members::table
            .inner_join(users::table)
            .select(MemberRow::as_select())
    };
}

/// The team in the order people joined, keyset-paged on (joined at, user id).
pub fn members(
    conn: &mut DbConnection,
    organisation_id: i64,
    after: Option<KeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<MemberRow>> {
    let mut query = member_rows!()
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .order((
            organisation_members::created_at,
            organisation_members::user_id,
        ))
        .limit(limit + 1)
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(
            organisation_members::created_at.gt(after.created_at).or(
                organisation_members::created_at
                    .eq(after.created_at)
                    .and(organisation_members::user_id.gt(after.id)),
            ),
        );
    }
    query.load(conn)
}

pub fn member(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
) -> QueryResult<Option<MemberRow>> {
    member_rows!()
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .filter(organisation_members::user_id.eq(user_id))
        .first(conn)
        .optional()
}

pub fn member_role(
    conn: &mut DbConnection,
    organisation_id: i64,
    user_id: i64,
) -> QueryResult<Option<Role>> {
    organisation_members::table
        .find((organisation_id, user_id))
        .select(organisation_members::role)
        .first(conn)
        .optional()
}

fn owners(conn: &mut DbConnection, organisation_id: i64) -> QueryResult<i64> {
    organisation_members::table
        .filter(organisation_members::organisation_id.eq(organisation_id))
        .filter(organisation_members::role.eq(Role::Owner))
        .count()
        .get_result(conn)
}

fn last_owner() -> StoreError {
    StoreError::Conflict(
        Code::LastOwner,
        "An organisation keeps at least one owner: make someone else owner first, or delete the organisation.".into(),
    )
}

/// The actor's role now, inside the write: a role read before (by the extractor) may have
/// changed since.
fn actor_role(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
) -> Result<Role, StoreError> {
    member_role(conn, organisation_id, actor_id)?.ok_or(StoreError::Forbidden(Code::Forbidden))
}

/// Tells someone they were given a role (unless they gave it to themselves).
fn role_granted(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    user_id: i64,
    role: Role,
) -> QueryResult<()> {
    if actor_id == user_id {
        return Ok(());
    }
    let event = notifications::Event {
        actor_id,
        organisation_id: Some(organisation_id),
        update_id: None,
        comment_id: None,
        role: Some(role),
    };
    notifications::notify(conn, user_id, notifications::Kind::RoleGranted, &event)
}

/// Changes a member's role if the actor may manage both the old and the new role, keeping
/// an owner.
pub fn change_role(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor: &Actor,
    user_id: i64,
    role: Role,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        let actor_id = actor.user_id;
        let actor_role = actor_role(conn, organisation_id, actor_id)?;
        let current =
            member_role(conn, organisation_id, user_id)?.ok_or(StoreError::NotFound("member"))?;
        if !actor_role.may_manage(current) || !actor_role.may_manage(role) {
            return Err(StoreError::Forbidden(Code::Forbidden));
        }
        actor.may_change_ownership(current, Some(role))?;
        if current == Role::Owner && role != Role::Owner && owners(conn, organisation_id)? <= 1 {
            return Err(last_owner());
        }
        diesel::update(organisation_members::table.find((organisation_id, user_id)))
            .set(organisation_members::role.eq(role))
            .execute(conn)?;
        if role != current {
            role_granted(conn, organisation_id, actor_id, user_id, role)?;
        }
        Ok(())
    })
}

/// Removes a member: themselves, or someone whose role the actor may manage; never the
/// last owner.
pub fn remove_member(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor: &Actor,
    user_id: i64,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        let actor_id = actor.user_id;
        let actor_role = actor_role(conn, organisation_id, actor_id)?;
        let current =
            member_role(conn, organisation_id, user_id)?.ok_or(StoreError::NotFound("member"))?;
        if actor_id != user_id && !actor_role.may_manage(current) {
            return Err(StoreError::Forbidden(Code::Forbidden));
        }
        if actor_id != user_id {
            actor.may_change_ownership(current, None)?;
        }
        if current == Role::Owner && owners(conn, organisation_id)? <= 1 {
            return Err(last_owner());
        }
        diesel::delete(organisation_members::table.find((organisation_id, user_id)))
            .execute(conn)?;
        Ok(())
    })
}

/// Refuses (409 `sole_owner`) when the user is the only owner of an organisation: deleting
/// their account would leave it without anyone to run it. Call inside the deleting
/// transaction.
pub fn ensure_not_sole_owner(conn: &mut DbConnection, user_id: i64) -> Result<(), StoreError> {
    // Locked in one order (by id), so that two co-owners leaving at once cannot each hold
    // the lock the other waits for.
    let owned: Vec<i64> = organisation_members::table
        .filter(organisation_members::user_id.eq(user_id))
        .filter(organisation_members::role.eq(Role::Owner))
        .order(organisation_members::organisation_id)
        .select(organisation_members::organisation_id)
        .load(conn)?;
    for organisation_id in owned {
        lock_organisation(conn, organisation_id)?;
        if owners(conn, organisation_id)? <= 1 {
            return Err(StoreError::Conflict(
                Code::SoleOwner,
                "You are the only owner of an organisation: make someone else owner, or delete the organisation, first.".into(),
            ));
        }
    }
    Ok(())
}

/// An invitation, with the organisation and the people it names.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisation_invitations)]
pub struct InvitationRow {
    pub id: String,
    pub organisation_id: i64,
    #[diesel(embed)]
    pub organisation: Brief,
    pub user_id: i64,
    #[diesel(select_expression = users::display_name)]
    pub invitee_name: String,
    pub role: Role,
    pub invited_by: Option<i64>,
    pub status: InvitationStatus,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

impl InvitationRow {
    /// The status as it stands now: a pending invitation past its time has lapsed.
    pub fn status_at(&self, at: NaiveDateTime) -> InvitationStatus {
        if self.status == InvitationStatus::Pending && self.expires_at <= at {
            InvitationStatus::Expired
        } else {
            self.status
        }
    }
}

macro_rules! invitation_rows {
    () => {
        organisation_invitations::table
            .inner_join(organisations::table)
            .inner_join(users::table.on(users::id.eq(organisation_invitations::user_id)))
            .select(InvitationRow::as_select())
    };
}

pub fn invitation(conn: &mut DbConnection, id: &str) -> QueryResult<Option<InvitationRow>> {
    if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    invitation_rows!()
        .filter(organisation_invitations::id.eq(id))
        .first(conn)
        .optional()
}

/// Whose invitations a list holds: an organisation's (all of them), or a person's (those
/// waiting for their answer).
#[derive(Debug, Clone, Copy)]
pub enum InvitationsOf {
    Organisation(i64),
    Invitee(i64),
    /// All of a person's invitations, answered ones too (their data export).
    EverInvited(i64),
}

/// Newest first, keyset-paged on (created at, id).
pub fn invitations(
    conn: &mut DbConnection,
    of: InvitationsOf,
    after: Option<TextKeysetAfter>,
    limit: i64,
) -> QueryResult<Vec<InvitationRow>> {
    let mut query = invitation_rows!()
        .order((
            organisation_invitations::created_at.desc(),
            organisation_invitations::id.desc(),
        ))
        .limit(limit + 1)
        .into_boxed();
    query = match of {
        InvitationsOf::Organisation(id) => {
            query.filter(organisation_invitations::organisation_id.eq(id))
        }
        InvitationsOf::Invitee(user_id) => query
            .filter(organisation_invitations::user_id.eq(user_id))
            .filter(organisation_invitations::status.eq(InvitationStatus::Pending))
            .filter(organisation_invitations::expires_at.gt(now())),
        InvitationsOf::EverInvited(user_id) => {
            query.filter(organisation_invitations::user_id.eq(user_id))
        }
    };
    if let Some(after) = after {
        query = query.filter(
            organisation_invitations::created_at
                .lt(after.created_at)
                .or(organisation_invitations::created_at
                    .eq(after.created_at)
                    .and(organisation_invitations::id.lt(after.id))),
        );
    }
    query.load(conn)
}

/// Invites someone to the team with a role the actor may give (answers the invitation's
/// id): 422 for an unknown person, 409 `already_member` or `already_invited`, 409
/// `too_many_invitations` past the organisation's limit. The invitee is notified; they
/// are in the team only once they accept.
pub fn invite(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    user_id: i64,
    role: Role,
) -> Result<String, StoreError> {
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        if !actor_role(conn, organisation_id, actor_id)?.may_manage(role) {
            return Err(StoreError::Forbidden(Code::Forbidden));
        }
        if super::users::find(conn, user_id)?.is_none() {
            return Err(StoreError::Invalid(vec![field_error(
                "user_id",
                Code::UnknownUser,
                "no user has this id",
            )]));
        }
        if member_role(conn, organisation_id, user_id)?.is_some() {
            return Err(StoreError::Conflict(
                Code::AlreadyMember,
                "This person is already in the team.".into(),
            ));
        }
        let at = now();
        // Invitations past their time lapse here, so a new one can be sent.
        diesel::update(
            organisation_invitations::table
                .filter(organisation_invitations::organisation_id.eq(organisation_id))
                .filter(organisation_invitations::status.eq(InvitationStatus::Pending))
                .filter(organisation_invitations::expires_at.le(at)),
        )
        .set(organisation_invitations::status.eq(InvitationStatus::Expired))
        .execute(conn)?;
        let waiting: i64 = organisation_invitations::table
            .filter(organisation_invitations::organisation_id.eq(organisation_id))
            .filter(organisation_invitations::status.eq(InvitationStatus::Pending))
            .count()
            .get_result(conn)?;
        if waiting >= MAX_PENDING_INVITATIONS {
            return Err(StoreError::Conflict(
                Code::TooManyInvitations,
                format!(
                    "At most {MAX_PENDING_INVITATIONS} invitations can wait at once: revoke some first."
                ),
            ));
        }
        let id = uuid::Uuid::new_v4().simple().to_string();
        let inserted = diesel::insert_into(organisation_invitations::table)
            .values((
                organisation_invitations::id.eq(&id),
                organisation_invitations::organisation_id.eq(organisation_id),
                organisation_invitations::user_id.eq(user_id),
                organisation_invitations::role.eq(role),
                organisation_invitations::invited_by.eq(actor_id),
                organisation_invitations::status.eq(InvitationStatus::Pending),
                organisation_invitations::created_at.eq(at),
                organisation_invitations::expires_at.eq(at + Duration::days(INVITATION_DAYS)),
            ))
            .execute(conn);
        match inserted {
            Ok(_) => {}
            // Another invitation for the same person at the same moment (the unique index
            // on waiting invitations decides).
            Err(e) if super::Unique::PendingInvitation.violated_by(&e) => {
                return Err(StoreError::Conflict(
                    Code::AlreadyInvited,
                    "This person already has an invitation waiting.".into(),
                ));
            }
            Err(other) => return Err(other.into()),
        }
        notifications::notify(
            conn,
            user_id,
            notifications::Kind::Invitation,
            &notifications::Event {
                actor_id,
                organisation_id: Some(organisation_id),
                update_id: None,
                comment_id: None,
                role: Some(role),
            },
        )?;
        Ok(id)
    })
}

/// Withdraws a waiting invitation (an admin may withdraw those for roles they may give).
pub fn revoke(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    invitation_id: &str,
) -> Result<(), StoreError> {
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        let found = invitation(conn, invitation_id)?
            .filter(|i| i.organisation_id == organisation_id)
            .ok_or(StoreError::NotFound("invitation"))?;
        if !actor_role(conn, organisation_id, actor_id)?.may_manage(found.role) {
            return Err(StoreError::Forbidden(Code::Forbidden));
        }
        if found.status_at(now()) != InvitationStatus::Pending {
            return Err(not_pending(found.status_at(now())));
        }
        diesel::update(
            organisation_invitations::table
                .find(invitation_id)
                .filter(organisation_invitations::status.eq(InvitationStatus::Pending)),
        )
        .set((
            organisation_invitations::status.eq(InvitationStatus::Revoked),
            organisation_invitations::answered_at.eq(Some(now())),
        ))
        .execute(conn)?;
        Ok(())
    })
}

fn not_pending(status: InvitationStatus) -> StoreError {
    match status {
        InvitationStatus::Expired => StoreError::Conflict(
            Code::InvitationExpired,
            "This invitation has lapsed: ask the team for a new one.".into(),
        ),
        _ => StoreError::Conflict(
            Code::InvitationAnswered,
            "This invitation has already been answered or withdrawn.".into(),
        ),
    }
}

/// The invitee answers: accepting makes them a member with the invited role (answers
/// the organisation's id), declining ends the invitation. Only their own, waiting
/// invitations: 404 for anyone else's.
pub fn answer(
    conn: &mut DbConnection,
    user_id: i64,
    invitation_id: &str,
    accept: bool,
) -> Result<InvitationRow, StoreError> {
    let found = invitation(conn, invitation_id)?
        .filter(|i| i.user_id == user_id)
        .ok_or(StoreError::NotFound("invitation"))?;
    let organisation_id = found.organisation_id;
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        // Read again under the lock: a revocation may have come in between.
        let found = invitation(conn, invitation_id)?
            .filter(|i| i.user_id == user_id)
            .ok_or(StoreError::NotFound("invitation"))?;
        let at = now();
        let status = found.status_at(at);
        if status != InvitationStatus::Pending {
            return Err(not_pending(status));
        }
        // The invitation speaks for whoever sent it: if they may no longer give that role
        // (demoted, gone), it has lapsed with their power.
        let still_allowed = match found.invited_by {
            Some(inviter) => member_role(conn, organisation_id, inviter)?
                .is_some_and(|role| role.may_manage(found.role)),
            None => false,
        };
        if accept && !still_allowed {
            return Err(StoreError::Conflict(
                Code::InvitationWithdrawn,
                "Whoever sent this invitation can no longer give this role: ask the team again."
                    .into(),
            ));
        }
        let next = if accept {
            InvitationStatus::Accepted
        } else {
            InvitationStatus::Declined
        };
        let answered = diesel::update(
            organisation_invitations::table
                .find(invitation_id)
                .filter(organisation_invitations::status.eq(InvitationStatus::Pending)),
        )
        .set((
            organisation_invitations::status.eq(next),
            organisation_invitations::answered_at.eq(Some(at)),
        ))
        .execute(conn)?;
        if answered != 1 {
            return Err(not_pending(InvitationStatus::Accepted));
        }
        if accept && member_role(conn, organisation_id, user_id)?.is_none() {
            diesel::insert_into(organisation_members::table)
                .values((
                    organisation_members::organisation_id.eq(organisation_id),
                    organisation_members::user_id.eq(user_id),
                    organisation_members::role.eq(found.role),
                    organisation_members::created_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok(InvitationRow {
            status: next,
            ..found
        })
    })
}

/// A person's place in a team.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisation_members)]
pub struct MembershipRow {
    #[diesel(embed)]
    pub organisation: Brief,
    pub role: Role,
    #[diesel(select_expression = organisation_members::created_at)]
    pub since: NaiveDateTime,
}

/// The teams a person is in (for their data export).
pub fn memberships(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<MembershipRow>> {
    organisation_members::table
        .inner_join(organisations::table)
        .filter(organisation_members::user_id.eq(user_id))
        .order((organisation_members::created_at, organisations::id))
        .select(MembershipRow::as_select())
        .load(conn)
}
