//! Moderation: reporting anything, the moderators' queue and their decisions.

use ensemble_wire::{Decision, ItemKind, NewAppeal, NewItemReport, Page, QueueEntry, ReportState};
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
}
