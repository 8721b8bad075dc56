//! An account's address by mail: proving it, changing it, and getting back into an account
//! whose password is lost.

use serde::{Deserialize, Serialize};

/// The token of a link sent by mail (the `token` of its address).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MailToken {
    #[cfg_attr(
        feature = "openapi",
        schema(min_length = 1, max_length = 200, example = "ens_mail_3q2-7wXe…")
    )]
    pub token: String,
}

/// What a confirmation link did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddressConfirmed {
    /// The account's address, now proven.
    pub email: String,
    /// True when the link made it the account's new address (the old one is told).
    pub changed: bool,
}

/// Asks for a link to choose a new password. The answer is the same whether or not an
/// account has this address.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ForgotPassword {
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 254,
            pattern = r"^[^\s@\x00-\x1f\x7f-\x9f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$",
            example = "ana@example.org"
        )
    )]
    pub email: String,
}

/// A new password, with the token of the link that allows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ResetPassword {
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 200))]
    pub token: String,
    /// 10 to 1024 characters; very common passwords are refused.
    #[cfg_attr(feature = "openapi", schema(min_length = 10, max_length = 1024, format = Password))]
    pub new_password: String,
}

/// A new address for the account: it becomes the account's when the link sent to it is
/// opened. Accounts with a password give it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChangeEmail {
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 254,
            pattern = r"^[^\s@\x00-\x1f\x7f-\x9f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$",
            example = "ana.new@example.org"
        )
    )]
    pub email: String,
    /// The current password (accounts that have one).
    #[cfg_attr(feature = "openapi", schema(max_length = 1024, format = Password))]
    #[serde(default)]
    pub password: Option<String>,
}

/// What a message by mail is about, as a person chooses how to receive it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MailCategory {
    /// Replies to your comments.
    Replies,
    /// Comments on the updates of your organisations.
    Comments,
    /// Invitations to a team, and roles given.
    Invitations,
    /// Receipts of your gifts.
    Receipts,
    /// A monthly or yearly gift charged, or failing.
    Recurring,
    /// Verification news of the organisations you own.
    Verification,
    /// What came of your reports to the moderators.
    Reports,
}

/// How a category of messages reaches you.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MailDelivery {
    /// A message of its own, at once.
    Immediately,
    /// A line in the next digest.
    Digest,
    Never,
}

/// How often the digest of the news you follow comes (at 8 in the morning, your time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DigestFrequency {
    Daily,
    Weekly,
    Never,
}

/// One category and how it reaches you.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MailChoice {
    pub category: MailCategory,
    pub delivery: MailDelivery,
}

/// What you receive by mail: every category, the digest, and your time zone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailPreferences {
    pub categories: Vec<MailChoice>,
    pub digest: DigestFrequency,
    /// An IANA time zone, e.g. `Europe/Paris`: the digest comes at your morning.
    #[cfg_attr(feature = "openapi", schema(example = "Europe/Paris"))]
    pub time_zone: String,
}

/// Changes to what you receive; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateMailPreferences {
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 7))]
    pub categories: Vec<MailChoice>,
    #[serde(default)]
    pub digest: Option<DigestFrequency>,
    /// An IANA time zone, e.g. `America/Bogota`.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(max_length = 64, example = "America/Bogota")
    )]
    pub time_zone: Option<String>,
}

/// What an unsubscribe link stopped: a category of messages, or the digest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Unsubscribed {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<MailCategory>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery: Option<MailDelivery>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub digest: Option<DigestFrequency>,
}
