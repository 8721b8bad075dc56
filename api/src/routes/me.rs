//! `/me`: the signed-in person's profile, data export, account deletion and API tokens.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, delete, get, patch, post};
use chrono::{DateTime, NaiveDateTime, Utc};
use ensemble_wire::Code;
use ensemble_wire::{AccountDeleted, ApiToken, CreatedApiToken, Me, NewApiToken, Page, UpdateMe};

use crate::auth::{Auth, Read, SessionOnly, Write};
use crate::db::sessions::{self, ApiTokenRow};
use crate::db::users::{self, UserRow};
use crate::db::{Db, donations, teams, write_transaction};
use crate::domain::text;
use crate::domain::users::ProfileChanges;
use crate::error::ApiError;
use crate::extract::Json;
use crate::payments::{self, Payments};

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}

pub fn to_me(row: UserRow) -> Me {
    Me {
        id: row.id.to_string(),
        email: row.email,
        email_verified: row.email_verified,
        display_name: row.display_name,
        avatar_url: row.avatar_url,
        bio: row.bio,
        locale: row.locale,
        country: row.country,
        follows_public: row.follows_public,
        is_admin: row.is_admin,
        created_at: utc(row.created_at),
    }
}

pub(crate) fn to_api_token(row: ApiTokenRow) -> ApiToken {
    ApiToken {
        id: row.id,
        name: row.name,
        scope: row.scope.into(),
        created_at: utc(row.created_at),
        last_used_at: row.last_used_at.map(utc),
    }
}

async fn load_me(db: &Db, user_id: i64) -> Result<UserRow, ApiError> {
    db.run(move |conn| Ok(users::find(conn, user_id)?))
        .await?
        .ok_or(ApiError::Unauthorized(Code::InvalidToken))
}

/// The signed-in person.
#[utoipa::path(
    tag = "me",
    operation_id = "get_me",
    security(("bearer" = [])),
    responses((status = 200, description = "Your profile", body = Me))
)]
#[get("/me")]
pub async fn get_me(auth: Auth<Read>, db: Data<Db>) -> Result<actix_web::web::Json<Me>, ApiError> {
    Ok(actix_web::web::Json(to_me(
        load_me(&db, auth.user_id).await?,
    )))
}

/// Change one's profile. Absent fields are left as they are.
#[utoipa::path(
    tag = "me",
    operation_id = "update_me",
    security(("bearer" = [])),
    request_body = UpdateMe,
    responses(
        (status = 200, description = "The updated profile", body = Me),
    )
)]
#[patch("/me")]
pub async fn update_me(
    auth: Auth<Write>,
    db: Data<Db>,
    Json(body): Json<UpdateMe>,
) -> Result<actix_web::web::Json<Me>, ApiError> {
    let changes = ProfileChanges::try_from(body).map_err(ApiError::Validation)?;
    let user_id = auth.user_id;
    db.run(move |conn| Ok(users::update_profile(conn, user_id, &changes)?))
        .await?;
    Ok(actix_web::web::Json(to_me(load_me(&db, user_id).await?)))
}

/// Delete one's account: the profile, sessions, tokens and follows are erased. Recurring
/// gifts are stopped at the payment provider first (the answer lists them), so nothing is
/// charged afterwards. Donation records stay with the organisations for their accounts, no
/// longer linked to the person.
#[utoipa::path(
    tag = "me",
    operation_id = "delete_me",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Deleted", body = AccountDeleted),
        (status = 403, description = "`session_required`: API tokens cannot delete accounts"),
        (status = 409, description = "`sole_owner`: hand your organisation over or delete it first; `checkout_completing`: a gift is being paid, try again"),
        (status = 502, description = "`provider_unavailable`: a recurring gift could not be stopped; nothing was deleted"),
    )
)]
#[delete("/me")]
pub async fn delete_me(
    auth: Auth<SessionOnly>,
    db: Data<Db>,
    payments: Data<Payments>,
) -> Result<HttpResponse, ApiError> {
    let user_id = auth.user_id;
    // Refused before anything is stopped, rather than after.
    db.run(move |conn| write_transaction(conn, |conn| teams::ensure_not_sole_owner(conn, user_id)))
        .await?;
    let live = db
        .run(move |conn| {
            Ok(donations::live_recurring(
                conn,
                donations::Of::Donor(user_id),
            )?)
        })
        .await?;
    let mut cancelled = Vec::new();
    for gift in live {
        payments::stop_recurring(&payments, &gift).await?;
        let (provider, id) = (gift.provider, gift.id);
        db.run(move |conn| Ok(donations::cancel(conn, provider, id)?))
            .await?;
        cancelled.push(id.to_string());
    }
    db.run(move |conn| users::delete_account(conn, user_id))
        .await?;
    Ok(HttpResponse::Ok().json(AccountDeleted {
        cancelled_donations: cancelled,
    }))
}

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
        items: rows.into_iter().map(to_api_token).collect(),
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
    let name =
        text::single_line("name", &body.name, 1, 80).map_err(|e| ApiError::Validation(vec![e]))?;
    let scope = body.scope.into();
    let user_id = auth.user_id;
    let (row, secret) = db
        .run(move |conn| sessions::create_api_token(conn, user_id, &name, scope))
        .await?;
    Ok(HttpResponse::Created().json(CreatedApiToken {
        id: row.id,
        name: row.name,
        scope: body.scope,
        created_at: utc(row.created_at),
        token: secret,
    }))
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
