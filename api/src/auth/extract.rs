//! The permission check is the handler's signature: `Auth<Read>` accepts any valid
//! credential, `Auth<Write>` refuses read-only API tokens (403), `Auth<SessionOnly>`
//! refuses API tokens altogether (account deletion, token management). All answer 401
//! with `WWW-Authenticate` before the handler runs when the credential is missing or bad.
//! `MaybeAuth` is for public routes that read differently for a signed-in reader: no
//! credential is anonymous, a bad one is 401 (never silently anonymous).
//!
//! A request's credential is checked once ([`authenticate`]) and the answer kept with the
//! request; the [`middleware`] checks it on every API route, so that even a route that
//! ignores who is asking tells a client with a bad or expired token to sign in again.

use ensemble_wire::Code;
use std::marker::PhantomData;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::web::Data;
use actix_web::{FromRequest, HttpMessage, HttpRequest, ResponseError};
use futures_util::future::LocalBoxFuture;

use super::tokens::{TokenError, TokenKeys};
use crate::db::Db;
use crate::db::sessions::{self, Principal};
use crate::domain::credentials::API_TOKEN_PREFIX;
use crate::error::ApiError;

/// What a credential must allow.
pub trait Requirement {
    const WRITE: bool;
    const SESSION_ONLY: bool;
    /// The account's address must be proven: what an unverified account may not do yet
    /// (give, comment, create an organisation) asks for this, and nothing else decides it.
    const VERIFIED: bool = false;
    /// Acts on the network (writes anything others see or that changes what they receive):
    /// refused to a suspended account, which may only read, keep its account safe (sessions,
    /// password, tokens), export its data and delete itself.
    const ACTS: bool;
}

/// Reading: any valid credential.
#[derive(Debug, Clone, Copy)]
pub struct Read;
/// Writing: a session, or an API token with the `write` scope.
#[derive(Debug, Clone, Copy)]
pub struct Write;
/// Only a signed-in session (not an API token).
#[derive(Debug, Clone, Copy)]
pub struct SessionOnly;
/// Writing, by an account whose address is proven (403 `email_not_verified` otherwise).
/// A new account may read and follow at once; what others see of it (comments, gifts, a
/// new organisation) waits until its address is proven, so a throwaway address cannot
/// flood the network.
#[derive(Debug, Clone, Copy)]
pub struct Verified;

impl Requirement for Read {
    const WRITE: bool = false;
    const SESSION_ONLY: bool = false;
    const ACTS: bool = false;
}
impl Requirement for Write {
    const WRITE: bool = true;
    const SESSION_ONLY: bool = false;
    const ACTS: bool = true;
}
impl Requirement for SessionOnly {
    const WRITE: bool = true;
    const SESSION_ONLY: bool = true;
    const ACTS: bool = false;
}
impl Requirement for Verified {
    const WRITE: bool = true;
    const SESSION_ONLY: bool = false;
    const VERIFIED: bool = true;
    const ACTS: bool = true;
}

/// How the request was authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    Session { session_id: String },
    ApiToken,
}

/// A valid credential: whose it is, and what it allows.
#[derive(Debug, Clone)]
pub struct Authenticated {
    pub user_id: i64,
    pub is_admin: bool,
    pub credential: Credential,
    /// A session, or an API token with the `write` scope.
    pub may_write: bool,
    pub email_verified: bool,
    /// Suspended by the moderators, now.
    pub suspended: bool,
}

/// The authenticated user, checked against requirement `R`.
#[derive(Debug, Clone)]
pub struct Auth<R: Requirement = Read> {
    pub user_id: i64,
    pub is_admin: bool,
    pub credential: Credential,
    _requirement: PhantomData<R>,
}

impl<R: Requirement> Auth<R> {
    /// Signed in with a session, not an API token.
    pub fn is_session(&self) -> bool {
        matches!(self.credential, Credential::Session { .. })
    }

    fn check(found: Authenticated) -> Result<Self, ApiError> {
        if R::SESSION_ONLY && found.credential == Credential::ApiToken {
            return Err(ApiError::Forbidden(Code::SessionRequired));
        }
        if R::WRITE && !found.may_write {
            return Err(ApiError::Forbidden(Code::InsufficientScope));
        }
        if R::ACTS && found.suspended {
            return Err(ApiError::Forbidden(Code::AccountSuspended));
        }
        if R::VERIFIED && !found.email_verified {
            return Err(ApiError::Forbidden(Code::EmailNotVerified));
        }
        Ok(Self {
            user_id: found.user_id,
            is_admin: found.is_admin,
            credential: found.credential,
            _requirement: PhantomData,
        })
    }
}

