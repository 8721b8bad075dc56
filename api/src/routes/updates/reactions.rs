//! `PUT/DELETE /updates/{id}/reaction`: idempotent reactions.

use actix_web::web::{self, Data, Path};
use actix_web::{delete, put};
use ensemble_wire::ReactionState;

use super::update_id;
use crate::auth::{Auth, Write};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::updates::{self as store};
use crate::error::ApiError;

async fn set_reaction(db: &Db, user: i64, id: &str, on: bool) -> Result<ReactionState, ApiError> {
    let id = update_id(id)?;
    db.run(move |conn| {
        store::organisation_of(conn, id)?.ok_or(StoreError::NotFound("update"))?;
        if on {
            store::react(conn, user, id)?;
        } else {
            store::unreact(conn, user, id)?;
        }
        Ok(ReactionState {
            reacted: !store::reacted(conn, user, &[id])?.is_empty(),
            reactions_count: store::reactions_count(conn, id)?,
        })
    })
    .await
    .map_err(ApiError::from)
}

/// React to an update (again: no change).
#[utoipa::path(
    tag = "updates",
    operation_id = "react",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The update's id")),
    responses(
        (status = 200, description = "Reacted", body = ReactionState),
        crate::openapi::problems::NoSuchUpdate,
    )
)]
#[put("/updates/{id}/reaction")]
pub async fn react(
    auth: Auth<Write>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<ReactionState>, ApiError> {
    Ok(web::Json(set_reaction(&db, auth.user_id, &id, true).await?))
}

/// Take your reaction back (none: no change).
#[utoipa::path(
    tag = "updates",
    operation_id = "unreact",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The update's id")),
    responses(
        (status = 200, description = "Not reacted", body = ReactionState),
        crate::openapi::problems::NoSuchUpdate,
    )
)]
#[delete("/updates/{id}/reaction")]
pub async fn unreact(
    auth: Auth<Write>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<web::Json<ReactionState>, ApiError> {
    Ok(web::Json(
        set_reaction(&db, auth.user_id, &id, false).await?,
    ))
}
