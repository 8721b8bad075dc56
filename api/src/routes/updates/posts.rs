//! Publishing: `POST /organisations/{slug}/updates` and one update's reading, editing and
//! deleting, and an organisation's list of them.

use actix_web::http::header;
use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, patch, post};
use ensemble_wire::{NewUpdate, Page, Update, UpdateChanges};

use super::{UPDATES_PER_HOUR, load_update, page_of, update_id};
use crate::auth::rate_limit::RateLimiter;
use crate::auth::{AtLeastEditor, MaybeAuth, OrgRole, UpdateRole};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::updates::{self as store};
use crate::domain::updates as updates_rules;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::API_PREFIX;
use crate::routes::PageParams;
use crate::routes::uploads::UploadRules;

/// Post an update (the organisation's editors, admins and owners). It reaches every
/// follower's feed at once; posting costs the same whatever their number.
#[utoipa::path(
    tag = "updates",
    operation_id = "create_update",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    request_body = NewUpdate,
    responses(
        (status = 201, description = "Posted; `Location` is its address", body = Update),
        (status = 403, description = "`forbidden`: not in the organisation's team"),
        (status = 409, description = "`upload_quota_exceeded`: the organisation's pictures would take more room than it has"),
        (status = 422, description = "`validation_failed`; a photo that is neither an upload of yours nor one the organisation shows is `no_such_upload`"),
        crate::openapi::problems::NoSuchOrganisation,
        (status = 429, description = "Too many updates: wait `Retry-After` seconds"),
    )
)]
#[post("/organisations/{slug}/updates")]
pub async fn create(
    member: OrgRole<AtLeastEditor>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    rules: Data<UploadRules>,
    Json(body): Json<NewUpdate>,
) -> Result<HttpResponse, ApiError> {
    let post = updates_rules::Post::try_from(&body).map_err(ApiError::Validation)?;
    limiter.take(&format!("update:{}", member.user_id), UPDATES_PER_HOUR)?;
    let (organisation, author) = (member.organisation_id, member.user_id);
    let quota = rules.quota_per_organisation;
    let row = db
        .run(move |conn| store::publish(conn, organisation, author, post, quota))
        .await?;
    let id = row.id;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("{API_PREFIX}/updates/{id}")))
        .json(crate::convert::update(row, false)))
}

/// An organisation's updates, newest first. Public.
#[utoipa::path(
    tag = "updates",
    operation_id = "list_organisation_updates",
    params(("slug" = String, Path, description = "The organisation's slug"), PageParams),
    responses(
        (status = 200, description = "A page of updates", body = Page<Update>),
        crate::openapi::problems::BadPage,
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}/updates")]
pub async fn list_for_organisation(
    viewer: MaybeAuth,
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Update>>, ApiError> {
    let (limit, after) = params.parse()?;
    let slug = slug.into_inner();
    let viewer = viewer.user_id();
    let page = page_of(&db, limit, viewer, move |conn| {
        let id = crate::db::organisations::id_of(conn, &slug)?
            .ok_or(StoreError::NotFound("organisation"))?;
        Ok(store::of_organisation(
            conn,
            id,
            after.as_ref(),
            limit.get(),
        )?)
    })
    .await?;
    Ok(web::Json(page))
}

/// One update. Public.
#[utoipa::path(
    tag = "updates",
    operation_id = "get_update",
    params(("id" = String, Path, description = "The update's id")),
    responses(
        (status = 200, description = "The update", body = Update),
        crate::openapi::problems::NoSuchUpdate,
    )
)]
#[get("/updates/{id}")]
pub async fn get(
    viewer: MaybeAuth,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<Update>, ApiError> {
    let id = update_id(&id)?;
    Ok(web::Json(load_update(&db, id, viewer.user_id()).await?))
}

/// Edit an update (the organisation's editors and above); `edited_at` says when.
#[utoipa::path(
    tag = "updates",
    operation_id = "edit_update",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The update's id")),
    request_body = UpdateChanges,
    responses(
        (status = 200, description = "The edited update", body = Update),
        crate::openapi::problems::NotYourRole,
        crate::openapi::problems::NoSuchUpdate,
        (status = 409, description = "`upload_quota_exceeded`: the organisation's pictures would take more room than it has"),
    )
)]
#[patch("/updates/{id}")]
pub async fn edit(
    editor: UpdateRole<AtLeastEditor>,
    db: Data<Db>,
    rules: Data<UploadRules>,
    Json(body): Json<UpdateChanges>,
) -> Result<web::Json<Update>, ApiError> {
    let changes = updates_rules::PostChanges::try_from(body).map_err(ApiError::Validation)?;
    let (id, user) = (editor.update_id, editor.user_id);
    let quota = rules.quota_per_organisation;
    let (row, reacted) = db
        .run(move |conn| {
            let row = store::edit_as(conn, id, user, changes, quota)?;
            let reacted = !store::reacted(conn, user, &[id])?.is_empty();
            Ok((row, reacted))
        })
        .await?;
    Ok(web::Json(crate::convert::update(row, reacted)))
}

/// Delete an update, with its comments and reactions (the organisation's editors and
/// above). It leaves every feed at once.
#[utoipa::path(
    tag = "updates",
    operation_id = "delete_update",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The update's id")),
    responses(
        (status = 204, description = "Deleted"),
        crate::openapi::problems::NotYourRole,
        crate::openapi::problems::NoSuchUpdate,
    )
)]
#[delete("/updates/{id}")]
pub async fn remove(
    editor: UpdateRole<AtLeastEditor>,
    db: Data<Db>,
) -> Result<HttpResponse, ApiError> {
    let (id, user) = (editor.update_id, editor.user_id);
    db.run(move |conn| store::delete_as(conn, id, user)).await?;
    Ok(HttpResponse::NoContent().finish())
}
