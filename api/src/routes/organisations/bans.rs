//! `/organisations/{slug}/bans`: the people an organisation's admins keep from commenting
//! on its updates. Each ban, and its lifting, is in the moderation log.

use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, put};
use ensemble_wire::{BannedUser, NewBan, Page};

use crate::auth::{AtLeastAdmin, OrgRole};
use crate::db::{Db, blocks};
use crate::domain::moderation::ban_reason;
use crate::error::ApiError;
use crate::extract::Json;
use crate::routes::user_id;

/// The people banned from commenting on the organisation's updates, the latest first (at
/// most 1,000). Its admins and owners.
#[utoipa::path(
    tag = "organisations",
    operation_id = "list_bans",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "The people banned", body = Page<BannedUser>),
        crate::openapi::problems::NotYourRole,
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}/bans")]
pub async fn list(
    admin: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
) -> Result<web::Json<Page<BannedUser>>, ApiError> {
    let organisation = admin.organisation_id;
    let rows = db
        .run(move |conn| Ok(blocks::bans(conn, organisation)?))
        .await?;
    Ok(web::Json(Page {
        items: rows
            .into_iter()
            .map(|row| BannedUser {
                user_id: row.user_id.to_string(),
                display_name: row.display_name,
                avatar: crate::media::picture(row.avatar.as_deref()),
                reason: row.reason,
                banned_at: crate::convert::utc(row.since),
            })
            .collect(),
        next_cursor: None,
    }))
}

/// Ban someone from commenting on the organisation's updates, saying why (again: the
/// reason changes). What they wrote stays; the moderation log keeps the decision. A
/// member of the team cannot be banned (remove them first).
#[utoipa::path(
    tag = "organisations",
    operation_id = "ban_user",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        ("user_id" = String, Path, description = "The person's id"),
    ),
    request_body = NewBan,
    responses(
        (status = 204, description = "Banned"),
        crate::openapi::problems::NotYourRole,
        (status = 404, description = "No such organisation or person"),
        (status = 409, description = "`already_member`: a member of the team"),
    )
)]
#[put("/organisations/{slug}/bans/{user_id}")]
pub async fn ban(
    admin: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    path: Path<(String, String)>,
    Json(body): Json<NewBan>,
) -> Result<HttpResponse, ApiError> {
    let banned = user_id(&path.1)?;
    let reason = ban_reason(body).map_err(ApiError::Validation)?;
    let (organisation, actor) = (admin.organisation_id, admin.user_id);
    db.run(move |conn| blocks::ban(conn, organisation, banned, actor, &reason))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lift a ban (logged).
#[utoipa::path(
    tag = "organisations",
    operation_id = "unban_user",
    security(("bearer" = [])),
    params(
        ("slug" = String, Path, description = "The organisation's slug"),
        ("user_id" = String, Path, description = "The person's id"),
    ),
    responses(
        (status = 204, description = "No longer banned"),
        crate::openapi::problems::NotYourRole,
        (status = 404, description = "No such organisation, or this person is not banned"),
    )
)]
#[delete("/organisations/{slug}/bans/{user_id}")]
pub async fn unban(
    admin: OrgRole<AtLeastAdmin>,
    db: Data<Db>,
    path: Path<(String, String)>,
) -> Result<HttpResponse, ApiError> {
    let banned = user_id(&path.1)?;
    let (organisation, actor) = (admin.organisation_id, admin.user_id);
    db.run(move |conn| blocks::unban(conn, organisation, banned, actor))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
