//! The signed-in person's own things: the account, its address, its settings, devices,
//! tokens, what it follows, its notifications and what it receives by mail; and the
//! one-click unsubscribe of a message, which needs no sign-in (the link is the proof).

use ensemble_wire::email::{ChangeEmail, MailPreferences, Unsubscribed, UpdateMailPreferences};
use ensemble_wire::{
    ApiToken, ChangePassword, CreatedApiToken, Following, MarkRead, Me, NewApiToken, Notification,
    Organisation, Page, SessionInfo, UpdateMe,
};
use gloo_net::http::Method;

use super::{ApiClient, ApiError, encode};

impl ApiClient {
    pub async fn me(&self) -> Result<Me, ApiError> {
        self.get("/me", &[]).await
    }

    pub async fn update_me(&self, changes: &UpdateMe) -> Result<Me, ApiError> {
        self.send(Method::PATCH, "/me", Some(changes)).await
    }

    /// Deletes the account and everything in it.
    pub async fn delete_account(&self) -> Result<(), ApiError> {
        self.send_no_content::<()>(Method::DELETE, "/me", None)
            .await
    }

    /// Everything the account holds, as the server writes it (kept whole: the person
    /// downloads it as it is).
    pub async fn export(&self) -> Result<serde_json::Value, ApiError> {
        self.get("/me/export", &[]).await
    }

    /// Mails the link that proves the account's address again (the earlier ones stop
    /// working).
    pub async fn ask_email_verification(&self) -> Result<(), ApiError> {
        self.send_no_content::<()>(Method::POST, "/me/email/verification", None)
            .await
    }

    /// A new address for the account: it becomes the account's once the link mailed to it
    /// is opened.
    pub async fn change_email(&self, body: &ChangeEmail) -> Result<(), ApiError> {
        self.send_no_content(Method::POST, "/me/email", Some(body))
            .await
    }

    pub async fn change_password(&self, body: &ChangePassword) -> Result<(), ApiError> {
        self.send_no_content(Method::POST, "/me/password", Some(body))
            .await
    }

    /// The devices signed in to the account.
    pub async fn sessions(&self, limit: u32) -> Result<Page<SessionInfo>, ApiError> {
        self.get("/me/sessions", &[("limit", limit.to_string())])
            .await
    }

    /// Signs a device out.
    pub async fn revoke_session(&self, id: &str) -> Result<(), ApiError> {
        self.send_no_content::<()>(Method::DELETE, &format!("/me/sessions/{id}"), None)
            .await
    }

    /// Personal API tokens.
    pub async fn tokens(&self) -> Result<Page<ApiToken>, ApiError> {
        self.get("/me/tokens", &[]).await
    }

    pub async fn create_token(&self, body: &NewApiToken) -> Result<CreatedApiToken, ApiError> {
        self.send(Method::POST, "/me/tokens", Some(body)).await
    }

    pub async fn revoke_token(&self, id: &str) -> Result<(), ApiError> {
        self.send_no_content::<()>(Method::DELETE, &format!("/me/tokens/{id}"), None)
            .await
    }

    /// The organisations and causes followed.
    pub async fn following(&self) -> Result<Following, ApiError> {
        self.get("/me/following", &[]).await
    }

    /// Organisations to discover, from the causes followed.
    pub async fn suggestions(&self) -> Result<Page<Organisation>, ApiError> {
        self.get("/me/suggestions", &[]).await
    }

    pub async fn notifications(&self, limit: u32) -> Result<Page<Notification>, ApiError> {
        self.get("/me/notifications", &[("limit", limit.to_string())])
            .await
    }

    pub async fn mark_notifications_read(&self, which: &MarkRead) -> Result<(), ApiError> {
        self.send_no_content(Method::POST, "/me/notifications/read", Some(which))
            .await
    }

    /// What the account receives by mail: each category, the digest and the time zone.
    pub async fn mail_preferences(&self) -> Result<MailPreferences, ApiError> {
        self.get("/me/mail-preferences", &[]).await
    }

    /// Changes what the account receives by mail; what is absent stays as it is.
    pub async fn update_mail_preferences(
        &self,
        changes: &UpdateMailPreferences,
    ) -> Result<MailPreferences, ApiError> {
        self.send(Method::PATCH, "/me/mail-preferences", Some(changes))
            .await
    }

    /// Stops the kind of message (or the digest) whose unsubscribe link carries `token`.
    pub async fn unsubscribe(&self, token: &str) -> Result<Unsubscribed, ApiError> {
        let path = format!("/mail/unsubscribe?token={}", encode(token));
        self.send::<(), _>(Method::POST, &path, None).await
    }
}
