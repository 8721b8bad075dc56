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
use crate::domain::jobs::{Job, Mail};
use crate::domain::organisations::{InvitationStatus, Invited, Role};
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
        actor_id: Some(actor_id),
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
            log_role(
                conn,
                organisation_id,
                actor_id,
                user_id,
                current,
                &format!("{current} → {role}"),
            )?;
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
        let reason = if actor_id == user_id {
            format!("{current} → left the team")
        } else {
            format!("{current} → removed from the team")
        };
        log_role(conn, organisation_id, actor_id, user_id, current, &reason)?;
        Ok(())
    })
}

/// A team's change of role, in the moderation log (the person is the item).
fn log_role(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    user_id: i64,
    before: Role,
    reason: &str,
) -> QueryResult<()> {
    super::moderation::log_decision(
        conn,
        Some(actor_id),
        crate::domain::moderation::Action::RoleChange,
        crate::domain::moderation::ItemKind::User,
        user_id,
        reason,
        serde_json::json!({
            "organisation_id": organisation_id.to_string(),
            "standing": { "role": before.as_str() },
        }),
    )
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

diesel::alias!(users as inviters: Inviters);

/// An invitation, with the organisation and the people it names.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = organisation_invitations)]
pub struct InvitationRow {
    pub id: String,
    pub organisation_id: i64,
    #[diesel(embed)]
    pub organisation: Brief,
    /// The account invited, or that took an invitation sent to an address.
    pub user_id: Option<i64>,
    #[diesel(select_expression = users::display_name.nullable())]
    pub invitee_name: Option<String>,
    /// The address an invitation was sent to.
    pub email: Option<String>,
    pub email_key: Option<String>,
    pub role: Role,
    pub invited_by: Option<i64>,
    #[diesel(select_expression = inviters.field(users::display_name).nullable())]
    pub inviter_name: Option<String>,
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
            .left_join(users::table.on(users::id.nullable().eq(organisation_invitations::user_id)))
            .left_join(
                inviters.on(inviters
                    .field(users::id)
                    .nullable()
                    .eq(organisation_invitations::invited_by)),
            )
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

/// A person's address, if they proved it (`None` matches no invitation).
fn proven_address(conn: &mut DbConnection, user_id: i64) -> QueryResult<Option<String>> {
    users::table
        .filter(users::id.eq(user_id))
        .filter(users::email_verified)
        .select(users::email_key)
        .first(conn)
        .optional()
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
    query =
        match of {
            InvitationsOf::Organisation(id) => {
                query.filter(organisation_invitations::organisation_id.eq(id))
            }
            // Theirs, and those sent to their proven address that no account has taken.
            InvitationsOf::Invitee(user_id) => query
                .filter(organisation_invitations::user_id.eq(user_id).or(
                    organisation_invitations::user_id.is_null().and(
                        organisation_invitations::email_key.eq(proven_address(conn, user_id)?),
                    ),
                ))
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
/// `too_many_invitations` past the organisation's limit. A person with an account is
/// notified; an address is sent the invitation's link (queued with it). Nobody is in the
/// team before accepting.
pub fn invite(
    conn: &mut DbConnection,
    organisation_id: i64,
    actor_id: i64,
    invited: &Invited,
    role: Role,
) -> Result<String, StoreError> {
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        if !actor_role(conn, organisation_id, actor_id)?.may_manage(role) {
            return Err(StoreError::Forbidden(Code::Forbidden));
        }
        let already_member = match invited {
            Invited::User(user_id) => {
                if super::users::find(conn, *user_id)?.is_none() {
                    return Err(StoreError::Invalid(vec![field_error(
                        "user_id",
                        Code::UnknownUser,
                        "no user has this id",
                    )]));
                }
                member_role(conn, organisation_id, *user_id)?.is_some()
            }
            // A member whose proven address it is (the team knows its members already).
            Invited::Address(email) => {
                let members: i64 = organisation_members::table
                    .inner_join(users::table)
                    .filter(organisation_members::organisation_id.eq(organisation_id))
                    .filter(users::email_key.eq(&email.key))
                    .filter(users::email_verified)
                    .count()
                    .get_result(conn)?;
                members > 0
            }
        };
        if already_member {
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
        let (user_id, email, email_key) = match invited {
            Invited::User(user_id) => (Some(*user_id), None, None),
            Invited::Address(email) => (None, Some(&email.address), Some(&email.key)),
        };
        let inserted = diesel::insert_into(organisation_invitations::table)
            .values((
                organisation_invitations::id.eq(&id),
                organisation_invitations::organisation_id.eq(organisation_id),
                organisation_invitations::user_id.eq(user_id),
                organisation_invitations::email.eq(email),
                organisation_invitations::email_key.eq(email_key),
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
            Err(e)
                if super::Unique::PendingInvitation.violated_by(&e)
                    || super::Unique::PendingAddressInvitation.violated_by(&e) =>
            {
                return Err(StoreError::Conflict(
                    Code::AlreadyInvited,
                    "This person already has an invitation waiting.".into(),
                ));
            }
            Err(other) => return Err(other.into()),
        }
        match invited {
            Invited::User(user_id) => notifications::notify(
                conn,
                *user_id,
                notifications::Kind::Invitation,
                &notifications::Event {
                    actor_id: Some(actor_id),
                    organisation_id: Some(organisation_id),
                    update_id: None,
                    comment_id: None,
                    role: Some(role),
                },
            )?,
            Invited::Address(_) => {
                super::jobs::enqueue(
                    conn,
                    &Job::Mail(Mail::Invitation {
                        invitation_id: id.clone(),
                    }),
                    None,
                )?;
            }
        }
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

/// Who answers an invitation.
#[derive(Debug, Clone, Copy)]
pub enum Answerer {
    /// A signed-in person answering one of theirs: sent to them, or to their proven
    /// address and not taken by another account.
    Invitee(i64),
    /// A signed-in person who followed the link mailed to the address: the invitation
    /// becomes theirs (unless another account took it).
    LinkHolder(i64),
    /// Whoever followed the link, signed in or not: declining needs no account.
    Anyone,
}

impl Answerer {
    fn user_id(self) -> Option<i64> {
        match self {
            Answerer::Invitee(id) | Answerer::LinkHolder(id) => Some(id),
            Answerer::Anyone => None,
        }
    }
}

/// Whether `found` is `answerer`'s to answer.
fn may_answer(
    conn: &mut DbConnection,
    found: &InvitationRow,
    answerer: Answerer,
) -> QueryResult<bool> {
    Ok(match (answerer, found.user_id) {
        (Answerer::Anyone, _) => true,
        (Answerer::Invitee(me) | Answerer::LinkHolder(me), Some(invitee)) => me == invitee,
        (Answerer::LinkHolder(_), None) => true,
        (Answerer::Invitee(me), None) => {
            let proven = proven_address(conn, me)?;
            proven.is_some() && proven == found.email_key
        }
    })
}

/// The invitee answers: accepting makes them a member with the invited role, declining
/// ends the invitation. Only invitations `answerer` may answer (404 for anyone else's),
/// and only waiting ones (409).
pub fn answer(
    conn: &mut DbConnection,
    answerer: Answerer,
    invitation_id: &str,
    accept: bool,
) -> Result<InvitationRow, StoreError> {
    let found = invitation(conn, invitation_id)?.ok_or(StoreError::NotFound("invitation"))?;
    if !may_answer(conn, &found, answerer)? {
        return Err(StoreError::NotFound("invitation"));
    }
    let organisation_id = found.organisation_id;
    write_transaction(conn, |conn| {
        lock_organisation(conn, organisation_id)?;
        // Read again under the lock: a revocation, or another account taking the link,
        // may have come in between.
        let found = invitation(conn, invitation_id)?.ok_or(StoreError::NotFound("invitation"))?;
        if !may_answer(conn, &found, answerer)? {
            return Err(StoreError::NotFound("invitation"));
        }
        let at = now();
        let status = found.status_at(at);
        if status != InvitationStatus::Pending {
            return Err(not_pending(status));
        }
        let invitee = found.user_id.or(answerer.user_id());
        // Accepting takes an account (`Answerer::Anyone` only declines).
        let joining = match (accept, invitee) {
            (true, Some(user_id)) => Some(user_id),
            (true, None) => return Err(StoreError::Forbidden(Code::Forbidden)),
            (false, _) => None,
        };
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
            organisation_invitations::user_id.eq(invitee),
        ))
        .execute(conn)?;
        if answered != 1 {
            return Err(not_pending(InvitationStatus::Accepted));
        }
        if let Some(user_id) = joining
            && member_role(conn, organisation_id, user_id)?.is_none()
        {
            diesel::insert_into(organisation_members::table)
                .values((
                    organisation_members::organisation_id.eq(organisation_id),
                    organisation_members::user_id.eq(user_id),
                    organisation_members::role.eq(found.role),
                    organisation_members::created_at.eq(at),
                ))
                .execute(conn)?;
        }
        Ok(invitation(conn, invitation_id)?.unwrap_or(InvitationRow {
            status: next,
            ..found
        }))
    })
}

/// A newcomer signing up from the link mailed to an address takes the invitation (still
/// waiting for their answer). Answers whether the account was made with the address the
/// invitation was sent to (the link proved it). Inside the sign-up's transaction.
pub(crate) fn take_for_new_account(
    conn: &mut DbConnection,
    invitation_id: &str,
    user_id: i64,
    email_key: &str,
) -> Result<bool, StoreError> {
    let refused = |code: Code, message: &str| {
        StoreError::Invalid(vec![field_error("invitation", code, message)])
    };
    let found = invitation(conn, invitation_id)?
        .ok_or_else(|| refused(Code::InvalidToken, "this invitation link is not valid"))?;
    lock_organisation(conn, found.organisation_id)?;
    let found = invitation(conn, invitation_id)?
        .ok_or_else(|| refused(Code::InvalidToken, "this invitation link is not valid"))?;
    match found.status_at(now()) {
        InvitationStatus::Pending if found.user_id.is_none() => {}
        InvitationStatus::Expired => {
            return Err(refused(
                Code::InvitationExpired,
                "this invitation has lapsed: ask the team for a new one",
            ));
        }
        _ => {
            return Err(refused(
                Code::InvitationAnswered,
                "this invitation has already been answered or withdrawn",
            ));
        }
    }
    diesel::update(
        organisation_invitations::table
            .find(invitation_id)
            .filter(organisation_invitations::status.eq(InvitationStatus::Pending))
            .filter(organisation_invitations::user_id.is_null()),
    )
    .set(organisation_invitations::user_id.eq(Some(user_id)))
    .execute(conn)?;
    Ok(found.email_key.as_deref() == Some(email_key))
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
