//! `/me/tokens`: personal API tokens for third-party clients (created and revoked from a
//! signed-in session only; the secret is shown once).

use crate::auth::{Auth, Read, SessionOnly};
use crate::db::Db;
use crate::db::sessions::{self};
use crate::domain::credentials::NewToken;
use crate::error::ApiError;
use crate::extract::Json;
use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, delete, get, post};
use ensemble_wire::{ApiToken, CreatedApiToken, NewApiToken, Page};

/// Your live API tokens (at most 50, so one page holds them all).
#[utoipa::path(
    tag = "me",
    operation_id = "list_api_tokens",
    security(("bearer" = [])),
    responses((status = 200, description = "Your tokens, newest first", body = Page<ApiToken>))
)]
#[get("/me/tokens")]
pub async fn list_tokens(
    auth: Auth<Read>,
    db: Data<Db>,
) -> Result<actix_web::web::Json<Page<ApiToken>>, ApiError> {
    let user_id = auth.user_id;
    let rows = db
        .run(move |conn| Ok(sessions::list_api_tokens(conn, user_id)?))
        .await?;
    Ok(actix_web::web::Json(Page {
        items: rows.into_iter().map(ApiToken::from).collect(),
        next_cursor: None,
    }))
}

/// Create a personal API token for a third-party client. Its secret is in this answer only.
#[utoipa::path(
    tag = "me",
    operation_id = "create_api_token",
    security(("bearer" = [])),
    request_body = NewApiToken,
    responses(
        (status = 201, description = "Created; store `token` now", body = CreatedApiToken),
        (status = 403, description = "`session_required`: tokens cannot create tokens"),
        (status = 409, description = "`too_many_tokens`"),
    )
)]
#[post("/me/tokens")]
pub async fn create_token(
    auth: Auth<SessionOnly>,
    db: Data<Db>,
    Json(body): Json<NewApiToken>,
) -> Result<HttpResponse, ApiError> {
    let token = NewToken::try_from(body).map_err(ApiError::Validation)?;
    let user_id = auth.user_id;
    let (row, secret) = db
        .run(move |conn| sessions::create_api_token(conn, user_id, &token))
        .await?;
    Ok(HttpResponse::Created().json(crate::convert::created_token(row, secret)))
}

/// Revoke one of your API tokens; it stops working at once.
#[utoipa::path(
    tag = "me",
    operation_id = "revoke_api_token",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The token's id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 403, description = "`session_required`"),
        (status = 404, description = "You have no such token"),
    )
)]
#[delete("/me/tokens/{id}")]
pub async fn revoke_token(
    auth: Auth<SessionOnly>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id;
    let id = id.into_inner();
    let revoked = db
        .run(move |conn| Ok(sessions::revoke_api_token(conn, user_id, &id)?))
        .await?;
    if revoked {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("token"))
    }
}
