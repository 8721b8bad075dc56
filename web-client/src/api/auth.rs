//! Signing up and in: with a password, or through a provider (Google, Facebook, …); the
//! links sent by mail (proving an address, choosing a new password), which need no sign-in.

use ensemble_wire::email::{AddressConfirmed, ForgotPassword, MailToken, ResetPassword};
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

    /// Redeems a link sent by mail: the address is proven, or becomes the account's new one
    /// (`changed`). A link works once.
    pub async fn confirm_email(&self, body: &MailToken) -> Result<AddressConfirmed, ApiError> {
        self.send(Method::POST, "/auth/email/confirm", Some(body))
            .await
    }

    /// Asks for a link to choose a new password. Answered the same whether or not an
    /// account has the address.
    pub async fn forgot_password(&self, body: &ForgotPassword) -> Result<(), ApiError> {
        self.send_no_content(Method::POST, "/auth/password/forgot", Some(body))
            .await
    }

    /// A new password, with the token of the link that allows it: every session of the
    /// account ends.
    pub async fn reset_password(&self, body: &ResetPassword) -> Result<(), ApiError> {
        self.send_no_content(Method::POST, "/auth/password/reset", Some(body))
            .await
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
