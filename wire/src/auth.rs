//! Accounts: registration, sign-in, sessions, the signed-in user, API tokens.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::double_option;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 254,
            pattern = r"^[^\s@\x00-\x1f\x7f-\x9f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
        )
    )]
    pub email: String,
    /// 10 to 1024 characters; very common passwords are refused.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024, format = Password))]
    pub password: String,
    /// 1 to 80 characters, as the person wants to be called.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 80,
            pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"
        )
    )]
    pub display_name: String,
    /// Interface language: `en`, `fr`, `es` or `zh` (default: from `Accept-Language`).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::codes::Locale>))]
    pub locale: Option<String>,
    /// The token of an invitation to a team sent to this person's address (from its
    /// link): the new account finds it waiting for an answer, and an account made with the
    /// address the invitation was sent to needs no separate proof of it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_length = 200))]
    pub invitation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

/// Trades a refresh token for new tokens (the old refresh token stops working), or ends
/// its session (logout).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Tokens for a signed-in session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthResponse {
    pub user: Me,
    /// A JWT for `Authorization: Bearer …`, valid `expires_in` seconds.
    pub access_token: String,
    /// Opaque; use it once with `/auth/refresh` before it expires (30 days).
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: String,
    pub expires_in: u32,
}

/// The signed-in person, as only they see themselves.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: String,
    pub email: String,
    pub email_verified: bool,
    pub display_name: String,
    pub avatar: Option<crate::pictures::Picture>,
    pub bio: String,
    /// `en`, `fr`, `es` or `zh`.
    pub locale: String,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    /// Whether organisations' follower lists may show this person.
    pub follows_public: bool,
    /// A platform administrator (verifies organisations).
    pub is_admin: bool,
    /// A moderator: sees and decides the reports (see `/moderation/reports`).
    pub is_moderator: bool,
    /// Set while the moderators suspend this account: it may still sign in, export its
    /// data and delete itself, nothing else (403 `account_suspended`).
    pub suspension: Option<crate::moderation::Suspension>,
    pub created_at: DateTime<Utc>,
}

/// Changes to one's profile: absent fields stay as they are; `null` clears a nullable one.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 80,
            pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"
        )
    )]
    pub display_name: Option<String>,
    /// An upload of yours made with `shape=square` (`POST /uploads?shape=square`), or
    /// `null` to remove your picture.
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::pictures::UploadId>, nullable))]
    pub avatar: Option<Option<String>>,
    /// Up to 2000 characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub bio: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::codes::Locale>))]
    pub locale: Option<String>,
    /// ISO 3166-1 alpha-2, or `null` to remove it.
    #[serde(
        default,
        with = "double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::codes::CountryCode>, nullable))]
    pub country: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follows_public: Option<bool>,
}

/// What a personal API token may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    /// Read only: any write answers 403.
    Read,
    /// Read and write, as the person (except deleting the account).
    Write,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewApiToken {
    /// What the token is for, 1 to 80 characters (e.g. "my feed reader").
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 80,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: String,
    pub scope: TokenScope,
}

/// A personal API token (never its secret, except once in [`CreatedApiToken`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: String,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

/// The answer to creating a token: the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedApiToken {
    pub id: String,
    pub name: String,
    pub scope: TokenScope,
    pub created_at: DateTime<Utc>,
    /// Send as `Authorization: Bearer …`. Store it now: it cannot be shown again.
    pub token: String,
}

/// A signed-in device (`/me/sessions`, and the data export).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionInfo {
    pub id: String,
    pub user_agent: String,
    pub created_at: DateTime<Utc>,
    /// When its tokens were last refreshed.
    pub last_used_at: DateTime<Utc>,
    pub revoked_at: Option<DateTime<Utc>>,
    /// The session this request is made from.
    #[serde(default)]
    pub current: bool,
}

/// A new password, given with the one in use now. The account's other sessions end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangePassword {
    #[cfg_attr(feature = "openapi", schema(max_length = 1024, format = Password))]
    pub current_password: String,
    /// 10 to 1024 characters; very common passwords are refused.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024, format = Password))]
    pub new_password: String,
}

/// An account at a sign-in provider linked to this one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkedIdentity {
    /// `google`, `facebook` or `oidc`.
    pub provider: String,
    /// The email the provider gave when it was linked.
    pub email: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// What deleting an account did besides.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountDeleted {
    /// The recurring gifts that were stopped at the payment provider first (their ids),
    /// so that nothing is charged after the account is gone.
    pub cancelled_donations: Vec<String>,
}

/// Everything Ensemble holds about a person (`GET /me/export`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Export {
    pub exported_at: DateTime<Utc>,
    pub user: Me,
    /// Every session, ended ones too.
    pub sessions: Vec<SessionInfo>,
    /// Live API tokens (their secrets are never kept, so never exported).
    pub api_tokens: Vec<ApiToken>,
    pub identities: Vec<LinkedIdentity>,
    /// Slugs of the causes followed.
    pub followed_causes: Vec<String>,
    /// The organisations followed, newest first.
    pub followed_organisations: Vec<crate::follows::Followed>,
    /// Every gift, with its payments, as its donor sees it.
    pub donations: Vec<crate::donations::Donation>,
    /// Every comment written, oldest first.
    pub comments: Vec<crate::updates::Comment>,
    /// The updates reacted to.
    pub reactions: Vec<ExportedReaction>,
    /// The teams one is in.
    pub memberships: Vec<ExportedMembership>,
    /// Invitations received, answered or not.
    pub invitations: Vec<crate::organisations::Invitation>,
    pub notifications: Vec<crate::updates::Notification>,
    /// The people one blocks.
    pub blocked: Vec<crate::moderation::BlockedUser>,
}

/// A reaction, in the data export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedReaction {
    pub update_id: String,
    pub created_at: DateTime<Utc>,
}

/// A place in a team, in the data export.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ExportedMembership {
    pub organisation: crate::updates::OrganisationRef,
    pub role: crate::organisations::Role,
    pub since: DateTime<Utc>,
}

/// A sign-in method offered by this server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuthProvider {
    /// `password`, or the id used in `/auth/oauth/{provider}/start`.
    pub id: String,
    pub name: String,
}
