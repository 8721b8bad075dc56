//! The typed client of the Ensemble REST API (`/api/v1`).
//!
//! Success bodies decode into the shared wire types of `ensemble-wire`; error bodies
//! (`application/problem+json`) decode into [`Problem`], so pages can tell a validation error
//! from a missing resource by its stable `code` instead of parsing text. Signed in, every
//! request carries the access token; when it has expired (401), the client trades the
//! refresh token for new ones once and repeats the request, so pages never see it.

use ensemble_wire::{AuthResponse, Problem, RefreshRequest};
use gloo_net::http::{Method, RequestBuilder, Response};
use leptos::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::session::{self, Session};

/// Where the API lives: the same origin as the web app, so no CORS and no configuration.
pub const BASE_PATH: &str = "/api/v1";

/// Why a request did not give the expected value.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No HTTP answer at all: offline, server down, request blocked.
    Network(String),
    /// The server refused or failed, and said why in an RFC 9457 problem body.
    Problem(Problem),
    /// An error status without a problem body, e.g. a proxy's 502 page.
    Status { status: u16, status_text: String },
    /// A body that does not match the wire type: client and server disagree on the contract.
    Decode(String),
}

impl ApiError {
    /// The field errors of a 422, by field name.
    pub fn field_errors(&self) -> Vec<(String, String)> {
        match self {
            ApiError::Problem(problem) => problem
                .errors
                .iter()
                .map(|e| (e.field.clone(), e.code.clone()))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Problem(problem) => Some(problem.code.as_str()),
            _ => None,
        }
    }
}

/// A handle on the API and on the session. Cheap to copy; pages get it from the context.
#[derive(Debug, Clone, Copy)]
pub struct ApiClient {
    session: RwSignal<Option<Session>>,
}

impl ApiClient {
    pub fn new(session: RwSignal<Option<Session>>) -> Self {
        Self { session }
    }

    pub fn signed_in(&self) -> bool {
        self.session.with(Option::is_some)
    }

    /// Keeps the tokens of a sign-in (memory and `localStorage`).
    pub fn sign_in(&self, auth: &AuthResponse) {
        let session = Session {
            access_token: auth.access_token.clone(),
            refresh_token: auth.refresh_token.clone(),
        };
        session::save(&session);
        self.session.set(Some(session));
    }

    /// Uses a session obtained elsewhere (a provider's sign-in), already saved.
    pub fn adopt(&self, session: Session) {
        self.session.set(Some(session));
    }

    pub fn sign_out(&self) {
        session::clear();
        self.session.set(None);
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let query = query
            .iter()
            .map(|(k, v)| format!("{k}={}", encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        let path = if query.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{query}")
        };
        decode(self.send_raw(Method::GET, &path, None).await?).await
    }

    /// A text answer (CSV).
    pub async fn get_text(&self, path: &str) -> Result<String, ApiError> {
        let response = self.send_raw(Method::GET, path, None).await?;
        if response.ok() {
            response
                .text()
                .await
                .map_err(|e| ApiError::Decode(e.to_string()))
        } else {
            Err(problem(response).await)
        }
    }

    /// Sends `body` (JSON) and decodes the answer.
    pub async fn send<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let body = body
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        decode(self.send_raw(method, path, body).await?).await
    }

    /// Like [`Self::send`], with an `Idempotency-Key`.
    pub async fn send_with_key<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
        key: &str,
    ) -> Result<T, ApiError> {
        let body = body
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        let response = self
            .attempt_with(method.clone(), path, body.clone(), Some(key))
            .await?;
        let response = if response.status() == 401 && self.refresh().await {
            self.attempt_with(method, path, body, Some(key)).await?
        } else {
            response
        };
        decode(response).await
    }

    /// Sends `body` (JSON) to an operation answering no content (204, 202).
    pub async fn send_no_content<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> Result<(), ApiError> {
        let body = body
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ApiError::Decode(e.to_string()))?;
        let response = self.send_raw(method, path, body).await?;
        if response.ok() {
            Ok(())
        } else {
            Err(problem(response).await)
        }
    }

    async fn send_raw(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<Response, ApiError> {
        let response = self.attempt(method.clone(), path, body.clone()).await?;
        if response.status() != 401 || !self.refresh().await {
            return Ok(response);
        }
        self.attempt(method, path, body).await
    }

    async fn attempt(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
    ) -> Result<Response, ApiError> {
        self.attempt_with(method, path, body, None).await
    }

    async fn attempt_with(
        &self,
        method: Method,
        path: &str,
        body: Option<String>,
        key: Option<&str>,
    ) -> Result<Response, ApiError> {
        let url = format!("{BASE_PATH}{path}");
        // The API's messages (problem titles, cause names) in the interface's language.
        let mut request = RequestBuilder::new(&url)
            .method(method)
            .header("Accept", "application/json")
            .header("Accept-Language", crate::texts::current_lang().code());
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        if let Some(session) = self.session.get_untracked() {
            request = request.header("Authorization", &format!("Bearer {}", session.access_token));
        }
        let sent = match body {
            Some(body) => {
                request
                    .header("Content-Type", "application/json")
                    .body(body)
                    .map_err(|e| ApiError::Network(e.to_string()))?
                    .send()
                    .await
            }
            None => request.send().await,
        };
        sent.map_err(|e| {
            leptos::logging::warn!("{url}: {e}");
            ApiError::Network(e.to_string())
        })
    }

    /// Trades the refresh token for new tokens; false (and signed out) when it cannot.
    async fn refresh(&self) -> bool {
        let Some(session) = self.session.get_untracked() else {
            return false;
        };
        let body = RefreshRequest {
            refresh_token: session.refresh_token,
        };
        let sent = RequestBuilder::new(&format!("{BASE_PATH}/auth/refresh"))
            .method(Method::POST)
            .json(&body)
            .map_err(|e| e.to_string());
        let refreshed = match sent {
            Ok(request) => match request.send().await {
                Ok(response) if response.ok() => response.json::<AuthResponse>().await.ok(),
                _ => None,
            },
            Err(_) => None,
        };
        match refreshed {
            Some(auth) => {
                self.sign_in(&auth);
                true
            }
            None => {
                self.sign_out();
                false
            }
        }
    }
}

/// Percent-encodes a query value.
pub fn encode(value: &str) -> String {
    js_sys::encode_uri_component(value)
        .as_string()
        .unwrap_or_default()
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|err| ApiError::Decode(err.to_string()));
    }
    Err(problem(response).await)
}

async fn problem(response: Response) -> ApiError {
    let status = response.status();
    let status_text = response.status_text();
    let is_json = response
        .headers()
        .get("content-type")
        .is_some_and(|content_type| content_type.contains("json"));
    // Anything in front of the API (proxy, static file server) may answer with HTML.
    let problem = if is_json {
        response.json::<Problem>().await.ok()
    } else {
        None
    };
    problem.map_or(
        ApiError::Status {
            status,
            status_text,
        },
        ApiError::Problem,
    )
}
