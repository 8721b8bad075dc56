//! The permission check is the handler's signature: `Auth<Read>` accepts any valid
//! credential, `Auth<Write>` refuses read-only API tokens (403), `Auth<SessionOnly>`
//! refuses API tokens altogether (account deletion, token management). All answer 401
//! with `WWW-Authenticate` before the handler runs when the credential is missing or bad.

use std::marker::PhantomData;

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::tokens::{API_TOKEN_PREFIX, TokenError, TokenKeys};
use crate::db::Db;
use crate::db::sessions::{self, Principal};
use crate::error::ApiError;

/// What a credential must allow.
pub trait Requirement {
    const WRITE: bool;
    const SESSION_ONLY: bool;
}

/// Reading: any valid credential.
pub struct Read;
/// Writing: a session, or an API token with the `write` scope.
pub struct Write;
/// Only a signed-in session (not an API token).
pub struct SessionOnly;

impl Requirement for Read {
    const WRITE: bool = false;
    const SESSION_ONLY: bool = false;
}
impl Requirement for Write {
    const WRITE: bool = true;
    const SESSION_ONLY: bool = false;
}
impl Requirement for SessionOnly {
    const WRITE: bool = true;
    const SESSION_ONLY: bool = true;
}

/// How the request was authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session { session_id: String },
    ApiToken,
}

/// The authenticated user, checked against requirement `R`.
#[derive(Debug, Clone)]
pub struct Auth<R: Requirement = Read> {
    pub user_id: i64,
    pub is_admin: bool,
    pub credential: Credential,
    _requirement: PhantomData<R>,
}

impl<R: Requirement> FromRequest for Auth<R> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let token = bearer_token(req);
        let db = req.app_data::<Data<Db>>().cloned();
        let keys = req.app_data::<Data<TokenKeys>>().cloned();
        Box::pin(async move {
            let (Some(db), Some(keys)) = (db, keys) else {
                return Err(ApiError::Internal(anyhow::anyhow!(
                    "auth state is not configured"
                )));
            };
            let token = token?;
            let (principal, credential, scope_ok) = if token.starts_with(API_TOKEN_PREFIX) {
                let found = db
                    .run(move |conn| Ok(sessions::principal_for_api_token(conn, &token)?))
                    .await?;
                let (principal, scope) = found.ok_or(ApiError::Unauthorized("invalid_token"))?;
                (principal, Credential::ApiToken, scope == "write")
            } else {
                let claims = keys.verify(&token).map_err(|e| match e {
                    TokenError::Expired => ApiError::Unauthorized("token_expired"),
                    TokenError::Invalid => ApiError::Unauthorized("invalid_token"),
                })?;
                let session_id = claims.session_id.clone();
                let principal: Option<Principal> = db
                    .run(move |conn| {
                        Ok(sessions::principal_for_session(
                            conn,
                            claims.user_id,
                            &claims.session_id,
                        )?)
                    })
                    .await?;
                let principal = principal.ok_or(ApiError::Unauthorized("invalid_token"))?;
                (principal, Credential::Session { session_id }, true)
            };
            if R::SESSION_ONLY && credential == Credential::ApiToken {
                return Err(ApiError::Forbidden("session_required"));
            }
            if R::WRITE && !scope_ok {
                return Err(ApiError::Forbidden("insufficient_scope"));
            }
            Ok(Self {
                user_id: principal.user_id,
                is_admin: principal.is_admin,
                credential,
                _requirement: PhantomData,
            })
        })
    }
}

impl<R: Requirement> Auth<R> {
    /// Signed in with a session, not an API token.
    pub fn is_session(&self) -> bool {
        matches!(self.credential, Credential::Session { .. })
    }
}

/// The token of `Authorization: Bearer <token>`; 401 `unauthorized` when absent.
fn bearer_token(req: &HttpRequest) -> Result<String, ApiError> {
    let value = req
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or(ApiError::Unauthorized("unauthorized"))?
        .to_str()
        .map_err(|_| ApiError::Unauthorized("invalid_token"))?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or(ApiError::Unauthorized("invalid_token"))?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.len() > 4096 {
        return Err(ApiError::Unauthorized("invalid_token"));
    }
    Ok(token.to_owned())
}
