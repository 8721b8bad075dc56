//! `/me/sessions` and `/me/password`: the devices signed in to an account, ending one of
//! them, and changing the password (which ends every other session).

use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, delete, get, post};
use ensemble_wire::Code;
use ensemble_wire::{ChangePassword, Page, SessionInfo};

use crate::auth::extract::Credential;
use crate::auth::password;
use crate::auth::rate_limit::{AuthLimits, RateLimiter};
use crate::auth::{Auth, Read, SessionOnly};
use crate::client_ip::ClientIp;
use crate::db::sessions::{self};
use crate::db::{Db, users};
use crate::domain::pagination::{TextKeysetAfter, split_page};
use crate::domain::users::NewPassword;
use crate::error::ApiError;
use crate::extract::{Json, Query};
use crate::routes::PageParams;

fn session_of<R: crate::auth::extract::Requirement>(auth: &Auth<R>) -> Option<String> {
    match &auth.credential {
        Credential::Session { session_id } => Some(session_id.clone()),
        Credential::ApiToken => None,
    }
}

/// The devices signed in to your account, newest first.
#[utoipa::path(
    tag = "me",
    operation_id = "list_sessions",
    security(("bearer" = [])),
    params(PageParams),
    responses(
        (status = 200, description = "A page of live sessions", body = Page<SessionInfo>),
        crate::openapi::problems::BadPage,
    )
)]
#[get("/me/sessions")]
pub async fn list(
    auth: Auth<Read>,
    db: Data<Db>,
    Query(params): Query<PageParams>,
) -> Result<web::Json<Page<SessionInfo>>, ApiError> {
    let (limit, after) = params.parse_text()?;
    let user_id = auth.user_id;
    let rows = db
        .run(move |conn| Ok(sessions::live_sessions(conn, user_id, after, limit.get())?))
        .await?;
    let (rows, next_cursor) = split_page(rows, limit, |row| TextKeysetAfter {
        created_at: row.created_at,
        id: row.id.clone(),
    });
    let current = session_of(&auth);
    Ok(web::Json(Page {
        items: rows
            .into_iter()
            .map(|row| crate::convert::session(row, current.as_deref()))
            .collect(),
        next_cursor,
    }))
}

/// Sign a device out: its tokens stop working at once (this one's too, if it is the
/// current session).
#[utoipa::path(
    tag = "me",
    operation_id = "revoke_session",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The session's id")),
    responses(
        (status = 204, description = "Ended"),
        (status = 403, description = "`session_required`: API tokens cannot end sessions"),
        (status = 404, description = "You have no such live session"),
    )
)]
#[delete("/me/sessions/{id}")]
pub async fn revoke(
    auth: Auth<SessionOnly>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id;
    let id = id.into_inner();
    let ended = db
        .run(move |conn| Ok(sessions::revoke_own_session(conn, user_id, &id)?))
        .await?;
    if ended {
        Ok(HttpResponse::NoContent().finish())
    } else {
        Err(ApiError::NotFound("session"))
    }
}

/// Change your password: the one in use now is asked again. Every other session ends;
/// this one goes on.
#[utoipa::path(
    tag = "me",
    operation_id = "change_password",
    security(("bearer" = [])),
    request_body = ChangePassword,
    responses(
        (status = 204, description = "Changed; the other sessions are ended"),
        (status = 403, description = "`session_required`, or `wrong_password`"),
        (status = 409, description = "`no_password`: this account signs in through a provider only"),
        (status = 422, description = "The new password is refused (`too_short`, `too_common`, …)"),
        (status = 429, description = "`rate_limited`: too many wrong passwords"),
    )
)]
#[post("/me/password")]
pub async fn change_password(
    auth: Auth<SessionOnly>,
    client: ClientIp,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    limits: Data<AuthLimits>,
    Json(body): Json<ChangePassword>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id;
    let user = db
        .run(move |conn| Ok(users::find(conn, user_id)?))
        .await?
        .ok_or(ApiError::Unauthorized(Code::InvalidToken))?;
    let Some(stored) = user.password_hash.clone() else {
        return Err(ApiError::Conflict(
            Code::NoPassword,
            "This account signs in through a provider and has no password to change.".into(),
        ));
    };
    let email = crate::domain::users::Email::parse(&user.email).ok();
    let new = NewPassword::parse_field("new_password", &body.new_password, email.as_ref())
        .map_err(|e| ApiError::Validation(vec![e]))?;
    // The same limit as signing in: a stolen session cannot try passwords endlessly.
    let key = format!("account:{}|{client}", user.email.trim().to_lowercase());
    limiter.take(&key, limits.per_account)?;
    let current = body.current_password;
    let right = web::block(move || password::verify(&current, Some(&stored)))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    if !right {
        return Err(ApiError::Forbidden(Code::WrongPassword));
    }
    limiter.give_back(&key);
    let secret = new.expose().to_owned();
    let hash = web::block(move || password::hash(&secret))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    let keep = session_of(&auth);
    db.run(move |conn| {
        Ok(sessions::change_password(
            conn,
            user_id,
            &hash,
            keep.as_deref(),
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}
