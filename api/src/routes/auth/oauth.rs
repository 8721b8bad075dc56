//! `/auth/oauth/{provider}/…`: signing in through a provider. The callback always answers
//! by sending the browser back to the web app's `/auth/complete` page, with the tokens, or
//! an error code, in the URL fragment: browsers never send a fragment to any server, so
//! the tokens cannot end up in an access log.

use actix_web::cookie::time::Duration as CookieDuration;
use actix_web::cookie::{Cookie, SameSite};
use actix_web::http::header;
use actix_web::web::{Data, Path};
use actix_web::{HttpRequest, HttpResponse, get};
use ensemble_wire::Code;
use serde::Deserialize;
use utoipa::IntoParams;

use crate::auth::oauth::OAuth;
use crate::auth::rate_limit::{AuthLimits, RateLimiter};
use crate::auth::tokens::{ACCESS_TTL_SECS, TokenKeys};
use crate::client_ip::ClientIp;
use crate::context;
use crate::db::Db;
use crate::db::StoreError;
use crate::db::oauth::{self as store, NewState};
use crate::db::sessions;
use crate::domain::credentials::{hash_secret, new_secret};
use crate::error::ApiError;
use crate::extract::Query;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartParams {
    /// Where in the web app to land after signing in: a path such as `/feed`.
    #[param(pattern = "^/[A-Za-z0-9/_-]{0,200}$")]
    pub return_to: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CallbackParams {
    pub code: Option<String>,
    pub state: Option<String>,
    /// Set by the provider when the person refused or something failed there.
    pub error: Option<String>,
}

/// Sign in through a provider: redirects to its consent page.
#[utoipa::path(
    tag = "auth",
    operation_id = "oauth_start",
    params(("provider" = String, Path, description = "An id from `/auth/providers`"), StartParams),
    responses(
        (status = 302, description = "To the provider's sign-in page"),
        (status = 404, description = "No such provider is configured"),
        (status = 429, description = "`rate_limited`"),
        (status = 502, description = "`provider_unavailable`"),
    )
)]
#[get("/auth/oauth/{provider}/start")]
pub async fn start(
    provider: Path<String>,
    Query(params): Query<StartParams>,
    oauth: Data<OAuth>,
    db: Data<Db>,
    client: ClientIp,
    limiter: Data<RateLimiter>,
    limits: Data<AuthLimits>,
) -> Result<HttpResponse, ApiError> {
    // Each start keeps a row until it expires: as many per client as sign-in attempts.
    limiter.take(&format!("ip:{client}"), limits.per_ip)?;
    let provider = oauth
        .provider(&provider)
        .ok_or(StoreError::NotFound("sign-in provider"))?;
    let return_to = match params.return_to {
        Some(path) if is_app_path(&path) => path,
        Some(_) => {
            return Err(ApiError::InvalidQuery(vec![
                crate::domain::text::field_error(
                    "return_to",
                    Code::InvalidValue,
                    "must be a path of this site, such as /feed",
                ),
            ]));
        }
        None => "/".to_owned(),
    };
    let (state, verifier, nonce) = (new_secret(""), new_secret(""), new_secret(""));
    let binding = new_secret("");
    let url = oauth
        .authorization_url(provider, &state, &verifier, &nonce)
        .await
        .map_err(|e| {
            tracing::warn!(provider = provider.id.as_str(), error = %e, "cannot start a provider sign-in");
            ApiError::BadGateway(Code::ProviderUnavailable)
        })?;
    let provider_id = provider.id;
    let state_hash = bound_state_hash(&state, &binding);
    db.run(move |conn| {
        Ok(store::save_state(
            conn,
            &NewState {
                state_hash: &state_hash,
                provider: provider_id,
                code_verifier: &verifier,
                nonce: &nonce,
                return_to: &return_to,
            },
        )?)
    })
    .await?;
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, url.to_string()))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .cookie(binding_cookie(binding, oauth.secure_cookies(), false))
        .finish())
}

/// The browser that starts a sign-in keeps a random value in a cookie, and the stored state
/// is hashed with it: a callback URL opened in another browser (an attacker's sign-in sent
/// to a victim, to sign them into the attacker's account) matches nothing.
const BINDING_COOKIE: &str = "ensemble_oauth";

fn bound_state_hash(state: &str, binding: &str) -> String {
    hash_secret(&format!("{state}.{binding}"))
}

fn binding_cookie(value: String, secure: bool, expire: bool) -> Cookie<'static> {
    let mut cookie = Cookie::build(BINDING_COOKIE, value)
        .path("/api/v1/auth/oauth")
        .http_only(true)
        .secure(secure)
        // Lax: sent on the provider's top-level redirect back to us, not on cross-site
        // subrequests.
        .same_site(SameSite::Lax)
        .max_age(CookieDuration::minutes(store::STATE_TTL_MINUTES))
        .finish();
    if expire {
        cookie.make_removal();
    }
    cookie
}

