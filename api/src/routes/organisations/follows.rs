//! Following an organisation: `GET/PUT/DELETE /organisations/{slug}/follow`, and the
//! public list of its followers (those whose follows are public).

use crate::auth::{Auth, Read, Write};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::{follows, organisations};
use crate::domain::pagination::split_page;
use crate::error::ApiError;
use crate::extract::Query;
use crate::routes::PageParams;
use actix_web::web::{self, Data, Path};
use actix_web::{delete, get, put};
use ensemble_wire::{FollowState, Follower, Page};

async fn set_following(
    db: &Db,
    user_id: i64,
    slug: String,
    following: bool,
) -> Result<FollowState, ApiError> {
    db.run(move |conn| {
        let id = organisations::id_of(conn, &slug)?.ok_or(StoreError::NotFound("organisation"))?;
        if following {
            follows::follow(conn, user_id, id)?;
        } else {
            follows::unfollow(conn, user_id, id)?;
        }
        Ok(follows::state(conn, user_id, id)?.into())
    })
    .await
    .map_err(ApiError::from)
}

/// Whether you follow an organisation, with its number of followers: what a follow
/// button needs, without loading your whole list of follows.
#[utoipa::path(
    tag = "follows",
    operation_id = "get_follow_state",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "Your follow of it", body = FollowState),
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}/follow")]
pub async fn follow_state(
    auth: Auth<Read>,
    db: Data<Db>,
    slug: Path<String>,
) -> Result<web::Json<FollowState>, ApiError> {
    let (user_id, slug) = (auth.user_id, slug.into_inner());
    let state = db
        .run(move |conn| {
            let id =
                organisations::id_of(conn, &slug)?.ok_or(StoreError::NotFound("organisation"))?;
            Ok(follows::state(conn, user_id, id)?.into())
        })
        .await?;
    Ok(web::Json(state))
}

/// Follow an organisation (again: no change). Its updates reach your feed.
#[utoipa::path(
    tag = "follows",
    operation_id = "follow_organisation",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "Followed", body = FollowState),
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[put("/organisations/{slug}/follow")]
pub async fn follow(
    auth: Auth<Write>,
    db: Data<Db>,
    slug: Path<String>,
) -> Result<web::Json<FollowState>, ApiError> {
    Ok(web::Json(
        set_following(&db, auth.user_id, slug.into_inner(), true).await?,
    ))
}

/// Stop following an organisation (not following it: no change).
#[utoipa::path(
    tag = "follows",
    operation_id = "unfollow_organisation",
    security(("bearer" = [])),
    params(("slug" = String, Path, description = "The organisation's slug")),
    responses(
        (status = 200, description = "Not followed", body = FollowState),
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[delete("/organisations/{slug}/follow")]
pub async fn unfollow(
    auth: Auth<Write>,
    db: Data<Db>,
    slug: Path<String>,
) -> Result<web::Json<FollowState>, ApiError> {
    Ok(web::Json(
        set_following(&db, auth.user_id, slug.into_inner(), false).await?,
    ))
}

/// The people following an organisation who chose to show their follows, newest first.
#[utoipa::path(
    tag = "follows",
    operation_id = "list_followers",
    params(("slug" = String, Path, description = "The organisation's slug"), PageParams),
    responses(
        (status = 200, description = "A page of followers", body = Page<Follower>),
        crate::openapi::problems::BadPage,
        crate::openapi::problems::NoSuchOrganisation,
    )
)]
#[get("/organisations/{slug}/followers")]
pub async fn followers(
    db: Data<Db>,
    slug: Path<String>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<Follower>>, ApiError> {
    let (limit, after) = PageParams::parse(&params)?;
    let slug = slug.into_inner();
    let rows = db
        .run(move |conn| {
            let id =
                organisations::id_of(conn, &slug)?.ok_or(StoreError::NotFound("organisation"))?;
            Ok(follows::followers(conn, id, after, limit.get())?)
        })
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, follows::FollowerRow::key);
    Ok(web::Json(Page {
        items: rows.into_iter().map(Follower::from).collect(),
        next_cursor,
    }))
}
