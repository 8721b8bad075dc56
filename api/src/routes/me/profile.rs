//! `/me`: the signed-in person's profile, and deleting the account.

use crate::auth::{Auth, Read, SessionOnly, Write};
use crate::db::users::{self, UserRow};
use crate::db::{Db, donations, teams, write_transaction};
use crate::domain::users::ProfileChanges;
use crate::error::ApiError;
use crate::extract::Json;
use crate::payments::{self, Payments};
use actix_web::web::Data;
use actix_web::{HttpResponse, delete, get, patch};
use ensemble_wire::Code;
use ensemble_wire::{AccountDeleted, Me, UpdateMe};

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
    Ok(actix_web::web::Json(Me::from(
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
    db.run(move |conn| users::update_profile(conn, user_id, &changes))
        .await?;
    Ok(actix_web::web::Json(Me::from(load_me(&db, user_id).await?)))
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
        db.run(move |conn| donations::cancel(conn, provider, id))
            .await?;
        cancelled.push(id.to_string());
    }
    db.run(move |conn| users::delete_account(conn, user_id))
        .await?;
    Ok(HttpResponse::Ok().json(AccountDeleted {
        cancelled_donations: cancelled,
    }))
}
