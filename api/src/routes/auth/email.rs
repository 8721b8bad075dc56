//! Links sent by mail, redeemed: `POST /auth/email/confirm` (proving an address, or taking
//! a new one) and the forgotten password (`/auth/password/forgot`, then `/reset`). They
//! need no sign-in: whoever opens the link in their mail proves they read that mail.

use std::time::Duration;

use actix_web::web::{self, Data};
use actix_web::{HttpResponse, post};
use ensemble_wire::email::{AddressConfirmed, ForgotPassword, MailToken, ResetPassword};

use crate::auth::password;
use crate::auth::rate_limit::{AuthLimits, Limit, RateLimiter};
use crate::client_ip::ClientIp;
use crate::db::Db;
use crate::db::accounts::{self, Confirmed};
use crate::domain::users::{Email, NewPassword};
use crate::error::ApiError;
use crate::extract::Json;
use crate::jobs::Wake;

/// Mail of one kind to one address, in an hour: enough for someone who lost a message,
/// too few to flood an inbox.
pub const MAIL_PER_ADDRESS: Limit = Limit {
    max: 5,
    window: Duration::from_secs(3600),
};

/// Open a link sent to prove an address or to take a new one. Answers the address, now
/// proven.
#[utoipa::path(
    tag = "auth",
    operation_id = "confirm_email",
    request_body = MailToken,
    responses(
        (status = 200, description = "The address is proven (and, for a new address, the account's now)", body = AddressConfirmed),
        (status = 409, description = "`email_taken`: another account took this address meanwhile"),
        (status = 422, description = "`invalid_token` (forged, used, or for an address the account no longer has) or `token_expired`, on `token`"),
        (status = 429, description = "`rate_limited`"),
    )
)]
#[post("/auth/email/confirm")]
pub async fn confirm(
    client: ClientIp,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    limits: Data<AuthLimits>,
    wake: Data<Wake>,
    Json(body): Json<MailToken>,
) -> Result<web::Json<AddressConfirmed>, ApiError> {
    limiter.take(&format!("ip:{client}"), limits.per_ip)?;
    let confirmed = db
        .run(move |conn| accounts::confirm_address(conn, &body.token))
        .await?;
    Ok(web::Json(match confirmed {
        Confirmed::Verified { email } => AddressConfirmed {
            email,
            changed: false,
        },
        Confirmed::Changed { email } => {
            wake.now();
            AddressConfirmed {
                email,
                changed: true,
            }
        }
    }))
}

/// Ask for a link to choose a new password. The same answer whether or not an account has
/// this address, and the link goes only to that address.
#[utoipa::path(
    tag = "auth",
    operation_id = "forgot_password",
    request_body = ForgotPassword,
    responses(
        (status = 202, description = "If an account has this address, a link is on its way"),
        (status = 429, description = "`rate_limited`: too many requests from this client or for this address"),
    )
)]
#[post("/auth/password/forgot")]
pub async fn forgot(
    client: ClientIp,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    limits: Data<AuthLimits>,
    wake: Data<Wake>,
    Json(body): Json<ForgotPassword>,
) -> Result<HttpResponse, ApiError> {
    limiter.take(&format!("ip:{client}"), limits.per_ip)?;
    let email = Email::parse(&body.email).map_err(|e| ApiError::Validation(vec![e]))?;
    limiter.take(&format!("mail:reset:{}", email.key), MAIL_PER_ADDRESS)?;
    db.run(move |conn| accounts::ask_reset(conn, &email))
        .await?;
    wake.now();
    Ok(HttpResponse::Accepted().finish())
}

/// Choose a new password with the link's token. Every session ends (sign in again); the
/// address is proven, and its owner told.
#[utoipa::path(
    tag = "auth",
    operation_id = "reset_password",
    request_body = ResetPassword,
    responses(
        (status = 204, description = "The password is changed; every session ended"),
        (status = 422, description = "`invalid_token` or `token_expired` on `token`; the password's own rules on `new_password`"),
        (status = 429, description = "`rate_limited`"),
    )
)]
#[post("/auth/password/reset")]
pub async fn reset(
    client: ClientIp,
    db: Data<Db>,
    limiter: Data<RateLimiter>,
    limits: Data<AuthLimits>,
    wake: Data<Wake>,
    Json(body): Json<ResetPassword>,
) -> Result<HttpResponse, ApiError> {
    limiter.take(&format!("ip:{client}"), limits.per_ip)?;
    let new = NewPassword::parse_field("new_password", &body.new_password, None)
        .map_err(|e| ApiError::Validation(vec![e]))?;
    let secret = new.expose().to_owned();
    let hash = web::block(move || password::hash(&secret))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    db.run(move |conn| accounts::reset_password(conn, &body.token, &hash))
        .await?;
    wake.now();
    Ok(HttpResponse::NoContent().finish())
}