impl<R: Requirement> FromRequest for Auth<R> {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match authenticate(&req).await? {
                Some(found) => Self::check(found),
                None => Err(ApiError::Unauthorized(Code::Unauthorized)),
            }
        })
    }
}

/// The reader of a public route, if signed in: `None` without credentials, 401 with bad
/// ones (so a client learns its token expired instead of being served as a stranger).
#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<Auth<Read>>);

impl MaybeAuth {
    pub fn user_id(&self) -> Option<i64> {
        self.0.as_ref().map(|auth| auth.user_id)
    }
}

impl FromRequest for MaybeAuth {
    type Error = ApiError;
    type Future = LocalBoxFuture<'static, Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        Box::pin(async move {
            match authenticate(&req).await? {
                Some(found) => Ok(Self(Some(Auth::check(found)?))),
                None => Ok(Self(None)),
            }
        })
    }
}

/// The request's credential, checked once and kept with the request: `None` when it
/// carries none, 401 when it carries a bad one.
pub async fn authenticate(req: &HttpRequest) -> Result<Option<Authenticated>, ApiError> {
    if let Some(known) = req.extensions().get::<Option<Authenticated>>() {
        return Ok(known.clone());
    }
    let found = match bearer_token(req)? {
        None => None,
        Some(token) => Some(verify(req, token).await?),
    };
    req.extensions_mut().insert(found.clone());
    Ok(found)
}

async fn verify(req: &HttpRequest, token: String) -> Result<Authenticated, ApiError> {
    let db = req.app_data::<Data<Db>>().cloned();
    let keys = req.app_data::<Data<TokenKeys>>().cloned();
    let (Some(db), Some(keys)) = (db, keys) else {
        return Err(ApiError::Internal(anyhow::anyhow!(
            "auth state is not configured"
        )));
    };
    if token.starts_with(API_TOKEN_PREFIX) {
        let found = db
            .run(move |conn| Ok(sessions::principal_for_api_token(conn, &token)?))
            .await?;
        let (principal, scope) = found.ok_or(ApiError::Unauthorized(Code::InvalidToken))?;
        return Ok(Authenticated {
            user_id: principal.user_id,
            is_admin: principal.is_admin,
            credential: Credential::ApiToken,
            may_write: scope == crate::domain::credentials::Scope::Write,
            email_verified: principal.email_verified,
            suspended: principal.suspended(),
        });
    }
    let claims = keys.verify(&token).map_err(|e| match e {
        TokenError::Expired => ApiError::Unauthorized(Code::TokenExpired),
        TokenError::Invalid => ApiError::Unauthorized(Code::InvalidToken),
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
    let principal = principal.ok_or(ApiError::Unauthorized(Code::InvalidToken))?;
    Ok(Authenticated {
        user_id: principal.user_id,
        is_admin: principal.is_admin,
        credential: Credential::Session { session_id },
        may_write: true,
        email_verified: principal.email_verified,
        suspended: principal.suspended(),
    })
}

/// The token of `Authorization: Bearer <token>`; `None` when there is no such header, 401
/// `invalid_token` when it is not a bearer token.
fn bearer_token(req: &HttpRequest) -> Result<Option<String>, ApiError> {
    let Some(value) = req.headers().get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized(Code::InvalidToken))?;
    let (scheme, token) = value
        .trim()
        .split_once(' ')
        .ok_or(ApiError::Unauthorized(Code::InvalidToken))?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.len() > 4096 {
        return Err(ApiError::Unauthorized(Code::InvalidToken));
    }
    Ok(Some(token.to_owned()))
}

/// Checks the credential of every API request that carries one, before any handler:
/// a bad or expired token is a 401 on public routes too. Not on the sign-in operations
/// (`/auth/…`, where a client trades its expired tokens) nor on provider webhooks.
pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let path = req.path();
    let checked = path.starts_with("/api/v1/")
        && !path.starts_with("/api/v1/auth/")
        && !path.starts_with("/api/v1/payments/")
        && req.headers().contains_key(header::AUTHORIZATION);
    if checked && let Err(error) = authenticate(req.request()).await {
        return Ok(req.into_response(error.error_response()));
    }
    Ok(next.call(req).await?.map_into_boxed_body())
}
