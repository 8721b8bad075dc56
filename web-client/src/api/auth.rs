//! Signing up and in: with a password, or through a provider (Google, Facebook, …).

use ensemble_wire::{AuthProvider, AuthResponse, LoginRequest, RegisterRequest};
use gloo_net::http::Method;

use super::client::BASE_PATH;
use super::{ApiClient, ApiError, encode};

impl ApiClient {
    pub async fn register(&self, body: &RegisterRequest) -> Result<AuthResponse, ApiError> {
        self.send(Method::POST, "/auth/register", Some(body)).await
    }

    pub async fn log_in(&self, body: &LoginRequest) -> Result<AuthResponse, ApiError> {
        self.send(Method::POST, "/auth/login", Some(body)).await
    }

    /// The ways to sign in the server is configured with (the password one included).
    pub async fn auth_providers(&self) -> Result<Vec<AuthProvider>, ApiError> {
        self.get("/auth/providers", &[]).await
    }
}

/// Where the browser goes to sign in with `provider`: a server route, not a request of
/// this app. The server sends it back to `/auth/complete`, then to `return_to`.
pub fn provider_sign_in_url(provider: &str, return_to: &str) -> String {
    format!(
        "{BASE_PATH}/auth/oauth/{}/start?return_to={}",
        encode(provider),
        encode(return_to)
    )
}
