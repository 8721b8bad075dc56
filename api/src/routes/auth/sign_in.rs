//! `/auth`: registration, sign-in, token refresh and logout.

use actix_web::http::header;
use actix_web::web::{self, Data};
use actix_web::{HttpRequest, HttpResponse, get, post};
use ensemble_wire::Code;
use ensemble_wire::{AuthProvider, AuthResponse, LoginRequest, RefreshRequest, RegisterRequest};

use crate::auth::oauth::OAuth;
use crate::auth::password;
use crate::auth::rate_limit::{AuthLimits, RateLimiter};
use crate::auth::tokens::{ACCESS_TTL_SECS, TokenKeys};
use crate::client_ip::ClientIp;
use crate::context;
use crate::db::Db;
use crate::db::sessions::{self, Rotation};
use crate::db::users::{self, UserRow};
use crate::domain::text::field_error;
use crate::domain::users::Registration;
use crate::error::ApiError;
use crate::extract::Json;
use crate::mail::signed::InvitationKey;
use ensemble_wire::Me;

fn user_agent(req: &HttpRequest) -> String {
    req.headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Opens a session for `user` and answers with its tokens.
async fn sign_in(
    db: &Db,
    keys: &TokenKeys,
    user: UserRow,
    user_agent: String,
) -> Result<AuthResponse, ApiError> {
    let user_id = user.id;
    let (session_id, refresh_token) = db
        .run(move |conn| Ok(sessions::open(conn, user_id, &user_agent)?))
        .await?;
    answer(keys, user, &session_id, refresh_token)
}

/// The tokens of a session: a new access token, and the refresh token given.
fn answer(
    keys: &TokenKeys,
    user: UserRow,
    session_id: &str,
    refresh_token: String,
) -> Result<AuthResponse, ApiError> {
    Ok(AuthResponse {
        access_token: keys.issue(user.id, session_id)?,
        refresh_token,
        token_type: "Bearer".into(),
        expires_in: ACCESS_TTL_SECS,
        user: Me::from(user),
    })
}

/// Create an account with an email and a password.
#[utoipa::path(
    tag = "auth",
    operation_id = "register",
    request_body = RegisterRequest,
    responses(
        (status = 201, description = "Account created and signed in", body = AuthResponse),
        (status = 409, description = "`email_taken`"),
        (status = 422, description = "`validation_failed`: a field is not valid, or the `invitation` link is not valid (`invalid_token`), has lapsed (`invitation_expired`) or was answered (`invitation_answered`)"),
        (status = 429, description = "`rate_limited`"),
    )
)]
#[post("/auth/register")]
// Each argument is a piece of the request or of the server that actix hands over.
#[allow(clippy::too_many_arguments)]
pub async fn register(
    req: HttpRequest,
    client: ClientIp,
    db: Data<Db>,
    keys: Data<TokenKeys>,
    limiter: Data<RateLimiter>,
    limits: Data<AuthLimits>,
    invitations: Data<InvitationKey>,
    Json(body): Json<RegisterRequest>,
) -> Result<HttpResponse, ApiError> {
    limiter.take(&format!("ip:{client}"), limits.per_ip)?;
    let asked_in = context::current().map(|c| c.lang).unwrap_or_default();
    let registration = Registration::parse(&body, asked_in).map_err(ApiError::Validation)?;
    let invitation = match &body.invitation {
        Some(token) => Some(invitations.verify(token).ok_or_else(|| {
            ApiError::Validation(vec![field_error(
                "invitation",
                Code::InvalidToken,
                "this invitation link is not valid",
            )])
        })?),
        None => None,
    };
    let secret = registration.password.expose().to_owned();
    let hash = web::block(move || password::hash(&secret))
        .await
        .map_err(|e| ApiError::Internal(e.into()))??;
    let user = db
        .run(move |conn| users::register(conn, &registration, &hash, invitation.as_deref()))
        .await?;
    let answer = sign_in(&db, &keys, user, user_agent(&req)).await?;
    Ok(HttpResponse::Created().json(answer))
}

