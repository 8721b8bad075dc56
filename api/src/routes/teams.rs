//! Teams: `/organisations/{slug}/members` and invitations. Admins and owners invite; the
//! invitee accepts or declines (`/me/invitations`); nobody is in a team before accepting.
//! Making someone owner, the one change that cannot be undone by its subject alone, takes
//! a signed-in session (not an API token).

use actix_web::http::header;
use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, patch, post};
use chrono::{DateTime, NaiveDateTime, Utc};
use ensemble_wire::Code;
use ensemble_wire::{Invitation, Member, MemberRole, NewMember, OrganisationRef, Page, PersonRef};

use super::{API_PREFIX, PageParams};
use crate::auth::rate_limit::{Limit, RateLimiter};
use crate::auth::{AtLeastAdmin, AtLeastEditor, Auth, OrgRole, Write};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::organisations as store;
use crate::db::teams::{self, Actor, InvitationRow, InvitationsOf, MemberRow};
use crate::domain::organisations::Role;
use crate::domain::pagination::{KeysetAfter, TextKeysetAfter, split_page};
use crate::domain::text;
use crate::error::ApiError;
use crate::extract::{Json, Query};

/// Invitations one person may send in an hour, whatever the organisation.
const INVITATIONS_PER_HOUR: Limit = Limit {
    max: 50,
    window: std::time::Duration::from_secs(3600),
};

fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
}

fn to_member(row: MemberRow) -> Member {
    Member {
        user_id: row.user_id.to_string(),
        display_name: row.display_name,
        role: row.role.into(),
        since: utc(row.since),
    }
}

pub(crate) fn to_invitation(row: InvitationRow) -> Invitation {
    let status = row.status_at(crate::db::now());
    Invitation {
        id: row.id,
        organisation: OrganisationRef {
            slug: row.organisation_slug,
            name: row.organisation_name,
            logo_url: row.organisation_logo_url,
            verification_status: row.organisation_status.into(),
        },
        invitee: PersonRef {
            user_id: row.user_id.to_string(),
            display_name: row.invitee_name,
            avatar_url: None,
        },
        role: row.role.into(),
        status: status.into(),
        created_at: utc(row.created_at),
        expires_at: utc(row.expires_at),
    }
}

