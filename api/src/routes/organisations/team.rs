//! An organisation's team: `/organisations/{slug}/members` listed, roles changed, members
//! removed (or leaving). Nobody is added here: people join by accepting an invitation
//! (`routes::invitations`).

use crate::auth::{AtLeastAdmin, AtLeastEditor, OrgRole};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::organisations as store;
use crate::db::teams::{self, Actor};
use crate::domain::organisations::Role;
use crate::domain::pagination::{KeysetAfter, split_page};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::PageParams;
use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, patch};
use ensemble_wire::{Member, MemberRole, Page};

/// The team, in the order people joined. Public: supporters see who runs an organisation.
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_members",
    params(("slug" = String, Path, description = "The organisation's slug"), PageParams),
    responses(
        (status = 200, description = "A page of the team", body = Page<Member>),
        crate::openapi::problems::BadPage,
        crate::openapi::problems::NoSuchOrganisation,
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
        items: members.into_iter().map(Member::from).collect(),
        next_cursor,
    }))
}

async fn member(db: &Db, organisation_id: i64, user_id: i64) -> Result<Member, ApiError> {
    db.run(move |conn| {
        teams::member(conn, organisation_id, user_id)?.ok_or(StoreError::NotFound("member"))
    })
    .await
    .map(Member::from)
    .map_err(ApiError::from)
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
    db.run(move |conn| teams::change_role(conn, organisation, &actor, user, role))
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
    db.run(move |conn| teams::remove_member(conn, organisation, &actor, user))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
