//! Causes: the list, one cause, its news, and following it.

use ensemble_wire::{Cause, Page, Update};
use gloo_net::http::Method;

use super::{ApiClient, ApiError};

impl ApiClient {
    pub async fn causes(&self) -> Result<Page<Cause>, ApiError> {
        self.get("/causes", &[]).await
    }

    pub async fn cause(&self, slug: &str) -> Result<Cause, ApiError> {
        self.get(&format!("/causes/{slug}"), &[]).await
    }

    /// The latest updates of the organisations working on the cause.
    pub async fn cause_updates(&self, slug: &str, limit: u32) -> Result<Page<Update>, ApiError> {
        self.get(
            &format!("/causes/{slug}/updates"),
            &[("limit", limit.to_string())],
        )
        .await
    }

    /// Follows the cause (`true`) or stops following it.
    pub async fn set_cause_following(&self, slug: &str, follow: bool) -> Result<(), ApiError> {
        let method = if follow { Method::PUT } else { Method::DELETE };
        self.send_no_content::<()>(method, &format!("/causes/{slug}/follow"), None)
            .await
    }
}