/// The team, in the order people joined. Public: supporters see who runs an organisation.
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_members",
    params(("slug" = String, Path, description = "The organisation's slug"), PageParams),
    responses(
        (status = 200, description = "A page of the team", body = Page<Member>),
        (status = 400, description = "Bad `limit` or `cursor`"),
        (status = 404, description = "No such organisation"),
    )
)]
#[get("/organisations/{slug}/members")]
pub async fn list_members(
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Member>>, ApiError> {
    let (limit, after) = params.parse()?;
    let slug = slug.into_inner();
    let members = db
        .run(move |conn| {
            let id = store::id_of(conn, &slug)?.ok_or(StoreError::NotFound("organisation"))?;
            Ok(teams::members(conn, id, after, limit.get())?)
        })
        .await?;
    let (members, next_cursor) = split_page(members, limit, |m| KeysetAfter {
        created_at: m.since,
        id: m.user_id,
    });
    Ok(web::Json(Page {
        items: members.into_iter().map(to_member).collect(),
        next_cursor,
    }))
}

fn user_id(field: &str, value: &str) -> Result<i64, ApiError> {
    value.parse().map_err(|_| {
        ApiError::Validation(vec![text::field_error(
            field,
            Code::UnknownUser,
            "no user has this id",
        )])
    })
}

async fn member(db: &Db, organisation_id: i64, user_id: i64) -> Result<Member, ApiError> {
    db.run(move |conn| {
        teams::member(conn, organisation_id, user_id)?.ok_or(StoreError::NotFound("member"))
    })
    .await
    .map(to_member)
    .map_err(ApiError::from)
}

/// Giving the owner's role (by invitation or promotion) takes a session, never an API
/// token: it hands over the organisation.
fn owner_role_needs_session<R: crate::auth::org::MinimumRole>(
    actor: &OrgRole<R>,
    role: Role,
) -> Result<(), ApiError> {
    if role == Role::Owner && !actor.session {
        return Err(ApiError::Forbidden(Code::SessionRequired));
    }
    Ok(())
}

/// Invite someone to the team: admins invite editors; owners invite anyone. The person is
/// told, and joins only by accepting (`POST /me/invitations/{id}/accept`) within 14 days.
#[utoipa::path(
    tag = "organisations",
    operation_id = "invite_member",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = NewMember,
    responses(
        (status = 202, description = "Invited: they are a member once they accept", body = Invitation),
        (status = 403, description = "`forbidden`: that role is not yours to give; `session_required`: an owner is invited from a signed-in session"),
        (status = 404, description = "No such organisation"),
        (status = 409, description = "`already_member`, `already_invited` or `too_many_invitations`"),
        (status = 429, description = "`rate_limited`: too many invitations sent this hour"),
    )
)]
#[post("/organisations/{slug}/members")]
pub async fn invite(
    actor: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    slug: Path<String>,
    Json(body): Json<NewMember>,
) -> Result<HttpResponse, ApiError> {
    // Invitations notify their invitee: not a way to message strangers in bulk.
    limiter.take(&format!("invite:{}", actor.user_id), INVITATIONS_PER_HOUR)?;
    let role: Role = body.role.into();
    owner_role_needs_session(&actor, role)?;
    let user = user_id("user_id", &body.user_id)?;
    let (organisation, actor_id) = (actor.organisation_id, actor.user_id);
    let invitation = db
        .run(move |conn| {
            let id = teams::invite(conn, organisation, actor_id, user, role)?;
            teams::invitation(conn, &id)?.ok_or(StoreError::NotFound("invitation"))
        })
        .await?;
    let location = format!(
        "{API_PREFIX}/organisations/{}/invitations/{}",
        slug.as_str(),
        invitation.id
    );
    Ok(HttpResponse::Accepted()
        .insert_header((header::LOCATION, location))
        .json(to_invitation(invitation)))
}

/// The team's invitations, newest first, with what became of each (its admins).
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_invitations",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug"), PageParams),
    responses(
        (status = 200, description = "A page of invitations", body = Page<Invitation>),
        (status = 400, description = "Bad `limit` or `cursor`"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "No such organisation"),
    )
)]
#[get("/organisations/{slug}/invitations")]
pub async fn organisation_invitations(
    admin: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Invitation>>, ApiError> {
    Ok(web::Json(
        invitation_page(
            &db,
            InvitationsOf::Organisation(admin.organisation_id),
            &params,
        )
        .await?,
    ))
}

/// Invitations keyset-paged on (created at, id).
async fn invitation_page(
    db: &Db,
    of: InvitationsOf,
    params: &PageParams,
) -> Result<Page<Invitation>, ApiError> {
    let (limit, after) = params.parse_text()?;
    let rows = db
        .run(move |conn| Ok(teams::invitations(conn, of, after, limit.get())?))
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| TextKeysetAfter {
        created_at: row.created_at,
        id: row.id.clone(),
    });
    Ok(Page {
        items: rows.into_iter().map(to_invitation).collect(),
        next_cursor,
    })
}

