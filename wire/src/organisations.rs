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

/// How an organisation is registered with its country's authorities, e.g. registry
/// `FR-RNA` number `W751234567`, or `US-EIN` `12-3456789`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Registration {
    /// A country code, a dash, and the register's code.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[A-Z]{2}-[A-Z0-9]{2,10}$"))]
    pub registry: String,
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 40,
            pattern = r"^[A-Za-z0-9 ./-]*[A-Za-z0-9][A-Za-z0-9 ./-]*$"
        )
    )]
    pub number: String,
}

/// A role in an organisation's team: owners manage everything (and other owners), admins
/// edit the profile and manage editors, editors publish updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Owner,
    Admin,
    Editor,
}

/// An organisation's page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrganisationProfile {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub mission: String,
    /// Markdown, as written.
    pub description: String,
    /// `description` rendered to HTML, sanitised: safe to insert in a page.
    pub description_html: String,
    pub website: Option<String>,
    pub logo_url: Option<String>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub city: Option<String>,
    pub founded_year: Option<i32>,
    /// ISO 639-1 codes of the languages it works in.
    pub languages: Vec<String>,
    /// Slugs of its causes.
    pub causes: Vec<String>,
    pub registration: Option<Registration>,
    pub followers_count: i64,
    pub created_at: DateTime<Utc>,
}

/// A new organisation; whoever creates it becomes its owner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewOrganisation {
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 120,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: String,
    /// One or two sentences, at most 300 characters.
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 300,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub mission: String,
    /// Markdown, at most 20,000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 20000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub description: String,
    /// `http://` or `https://`.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2048,
            pattern = r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?$"
        )
    )]
    pub website: Option<String>,
    /// `https://` image.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2048,
            pattern = r"^https://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?$"
        )
    )]
    pub logo_url: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::codes::CountryCode>))]
    pub country: Option<String>,
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 100,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub city: Option<String>,
    #[serde(default, deserialize_with = "crate::whole_number::option")]
    #[cfg_attr(feature = "openapi", schema(minimum = 1800, maximum = 2100))]
    pub founded_year: Option<i32>,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<crate::codes::LanguageCode>, max_items = 20))]
    pub languages: Vec<String>,
    /// Cause slugs (see `/causes`), at most 5.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(max_items = 5))]
    pub causes: Vec<String>,
    #[serde(default)]
    pub registration: Option<Registration>,
}

/// A team member.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: String,
    pub display_name: String,
    pub role: Role,
    pub since: DateTime<Utc>,
}

/// Adds someone to the team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// The `id` of a user.
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{1,18}$"))]
    pub user_id: String,
    pub role: Role,
}

/// Changes a member's role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct MemberRole {
    pub role: Role,
}

/// Changes to an organisation's profile: absent fields stay; `null` clears a nullable one.
/// The slug never changes, so links keep working.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateOrganisation {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 120,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            min_length = 1,
            max_length = 300,
            pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
        )
    )]
    pub mission: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 20000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub description: Option<String>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable, max_length = 2048, pattern = r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?$"))]
    pub website: Option<Option<String>>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable, max_length = 2048, pattern = r"^https://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?$"))]
    pub logo_url: Option<Option<String>>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::codes::CountryCode>, nullable))]
    pub country: Option<Option<String>>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable, min_length = 1, max_length = 100, pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"))]
    pub city: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "crate::whole_number::double_option",
        serialize_with = "crate::double_option::serialize",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<i32>, nullable, minimum = 1800, maximum = 2100))]
    pub founded_year: Option<Option<i32>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<crate::codes::LanguageCode>>, max_items = 20))]
    pub languages: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(max_items = 5))]
    pub causes: Option<Vec<String>>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Registration>, nullable))]
    pub registration: Option<Option<Registration>>,
}
