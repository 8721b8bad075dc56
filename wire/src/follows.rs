//! Following: the state of a follow button, followers, and what someone follows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Whether you follow an organisation, and how many do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowState {
    pub following: bool,
    pub followers_count: i64,
}

/// Someone who follows an organisation (only people whose follows are public are listed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Follower {
    pub user_id: String,
    pub display_name: String,
    pub avatar: Option<crate::pictures::Picture>,
    pub since: DateTime<Utc>,
}

/// An organisation or cause you follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Followed {
    pub slug: String,
    pub name: String,
    pub since: DateTime<Utc>,
}

/// What you follow: organisations (newest first) and causes (in taxonomy order).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Following {
    /// A page of them: more with `cursor=next_cursor`.
    pub organisations: Vec<Followed>,
    /// All of them, on every page.
    pub causes: Vec<Followed>,
    /// Where the next page of organisations starts (`null` on the last).
    pub next_cursor: Option<String>,
}
