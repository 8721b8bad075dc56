//! Causes: the two-level taxonomy supporters follow and organisations are filed under.

use serde::{Deserialize, Serialize};

/// A cause, named in one language (`lang`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cause {
    /// Stable, URL-safe identifier, e.g. `mental-health`.
    pub slug: String,
    /// The broader cause this one belongs to (`health`), or null for a top-level cause.
    pub parent: Option<String>,
    /// The narrower causes under this one, in display order.
    pub children: Vec<String>,
    pub name: String,
    pub description: String,
    /// The language `name` and `description` are in: `en`, `fr`, `es` or `zh`.
    pub lang: String,
    /// People following this cause.
    pub followers_count: i64,
}