/// Withdraw an invitation that waits for an answer.
#[utoipa::path(
    tag = "organisations",
    operation_id = "revoke_invitation",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        ("id" = String, Path, description = "The invitation's id"),
    ),
    responses(
        (status = 204, description = "Withdrawn"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "No such invitation"),
        (status = 409, description = "`invitation_answered` or `invitation_expired`"),
    )
)]
#[delete("/organisations/{slug}/invitations/{id}")]
pub async fn revoke_invitation(
    admin: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let id = path.into_inner().1;
    let (organisation, actor) = (admin.organisation_id, admin.user_id);
    db.run(move |conn| Ok(teams::revoke(conn, organisation, actor, &id)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Invitations waiting for your answer, newest first.
#[utoipa::path(
    tag = "me",
    operation_id = "my_invitations",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of invitations", body = Page<Invitation>),
        (status = 400, description = "Bad `limit` or `cursor`"),
    )
)]
#[get("/me/invitations")]
pub async fn my_invitations(
    auth: Auth<crate::auth::Read>,
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Invitation>>, ApiError> {
    Ok(web::Json(
        invitation_page(&db, InvitationsOf::Invitee(auth.user_id), &params).await?,
    ))
}

async fn answer(
    auth: &Auth<Write>,
    db: &Db,
    id: String,
    accept: bool,
) -> Result<web::Json<Invitation>, ApiError> {
    let user = auth.user_id;
    let row = db
        .run(move |conn| Ok(teams::answer(conn, user, &id, accept)?))
        .await?;
    Ok(web::Json(to_invitation(row)))
}

/// Accept an invitation: you join the team with the role it names.
#[utoipa::path(
    tag = "me",
    operation_id = "accept_invitation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The invitation's id")),
    responses(
        (status = 200, description = "Accepted: you are in the team", body = Invitation),
        (status = 404, description = "No such invitation of yours"),
        (status = 409, description = "`invitation_answered`, `invitation_expired`, or `invitation_withdrawn` (whoever sent it can no longer give that role)"),
    )
)]
#[post("/me/invitations/{id}/accept")]
pub async fn accept_invitation(
    auth: Auth<Write>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<Invitation>, ApiError> {
    answer(&auth, &db, id.into_inner(), true).await
}

/// Decline an invitation.
#[utoipa::path(
    tag = "me",
    operation_id = "decline_invitation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The invitation's id")),
    responses(
        (status = 200, description = "Declined", body = Invitation),
        (status = 404, description = "No such invitation of yours"),
        (status = 409, description = "`invitation_answered` or `invitation_expired`"),
    )
)]
#[post("/me/invitations/{id}/decline")]
pub async fn decline_invitation(
    auth: Auth<Write>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<Invitation>, ApiError> {
    answer(&auth, &db, id.into_inner(), false).await
}

/// Change a member's role, within what your role may manage. The last owner stays owner;
/// making someone owner takes a signed-in session.
#[utoipa::path(
    tag = "organisations",
    operation_id = "change_member_role",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        ("user_id" = String, Path, description = "The member's user id"),
    ),
    request_body = MemberRole,
    responses(
        (status = 200, description = "Changed", body = Member),
        (status = 403, description = "`forbidden`, or `session_required` to make someone owner or take an owner's role away"),
        (status = 404, description = "No such organisation or member"),
        (status = 409, description = "`last_owner`"),
    )
)]
#[patch("/organisations/{slug}/members/{user_id}")]
pub async fn change_member_role(
    actor: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    path: Path<(String, String)>,
    Json(body): Json<MemberRole>,
) -> Result<web::Json<Member>, ApiError> {
    let user = path
        .1
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound("member"))?;
    let role: Role = body.role.into();
    let organisation = actor.organisation_id;
    let actor = Actor {
        user_id: actor.user_id,
        session: actor.session,
    };
    db.run(move |conn| Ok(teams::change_role(conn, organisation, &actor, user, role)?))
        .await?;
    Ok(web::Json(member(&db, organisation, user).await?))
}

/// Remove a member (or leave the team yourself). The last owner cannot leave: they hand
/// the organisation over (make someone else owner) or delete it. Removing an owner takes a
/// signed-in session.
#[utoipa::path(
    tag = "organisations",
    operation_id = "remove_member",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        ("user_id" = String, Path, description = "The member's user id"),
    ),
    responses(
        (status = 204, description = "Removed"),
        (status = 403, description = "`forbidden`, or `session_required` to remove an owner"),
        (status = 404, description = "No such organisation or member"),
        (status = 409, description = "`last_owner`"),
    )
)]
#[delete("/organisations/{slug}/members/{user_id}")]
pub async fn remove_member(
    actor: OrgRole<AtLeastEditor>,
    db: Data<Db>,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let user = path
        .1
        .parse::<i64>()
        .map_err(|_| ApiError::NotFound("member"))?;
    let organisation = actor.organisation_id;
    let actor = Actor {
        user_id: actor.user_id,
        session: actor.session,
    };
    db.run(move |conn| Ok(teams::remove_member(conn, organisation, &actor, user)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
