//! Invitations to a team: admins and owners invite (`POST /organisations/{slug}/members`) a
//! person with an account or an address, list and withdraw them; the invitee accepts or
//! declines (`/me/invitations`, or `/invitations/{token}` from the link mailed to an
//! address), within 14 days and only while whoever sent it may still give that role.
//! Nobody is in a team before accepting. Making someone owner takes a signed-in session
//! (not an API token).

use crate::auth::rate_limit::{Limit, RateLimiter};
use crate::auth::{AtLeastAdmin, Auth, OrgRole, Write};
use crate::client_ip::ClientIp;
use crate::db::Db;
use crate::db::StoreError;
use crate::db::teams::{self, Answerer, InvitationsOf};
use crate::domain::organisations::{Invited, Invitee};
use crate::domain::pagination::{TextKeysetAfter, split_page};
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::mail::signed::InvitationKey;
use crate::routes::{API_PREFIX, PageParams};
use actix_web::http::header;
use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, post};
use ensemble_wire::{Invitation, NewMember, Page};

/// Invitations one person, or one client address, may send in an hour, whatever the
/// organisation.
const INVITATIONS_PER_HOUR: Limit = Limit {
    max: 50,
    window: std::time::Duration::from_secs(3600),
};

/// Invitations mailed to one address in a day, whoever sends them: nobody's mailbox is
/// filled by teams inviting and withdrawing.
const INVITATIONS_PER_ADDRESS: Limit = Limit {
    max: 5,
    window: std::time::Duration::from_secs(24 * 3600),
};

/// Invite someone to the team: admins invite editors; owners invite anyone. A person with
/// an account (`user_id`) is notified; an address (`email`) is mailed a link from which
/// its owner signs up or signs in and answers. They join only by accepting, within 14
/// days.
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
        (status = 422, description = "`validation_failed`: neither or both of `user_id` and `email`, an unknown user, or not an address"),
        (status = 429, description = "`rate_limited`: too many invitations sent this hour, or to this address today"),
    )
)]
#[post("/organisations/{slug}/members")]
pub async fn invite(
    actor: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    client: ClientIp,
    slug: Path<String>,
    Json(body): Json<NewMember>,
) -> Result<HttpResponse, ApiError> {
    actor.may_offer(body.role.into())?;
    let invitee = Invitee::try_from(body).map_err(ApiError::Validation)?;
    // Invitations notify or mail their invitee: not a way to message strangers in bulk.
    limiter.take(&format!("invite:{}", actor.user_id), INVITATIONS_PER_HOUR)?;
    limiter.take(&format!("invite:ip:{client}"), INVITATIONS_PER_HOUR)?;
    if let Invited::Address(email) = &invitee.who {
        limiter.take(&format!("invite:to:{}", email.key), INVITATIONS_PER_ADDRESS)?;
    }
    let (organisation, actor_id) = (actor.organisation_id, actor.user_id);
    let invitation = db
        .run(move |conn| {
            let id = teams::invite(conn, organisation, actor_id, &invitee.who, invitee.role)?;
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
    db: &Db,
    answerer: Answerer,
    id: String,
    accept: bool,
) -> Result<web::Json<Invitation>, ApiError> {
    let row = db
        .run(move |conn| teams::answer(conn, answerer, &id, accept))
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
    answer(&db, Answerer::Invitee(auth.user_id), id.into_inner(), true).await
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
    answer(&db, Answerer::Invitee(auth.user_id), id.into_inner(), false).await
}

/// The invitation a mailed link names: 404 for a link the server did not make.
fn linked(invitations: &InvitationKey, token: &str) -> Result<String, ApiError> {
    invitations
        .verify(token)
        .ok_or(ApiError::NotFound("invitation"))
}

/// The invitation a link mailed to an address opens: which organisation, which role, who
/// sent it and where it stands (answered, withdrawn or lapsed ones say so). No sign-in:
/// the link is the proof.
#[utoipa::path(
    tag = "invitations",
    operation_id = "linked_invitation",
    params(("token" = String, Path, description = "The token of the link mailed to the address")),
    responses(
        (status = 200, description = "The invitation", body = Invitation),
        (status = 404, description = "`not_found`: not a link the server made"),
    )
)]
#[get("/invitations/{token}")]
pub async fn linked_invitation(
    db: Data<Db>,
    invitations: Data<InvitationKey>,
    token: Path<String>,
) -> Result<web::Json<Invitation>, ApiError> {
    let id = linked(&invitations, &token)?;
    let row = db
        .run(move |conn| teams::invitation(conn, &id)?.ok_or(StoreError::NotFound("invitation")))
        .await?;
    Ok(web::Json(Invitation::from(row)))
}

/// Accept, signed in, the invitation a mailed link opens: it becomes this account's (any
/// account: the link proves its holder read the mail sent to the address), and they join
/// the team. An invitation another account already took is not theirs (404).
#[utoipa::path(
    tag = "invitations",
    operation_id = "accept_linked_invitation",
    security(("bearer" = [])),
    params(("token" = String, Path, description = "The token of the link mailed to the address")),
    responses(
        (status = 200, description = "Accepted: you are in the team", body = Invitation),
        (status = 404, description = "Not a link the server made, or an invitation another account took"),
        (status = 409, description = "`invitation_answered`, `invitation_expired`, or `invitation_withdrawn`"),
    )
)]
#[post("/invitations/{token}/accept")]
pub async fn accept_linked_invitation(
    auth: Auth<Write>,
    db: Data<Db>,
    invitations: Data<InvitationKey>,
    token: Path<String>,
) -> Result<web::Json<Invitation>, ApiError> {
    let id = linked(&invitations, &token)?;
    answer(&db, Answerer::LinkHolder(auth.user_id), id, true).await
}

/// Decline the invitation a mailed link opens; no account needed.
#[utoipa::path(
    tag = "invitations",
    operation_id = "decline_linked_invitation",
    params(("token" = String, Path, description = "The token of the link mailed to the address")),
    responses(
        (status = 200, description = "Declined", body = Invitation),
        (status = 404, description = "`not_found`: not a link the server made"),
        (status = 409, description = "`invitation_answered` or `invitation_expired`"),
    )
)]
#[post("/invitations/{token}/decline")]
pub async fn decline_linked_invitation(
    db: Data<Db>,
    invitations: Data<InvitationKey>,
    token: Path<String>,
) -> Result<web::Json<Invitation>, ApiError> {
    let id = linked(&invitations, &token)?;
    answer(&db, Answerer::Anyone, id, false).await
}
