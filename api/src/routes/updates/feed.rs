//! The feeds: a reader's (`/me/feed`, the hot path) and a cause's.

use actix_web::get;
use actix_web::web::{self, Data, Path};
use ensemble_wire::{Page, Update};

use super::page_of;
use crate::auth::{Auth, MaybeAuth, Read};
use crate::db::StoreError;
use crate::db::updates::{self as store};
use crate::db::{Db, causes};
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::PageParams;

/// Your feed: the updates of the organisations you follow, newest first. Keyset-paged
/// on (created_at, id): stable while others post.
#[utoipa::path(
    tag = "me",
    operation_id = "my_feed",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of your feed", body = Page<Update>),
        crate::openapi::problems::BadPage,
    )
)]
#[get("/me/feed")]
pub async fn feed(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Update>>, ApiError> {
    let (limit, after) = params.parse()?;
    let user = auth.user_id;
    let page = page_of(&db, limit, Some(user), move |conn| {
        Ok(store::feed(conn, user, after.as_ref(), limit.get())?)
    })
    .await?;
    Ok(web::Json(page))
}

/// The newest updates of the organisations working on a cause (and its narrower causes).
#[utoipa::path(
    tag = "causes",
    operation_id = "cause_updates",
    params(("slug" = String, Path, description = "The cause's slug"), PageParams),
    responses(
        (status = 200, description = "A page of updates", body = Page<Update>),
        crate::openapi::problems::BadPage,
        crate::openapi::problems::NoSuchCause,
    )
)]
#[get("/causes/{slug}/updates")]
pub async fn cause_updates(
    viewer: MaybeAuth,
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Update>>, ApiError> {
    let (limit, after) = params.parse()?;
    let slug = slug.into_inner();
    let viewer = viewer.user_id();
    let page = page_of(&db, limit, viewer, move |conn| {
        let ids = causes::with_children(conn, &slug)?.ok_or(StoreError::NotFound("cause"))?;
        Ok(store::in_causes(
            conn,
            &ids,
            after.as_ref(),
            None,
            limit.get(),
        )?)
    })
    .await?;
    Ok(web::Json(page))
}
