//! `/me/blocks`: the people the signed-in person blocked. Someone blocked cannot reply to
//! their comments nor notify them, and their comments come collapsed to them.

use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, put};
use ensemble_wire::{BlockedUser, Page};

use crate::auth::{Auth, Read, Write};
use crate::db::{Db, blocks};
use crate::error::ApiError;
use crate::routes::user_id;

/// The people you block, the latest first (at most 1,000).
#[utoipa::path(
    tag = "me",
    operation_id = "list_blocks",
    security(("bearer" = [])),
    responses((status = 200, description = "The people you block", body = Page<BlockedUser>))
)]
#[get("/me/blocks")]
pub async fn list(
    auth: Auth<Read>,
    db: Data<Db>,
) -> Result<web::Json<Page<BlockedUser>>, ApiError> {
    let me = auth.user_id;
    let rows = db
        .run(move |conn| Ok(blocks::blocked_by(conn, me)?))
        .await?;
    Ok(web::Json(Page {
        items: rows.into_iter().map(BlockedUser::from).collect(),
        next_cursor: None,
    }))
}

/// Block someone (again: no change): they can no longer reply to your comments nor
/// notify you, and their comments come collapsed to you. They are not told.
#[utoipa::path(
    tag = "me",
    operation_id = "block_user",
    security(("bearer" = [])),
    params(("user_id" = String, Path, description = "The person's id")),
    responses(
        (status = 204, description = "Blocked"),
        (status = 404, description = "No such person"),
        (status = 409, description = "`not_yourself`"),
    )
)]
#[put("/me/blocks/{user_id}")]
pub async fn block(
    auth: Auth<Write>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (me, them) = (auth.user_id, user_id(&id)?);
    db.run(move |conn| blocks::block(conn, me, them)).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Stop blocking someone (not blocked: no change).
#[utoipa::path(
    tag = "me",
    operation_id = "unblock_user",
    security(("bearer" = [])),
    params(("user_id" = String, Path, description = "The person's id")),
    responses(
        (status = 204, description = "Not blocked"),
        (status = 404, description = "Not a person's id"),
    )
)]
#[delete("/me/blocks/{user_id}")]
pub async fn unblock(
    auth: Auth<Write>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let (me, them) = (auth.user_id, user_id(&id)?);
    db.run(move |conn| Ok(blocks::unblock(conn, me, them)?))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
