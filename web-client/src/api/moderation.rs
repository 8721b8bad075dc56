//! Moderation: reporting anything, the moderators' queue and their decisions.

use ensemble_wire::{
    AuditEntry, BannedUser, BlockedUser, Decision, ItemKind, NewAppeal, NewBan, NewItemReport,
    Page, QueueEntry, ReportState,
};
use gloo_net::http::Method;

use super::{ApiClient, ApiError};

/// The API's name of a kind of item.
pub fn kind_name(kind: ItemKind) -> &'static str {
    match kind {
        ItemKind::Comment => "comment",
        ItemKind::Update => "update",
        ItemKind::Organisation => "organisation",
        ItemKind::User => "user",
    }
}

/// The API's name of a report's state.
pub fn state_name(state: ReportState) -> &'static str {
    match state {
        ReportState::Open => "open",
        ReportState::Dismissed => "dismissed",
        ReportState::Upheld => "upheld",
    }
}

impl ApiClient {
    pub async fn report(&self, report: &NewItemReport) -> Result<(), ApiError> {
        self.send_no_content(Method::POST, "/reports", Some(report))
            .await
    }

    /// The reported items this person may moderate, in this state, of this kind if given.
    pub async fn moderation_queue(
        &self,
        kind: Option<ItemKind>,
        state: ReportState,
    ) -> Result<Page<QueueEntry>, ApiError> {
        let mut params = vec![("state", state_name(state).to_owned())];
        if let Some(kind) = kind {
            params.push(("kind", kind_name(kind).to_owned()));
        }
        self.get("/moderation/reports", &params).await
    }

    pub async fn appeal(&self, appeal: &NewAppeal) -> Result<(), ApiError> {
        self.send_no_content(Method::POST, "/moderation/appeals", Some(appeal))
            .await
    }

    pub async fn decide(
        &self,
        kind: ItemKind,
        id: &str,
        decision: &Decision,
    ) -> Result<(), ApiError> {
        self.send_no_content(
            Method::POST,
            &format!("/moderation/reports/{}/{id}", kind_name(kind)),
            Some(decision),
        )
        .await
    }

    /// The people this person blocks.
    pub async fn blocks(&self) -> Result<Page<BlockedUser>, ApiError> {
        self.get("/me/blocks", &[]).await
    }

    /// Blocks someone, or stops blocking them.
    pub async fn set_block(&self, user_id: &str, blocked: bool) -> Result<(), ApiError> {
        let method = if blocked { Method::PUT } else { Method::DELETE };
        self.send_no_content::<()>(method, &format!("/me/blocks/{user_id}"), None)
            .await
    }

    /// The people an organisation bans from its comments.
    pub async fn bans(&self, slug: &str) -> Result<Page<BannedUser>, ApiError> {
        self.get(&format!("/organisations/{slug}/bans"), &[]).await
    }

    /// Bans someone from an organisation's comments, saying why.
    pub async fn ban(&self, slug: &str, user_id: &str, ban: &NewBan) -> Result<(), ApiError> {
        self.send_no_content(
            Method::PUT,
            &format!("/organisations/{slug}/bans/{user_id}"),
            Some(ban),
        )
        .await
    }

    /// Lifts a ban.
    pub async fn unban(&self, slug: &str, user_id: &str) -> Result<(), ApiError> {
        self.send_no_content::<()>(
            Method::DELETE,
            &format!("/organisations/{slug}/bans/{user_id}"),
            None,
        )
        .await
    }

    /// A page of the moderation log, newest first (platform administrators).
    pub async fn audit(&self, cursor: Option<&str>) -> Result<Page<AuditEntry>, ApiError> {
        let mut query = vec![("limit", "50".to_owned())];
        if let Some(cursor) = cursor {
            query.push(("cursor", cursor.to_owned()));
        }
        self.get("/moderation/audit", &query).await
    }

    /// The whole log, as CSV.
    pub async fn audit_csv(&self) -> Result<String, ApiError> {
        self.get_text("/moderation/audit.csv").await
    }
}
