//! Moderation: reports of comments, updates, organisations and people; the queue moderators
//! work through; their decisions, and the log that keeps every one.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::updates::ReportReason;

/// What can be reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Comment,
    Update,
    Organisation,
    User,
}

/// A report of anything: what (its kind and id), why, and what the reporter adds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewItemReport {
    pub kind: ItemKind,
    /// The item's id (an organisation's slug is not its id: see `Organisation.id`).
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{1,18}$"))]
    pub id: String,
    pub reason: ReportReason,
    /// At most 1,000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub note: String,
}

/// Where a report stands: `open` until someone decides; then `dismissed` (nothing wrong) or
/// `upheld` (acted on).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportState {
    Open,
    Dismissed,
    Upheld,
}

/// The item a report is about, as a moderator needs to see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportedItem {
    pub kind: ItemKind,
    pub id: String,
    /// Whether it is still there (its author may have deleted it).
    pub exists: bool,
    /// Its text as it is now (a comment's body, an update's title and text, an
    /// organisation's name and mission, a person's name and bio), cut at 500 characters.
    pub preview: String,
    /// Who wrote it (a comment, an update: its author; a person: themself).
    pub author_id: Option<String>,
    pub author_name: Option<String>,
    /// The web app's page that shows it.
    pub path: Option<String>,
}

/// One item in the moderators' queue, with its reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueEntry {
    pub item: ReportedItem,
    pub state: ReportState,
    /// How many people reported it (in this state).
    pub reports_count: i64,
    /// Their reasons, the most urgent first, each once.
    pub reasons: Vec<ReportReason>,
    /// What the reporters added (the empty ones left out).
    pub notes: Vec<String>,
    /// Its author's appeal of its removal, waiting for a decision (`restore`, or `dismiss`
    /// to keep it removed).
    pub appeal: Option<String>,
    pub first_reported_at: DateTime<Utc>,
}

/// What a moderator does about an item: `dismiss` its reports (nothing wrong) or its
/// author's appeal (it stays removed); `hide` it (a comment: others see it was removed, and
/// why, and its author may appeal once; an organisation: under review, out of discovery,
/// refusing gifts, its verification back to review); `restore` it (a hidden comment, e.g.
/// on appeal; an organisation under review; a suspended person); `suspend` a person
/// (`until` a time, or for good); `lock` an update's comments (nobody comments there) and
/// `unlock` them; or `delete` it (a comment with its replies; an update
/// with its comments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ModerationAction {
    Dismiss,
    Hide,
    Restore,
    Suspend,
    Lock,
    Unlock,
    Delete,
}

/// An account's suspension: why, and until when (`null`: for good).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suspension {
    pub reason: String,
    pub until: Option<DateTime<Utc>>,
}

/// Someone this person blocked: they cannot reply to this person's comments, nor notify
/// them, and their comments are collapsed for this person.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BlockedUser {
    pub user_id: String,
    pub display_name: String,
    pub avatar: Option<crate::pictures::Picture>,
    pub blocked_at: DateTime<Utc>,
}

/// Someone an organisation banned from commenting on its updates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BannedUser {
    pub user_id: String,
    pub display_name: String,
    pub avatar: Option<crate::pictures::Picture>,
    /// Why (the organisation's admins see it; the moderation log keeps it).
    pub reason: String,
    pub banned_at: DateTime<Utc>,
}

/// Banning a person from commenting on an organisation's updates, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewBan {
    /// Required: 1 to 1,000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub reason: String,
}

/// Its author's appeal of a removal, once per removal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewAppeal {
    pub kind: ItemKind,
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{1,18}$"))]
    pub id: String,
    /// Why it should come back: 1 to 1,000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub note: String,
}

/// A moderator's decision on a reported item, and why (kept in the log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub action: ModerationAction,
    /// Required: 1 to 1,000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 1000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub reason: String,
    /// `suspend` only: when the suspension ends (in the future); absent or `null`, for good.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<DateTime<Utc>>,
}

/// One decision in the moderation log: who, what, on which item, why, when, and the item
/// as it was before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: String,
    /// Null once their account is gone; `actor_name` stays.
    pub actor_id: Option<String>,
    pub actor_name: String,
    /// `dismiss`, `hide`, `restore`, `suspend`, `delete`, `ban` and `unban` (an
    /// organisation's comments), and as they come, the other decisions.
    pub action: String,
    pub item_kind: ItemKind,
    pub item_id: String,
    pub reason: String,
    /// The item as it was before the decision.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub before: serde_json::Value,
    pub created_at: DateTime<Utc>,
}
