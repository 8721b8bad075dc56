//! Updates (an organisation's news): posting, editing, reactions, comments, and the feed.

use ensemble_wire::{Comment, NewComment, NewUpdate, Page, ReactionState, Update, UpdateChanges};
use gloo_net::http::Method;

use super::{ApiClient, ApiError};

impl ApiClient {
    /// The news of the organisations the person follows, the first page or the one after
    /// `cursor`.
    pub async fn feed(&self, cursor: Option<&str>, limit: u32) -> Result<Page<Update>, ApiError> {
        let mut params = vec![("limit", limit.to_string())];
        if let Some(cursor) = cursor {
            params.push(("cursor", cursor.to_owned()));
        }
        self.get("/me/feed", &params).await
    }

    pub async fn organisation_updates(&self, slug: &str) -> Result<Page<Update>, ApiError> {
        self.get(&format!("/organisations/{slug}/updates"), &[])
            .await
    }

    pub async fn update(&self, id: &str) -> Result<Update, ApiError> {
        self.get(&format!("/updates/{id}"), &[]).await
    }

    pub async fn post_update(&self, slug: &str, body: &NewUpdate) -> Result<Update, ApiError> {
        self.send(
            Method::POST,
            &format!("/organisations/{slug}/updates"),
            Some(body),
        )
        .await
    }

    pub async fn edit_update(&self, id: &str, changes: &UpdateChanges) -> Result<Update, ApiError> {
        self.send(Method::PATCH, &format!("/updates/{id}"), Some(changes))
            .await
    }

    pub async fn delete_update(&self, id: &str) -> Result<(), ApiError> {
        self.send_no_content::<()>(Method::DELETE, &format!("/updates/{id}"), None)
            .await
    }

    /// Reacts to the update (`true`) or takes the reaction back.
    pub async fn set_reaction(&self, id: &str, react: bool) -> Result<ReactionState, ApiError> {
        let method = if react { Method::PUT } else { Method::DELETE };
        self.send::<(), _>(method, &format!("/updates/{id}/reaction"), None)
            .await
    }

    pub async fn comments(&self, update_id: &str, limit: u32) -> Result<Page<Comment>, ApiError> {
        self.get(
            &format!("/updates/{update_id}/comments"),
            &[("limit", limit.to_string())],
        )
        .await
    }

    pub async fn post_comment(
        &self,
        update_id: &str,
        body: &NewComment,
    ) -> Result<Comment, ApiError> {
        let path = format!("/updates/{update_id}/comments");
        self.send(Method::POST, &path, Some(body)).await
    }

    pub async fn delete_comment(&self, id: &str) -> Result<(), ApiError> {
        self.send_no_content::<()>(Method::DELETE, &format!("/comments/{id}"), None)
            .await
    }
}
