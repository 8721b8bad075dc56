use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// An organisation (NGO, association, charity) as shown in lists and on its page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Organisation {
    /// Opaque identifier.
    pub id: String,
    /// Stable, URL-safe name used in paths (`/organisations/{slug}`).
    pub slug: String,
    pub name: String,
    /// One or two sentences on what the organisation does.
    pub mission: String,
    /// ISO 3166-1 alpha-2 country code, when known.
    pub country: Option<String>,
    pub created_at: DateTime<Utc>,
}