/// Sign in with an email and a password.
#[utoipa::path(
    tag = "auth",
    operation_id = "login",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "Signed in", body = AuthResponse),
        (status = 401, description = "`invalid_credentials`: the same answer whether or not the email exists"),
        (status = 429, description = "`rate_limited`"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    req: HttpRequest,
    client: ClientIp,
    db: Data<Db>,
    keys: Data<TokenKeys>,
    limiter: Data<RateLimiter>,
    limits: Data<AuthLimits>,
    Json(body): Json<LoginRequest>,
) -> Result<HttpResponse, ApiError> {
    limiter.take(&format!("ip:{client}"), limits.per_ip)?;
    let email_key = body.email.trim().to_lowercase();
    // The attempt is taken before the password is checked, so that concurrent guesses
    // cannot all be checked before any is counted; a success gives it back. Keyed on the
    // account and the client, so a stranger's guesses elsewhere lock nobody out.
    let account_key = format!("account:{email_key}|{client}");
    limiter.take(&account_key, limits.per_account)?;

    let user = if email_key.chars().any(char::is_control) {
        None
    } else {
        db.run(move |conn| Ok(users::find_by_email(conn, &email_key)?))
            .await?
    };
    let stored = user.as_ref().and_then(|u| u.password_hash.clone());
    let password = body.password;
    let valid = web::block(move || password::verify(&password, stored.as_deref()))
        .await
        .map_err(|e| ApiError::Internal(e.into()))?;
    let Some(user) = user.filter(|_| valid) else {
        return Err(ApiError::Unauthorized(Code::InvalidCredentials));
    };
    limiter.give_back(&account_key);
    let answer = sign_in(&db, &keys, user, user_agent(&req)).await?;
    Ok(HttpResponse::Ok().json(answer))
}

/// Trade a refresh token for new tokens. Each refresh token works once; presenting a used
/// one again ends its whole session (it may have been stolen).
#[utoipa::path(
    tag = "auth",
    operation_id = "refresh",
    request_body = RefreshRequest,
    responses(
        (status = 200, description = "New tokens", body = AuthResponse),
        (status = 401, description = "`invalid_refresh_token` or `refresh_token_reused`"),
    )
)]
#[post("/auth/refresh")]
pub async fn refresh(
    db: Data<Db>,
    keys: Data<TokenKeys>,
    Json(body): Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    let rotated = db
        .run(move |conn| {
            Ok(match sessions::rotate(conn, &body.refresh_token)? {
                Rotation::Rotated {
                    user_id,
                    session_id,
                    refresh_token,
                } => users::find(conn, user_id)?
                    .map(|user| (user, session_id, refresh_token))
                    .ok_or(Code::InvalidRefreshToken),
                Rotation::Reused => Err(Code::RefreshTokenReused),
                Rotation::Invalid => Err(Code::InvalidRefreshToken),
            })
        })
        .await?;
    let (user, session_id, refresh_token) = rotated.map_err(ApiError::Unauthorized)?;
    Ok(HttpResponse::Ok().json(answer(&keys, user, &session_id, refresh_token)?))
}

/// End the session of a refresh token: it and the access tokens of its session stop working.
#[utoipa::path(
    tag = "auth",
    operation_id = "logout",
    request_body = RefreshRequest,
    responses((status = 204, description = "Signed out (also when the token was unknown)"))
)]
#[post("/auth/logout")]
pub async fn logout(
    db: Data<Db>,
    Json(body): Json<RefreshRequest>,
) -> Result<HttpResponse, ApiError> {
    db.run(move |conn| {
        Ok(sessions::revoke_by_refresh_token(
            conn,
            &body.refresh_token,
        )?)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The ways to sign in that this server offers.
#[utoipa::path(
    tag = "auth",
    operation_id = "list_auth_providers",
    responses((status = 200, description = "Sign-in methods", body = Vec<AuthProvider>))
)]
#[get("/auth/providers")]
pub async fn providers(oauth: Data<OAuth>) -> HttpResponse {
    let password = AuthProvider {
        id: "password".into(),
        name: "Email and password".into(),
    };
    HttpResponse::Ok().json(
        std::iter::once(password)
            .chain(oauth.list())
            .collect::<Vec<_>>(),
    )
}
