//! Updates (an organisation's news), comments, reactions and notifications.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::organisations::{Role, VerificationStatus};
use crate::pictures::{NewPhoto, Photo, Picture};

/// The organisation an item belongs to, enough to show and link it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationRef {
    pub slug: String,
    pub name: String,
    /// Its square logo, if it has one.
    pub logo: Option<Picture>,
    pub verification_status: VerificationStatus,
}

/// A person, as others see them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PersonRef {
    pub user_id: String,
    pub display_name: String,
    /// Their square picture, if they chose one.
    pub avatar: Option<Picture>,
}

/// News from an organisation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Update {
    pub id: String,
    pub organisation: OrganisationRef,
    pub title: String,
    /// Markdown, as written.
    pub body: String,
    /// `body` rendered to HTML, sanitised (no scripts, no event handlers; links only
    /// http, https and mailto): safe to insert in a page.
    pub body_html: String,
    /// ISO 639-1 code of the language it is written in.
    pub language: String,
    /// Up to 4 photos, each with its alternative text.
    pub photos: Vec<Photo>,
    pub link_url: Option<String>,
    pub created_at: DateTime<Utc>,
    /// When it was last edited, if ever.
    pub edited_at: Option<DateTime<Utc>>,
    pub reactions_count: i64,
    pub comments_count: i64,
    /// The moderators closed its comments: nobody comments there for now (409
    /// `comments_locked`).
    pub comments_locked: bool,
    /// Whether you reacted to it (always false when not signed in).
    pub reacted: bool,
}

/// A new update.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewUpdate {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub title: String,
    /// Markdown, at most 20,000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 20000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub body: String,
    /// ISO 639-1; by default the organisation's main language.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::codes::LanguageCode>))]
    pub language: Option<String>,
    /// Up to 4 photos: uploads (`POST /uploads`) with their alternative text.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 4))]
    pub photos: Vec<NewPhoto>,
    /// `http://` or `https://`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::organisations::WebLink>))]
    pub link_url: Option<String>,
}

/// Changes to an update: absent fields stay; `link_url: null` removes the link.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateChanges {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 200,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 20000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::codes::LanguageCode>))]
    pub language: Option<String>,
    /// Replaces the photos (`[]` removes them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 4))]
    pub photos: Option<Vec<NewPhoto>>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::organisations::WebLink>, nullable))]
    pub link_url: Option<Option<String>>,
}

/// Whether you reacted to an update, and how many did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReactionState {
    pub reacted: bool,
    pub reactions_count: i64,
}

/// A comment on an update, or a reply to one (`parent_id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Comment {
    pub id: String,
    pub update_id: String,
    /// The comment this one replies to (always a top-level one).
    pub parent_id: Option<String>,
    pub author: PersonRef,
    /// Plain text; empty, for everyone but its author, when the moderators removed it.
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// Why the moderators removed it, when they did. Its author still reads it and may
    /// appeal once (`POST /moderation/appeals`).
    pub removed: Option<String>,
    /// Its author appealed the removal (the moderators will look again).
    pub appealed: bool,
    /// The reader blocked its author: shown collapsed.
    pub author_blocked: bool,
}

/// A new comment; `parent_id` makes it a reply (to a top-level comment of the same
/// update).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewComment {
    /// Plain text, at most 2,000 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub body: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{1,18}$"))]
    pub parent_id: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
/// Why something is reported, from the most to the least urgent: `illegal`, `self_harm`,
/// `scam` (a scam or an impersonation), `hate`, `harassment`, `spam`, `other`.
pub enum ReportReason {
    Spam,
    Scam,
    Harassment,
    Hate,
    SelfHarm,
    Illegal,
    Other,
}

/// A report of a comment to the organisation's moderators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewReport {
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    /// Someone replied to your comment.
    CommentReply,
    /// Someone commented on an update of an organisation whose team you are in.
    UpdateComment,
    /// You were given a role in an organisation.
    RoleGranted,
    /// You are invited to join an organisation's team (see `/me/invitations`).
    Invitation,
    /// Your organisation went back to review: the name, registration or website that was
    /// verified changed. Gifts wait for the platform's decision.
    VerificationChanged,
    /// The platform verified your organisation: it can receive gifts.
    VerificationApproved,
    /// The moderators acted on something you reported (`update_id`, `comment_id` or
    /// `organisation` name it when it is still there).
    ReportUpheld,
    /// The moderators looked at something you reported and left it as it was.
    ReportDismissed,
    /// The platform could not verify your organisation (its verification says why).
    VerificationRejected,
}

/// Something that happened that concerns you.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: String,
    pub kind: NotificationKind,
    /// Who did it (absent once their account is gone).
    pub actor: Option<PersonRef>,
    pub organisation: Option<OrganisationRef>,
    pub update_id: Option<String>,
    pub comment_id: Option<String>,
    /// For `role_granted`.
    pub role: Option<Role>,
    pub created_at: DateTime<Utc>,
    pub read: bool,
}

/// Marks notifications read: those listed, or all of them when `ids` is absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 100))]
    pub ids: Option<Vec<String>>,
}