/// Where the provider sends the browser back. Answers with a redirect to the web app's
/// `/auth/complete`, whose fragment holds `access_token`, `refresh_token`, `token_type`,
/// `expires_in` and `return_to`, or `error` (`access_denied`, `invalid_state`,
/// `email_required`, `email_not_verified`, `provider_error`, `provider_invalid_response`).
#[utoipa::path(
    tag = "auth",
    operation_id = "oauth_callback",
    params(("provider" = String, Path, description = "An id from `/auth/providers`"), CallbackParams),
    responses(
        (status = 302, description = "To the web app's `/auth/complete`, the outcome in the fragment"),
        (status = 404, description = "No such provider is configured"),
    )
)]
#[get("/auth/oauth/{provider}/callback")]
pub async fn callback(
    req: HttpRequest,
    provider: Path<String>,
    Query(params): Query<CallbackParams>,
    oauth: Data<OAuth>,
    keys: Data<TokenKeys>,
    db: Data<Db>,
) -> Result<HttpResponse, ApiError> {
    let provider = oauth
        .provider(&provider)
        .ok_or(StoreError::NotFound("sign-in provider"))?;
    let binding = req
        .cookie(BINDING_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let outcome = complete(&req, provider, params, &binding, &oauth, &keys, &db).await;
    let fragment = match outcome {
        Ok(pairs) => pairs,
        Err(code) => vec![("error", code.as_str().to_owned())],
    };
    let fragment = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fragment)
        .finish();
    Ok(HttpResponse::Found()
        .insert_header((header::LOCATION, format!("/auth/complete#{fragment}")))
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .cookie(binding_cookie(String::new(), oauth.secure_cookies(), true))
        .finish())
}

async fn complete(
    req: &HttpRequest,
    provider: &crate::auth::oauth::Provider,
    params: CallbackParams,
    binding: &str,
    oauth: &OAuth,
    keys: &TokenKeys,
    db: &Db,
) -> Result<Vec<(&'static str, String)>, Code> {
    let (Some(state), provider_id) = (params.state, provider.id) else {
        return Err(Code::InvalidState);
    };
    let claimed = db
        .run({
            let hash = bound_state_hash(&state, binding);
            move |conn| Ok(store::claim_state(conn, &hash, provider_id)?)
        })
        .await
        .map_err(|_| Code::ServerError)?
        .ok_or(Code::InvalidState)?;
    if params.error.is_some() {
        return Err(Code::AccessDenied);
    }
    let code = params.code.ok_or(Code::AccessDenied)?;
    let identity = oauth
        .identity(provider, &code, &claimed.code_verifier, &claimed.nonce)
        .await
        .map_err(|e| {
            tracing::warn!(provider = provider.id.as_str(), error = %e, "provider sign-in failed");
            e.code()
        })?;
    let locale = context::current()
        .map(|c| c.lang)
        .unwrap_or_default()
        .code();
    let user_agent = req
        .headers()
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let (user_id, session_id, refresh_token) = db
        .run(move |conn| {
            let user = store::sign_in_with(conn, provider_id, &identity, locale)?;
            let (session_id, refresh) = sessions::open(conn, user.id, &user_agent)?;
            Ok((user.id, session_id, refresh))
        })
        .await
        .map_err(|e| match e {
            StoreError::Forbidden(code) => code,
            _ => Code::ServerError,
        })?;
    let access_token = keys
        .issue(user_id, &session_id)
        .map_err(|_| Code::ServerError)?;
    Ok(vec![
        ("access_token", access_token),
        ("refresh_token", refresh_token),
        ("token_type", "Bearer".to_owned()),
        ("expires_in", ACCESS_TTL_SECS.to_string()),
        ("user_id", user_id.to_string()),
        ("return_to", claimed.return_to),
    ])
}

/// A path of the web app, never another site (`//evil.example`, `/\evil.example`).
fn is_app_path(path: &str) -> bool {
    path.starts_with('/')
        && path.len() <= 201
        && path[1..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b))
        && !path.starts_with("//")
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_local_paths_are_return_targets() {
        for good in ["/", "/feed", "/organisations/rivers-alive"] {
            assert!(super::is_app_path(good), "{good}");
        }
        for bad in [
            "",
            "feed",
            "//evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/a?b",
            "/a#b",
        ] {
            assert!(!super::is_app_path(bad), "{bad}");
        }
    }
}
