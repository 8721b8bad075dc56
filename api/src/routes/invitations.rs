//! Invitations to a team: admins and owners invite (`POST /organisations/{slug}/members`),
//! list and withdraw them; the invitee accepts or declines (`/me/invitations`), within 14
//! days and only while whoever sent it may still give that role. Nobody is in a team
//! before accepting. Making someone owner takes a signed-in session (not an API token).

use crate::auth::rate_limit::{Limit, RateLimiter};
use crate::auth::{AtLeastAdmin, Auth, OrgRole, Write};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::teams::{self, InvitationsOf};
use crate::domain::organisations::Invitee;
use crate::domain::pagination::{TextKeysetAfter, split_page};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::{API_PREFIX, PageParams};
use actix_web::http::header;
use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, post};
use ensemble_wire::{Invitation, NewMember, Page};

/// Invitations one person may send in an hour, whatever the organisation.
const INVITATIONS_PER_HOUR: Limit = Limit {
    max: 50,
    window: std::time::Duration::from_secs(3600),
};

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
        crate::openapi::problems::NoSuchOrganisation,
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
    actor.may_offer(body.role.into())?;
    let invitee = Invitee::try_from(body).map_err(ApiError::Validation)?;
    let (organisation, actor_id) = (actor.organisation_id, actor.user_id);
    let invitation = db
        .run(move |conn| {
            let id = teams::invite(conn, organisation, actor_id, invitee.user_id, invitee.role)?;
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
        .json(Invitation::from(invitation)))
}

/// The team's invitations, newest first, with what became of each (its admins).
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_invitations",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug"), PageParams),
    responses(
        (status = 200, description = "A page of invitations", body = Page<Invitation>),
        crate::openapi::problems::BadPage,
        crate::openapi::problems::NotYourRole,
        crate::openapi::problems::NoSuchOrganisation,
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
        items: rows.into_iter().map(Invitation::from).collect(),
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
        crate::openapi::problems::NotYourRole,
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
    db.run(move |conn| teams::revoke(conn, organisation, actor, &id))
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
        crate::openapi::problems::BadPage,
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
        .run(move |conn| teams::answer(conn, user, &id, accept))
        .await?;
    Ok(web::Json(Invitation::from(row)))
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
