//! `/me/email`: asking again for the link that proves the account's address, and changing
//! the address (it changes when the link sent to the new one is opened).

use std::time::Duration;

use actix_web::web::{self, Data};
use actix_web::{HttpResponse, post};
use ensemble_wire::Code;
use ensemble_wire::email::ChangeEmail;

use crate::auth::password;
use crate::auth::rate_limit::{AuthLimits, Limit, RateLimiter};
use crate::auth::{Auth, SessionOnly, Write};
use crate::client_ip::ClientIp;
use crate::db::{Db, accounts, users};
use crate::domain::users::Email;
use crate::error::ApiError;
use crate::extract::Json;
use crate::jobs::Wake;
use crate::routes::auth::email::MAIL_PER_ADDRESS;

/// Links one account may ask for in an hour, whatever the address.
const MAIL_PER_ACCOUNT: Limit = Limit {
    max: 5,
    window: Duration::from_secs(3600),
};

/// Send the link that proves your address again (the earlier ones stop working).
#[utoipa::path(
    tag = "me",
    operation_id = "ask_email_verification",
    security(("bearer" = [])),
    responses(
        (status = 202, description = "A new link is on its way"),
        (status = 409, description = "`already_verified`"),
        (status = 429, description = "`rate_limited`"),
    )
)]
#[post("/me/email/verification")]
pub async fn ask_verification(
    auth: Auth<Write>,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    wake: Data<Wake>,
) -> Result<HttpResponse, ApiError> {
    limiter.take(&format!("mail:account:{}", auth.user_id), MAIL_PER_ACCOUNT)?;
    let user_id = auth.user_id;
    let asked = db
        .run(move |conn| accounts::ask_verification(conn, user_id))
        .await?;
    if !asked {
        return Err(ApiError::Conflict(
            Code::AlreadyVerified,
            "Your address is proven already.".into(),
        ));
    }
    wake.now();
    Ok(HttpResponse::Accepted().finish())
}

/// Change your address: a link goes to the new one, and the account takes it when the link
/// is opened (the old address is then told). An account with a password gives it.
#[utoipa::path(
    tag = "me",
    operation_id = "change_email",
    security(("bearer" = [])),
    request_body = ChangeEmail,
    responses(
        (status = 202, description = "A link is on its way to the new address"),
        (status = 403, description = "`wrong_password`, or `session_required`"),
        (status = 429, description = "`rate_limited`"),
    )
)]
#[post("/me/email")]
pub async fn change(
    auth: Auth<SessionOnly>,
    client: ClientIp,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    limits: Data<AuthLimits>,
    wake: Data<Wake>,
    Json(body): Json<ChangeEmail>,
) -> Result<HttpResponse, ApiError> {
    let email = Email::parse(&body.email).map_err(|e| ApiError::Validation(vec![e]))?;
    limiter.take(&format!("mail:account:{}", auth.user_id), MAIL_PER_ACCOUNT)?;
    limiter.take(&format!("mail:change:{}", email.key), MAIL_PER_ADDRESS)?;
    let user_id = auth.user_id;
    let user = db
        .run(move |conn| Ok(users::find(conn, user_id)?))
        .await?
        .ok_or(ApiError::Unauthorized(Code::InvalidToken))?;
    if let Some(stored) = user.password_hash.clone() {
        // The same limit as signing in: a stolen session cannot try passwords endlessly.
        let key = format!("account:{}|{client}", user.email.trim().to_lowercase());
        limiter.take(&key, limits.per_account)?;
        let given = body.password.unwrap_or_default();
        let right = web::block(move || password::verify(&given, Some(&stored)))
            .await
            .map_err(|e| ApiError::Internal(e.into()))?;
        if !right {
            return Err(ApiError::Forbidden(Code::WrongPassword));
        }
        limiter.give_back(&key);
    }
    db.run(move |conn| accounts::ask_address_change(conn, user_id, &email))
        .await?;
    wake.now();
    Ok(HttpResponse::Accepted().finish())
}
