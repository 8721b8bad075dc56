//! Organisations: directory cards, profiles and their edits, translations, teams and
//! invitations, verification.

use std::collections::BTreeMap;

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
    /// The language `mission` is written in: the reader's (`Accept-Language` or `?lang=`)
    /// when the organisation wrote it in theirs, else the organisation's main language.
    pub language: String,
    /// ISO 3166-1 alpha-2 country code, when known.
    pub country: Option<String>,
    /// Its square logo, if it has one.
    pub logo: Option<crate::pictures::Picture>,
    pub followers_count: i64,
    pub verification_status: VerificationStatus,
    pub created_at: DateTime<Utc>,
}

/// Where an organisation stands in the platform's verification of its registration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerificationStatus {
    Unverified,
    Pending,
    Verified,
    Rejected,
    Revoked,
}

/// Mission and description in one more language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Translation {
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
    /// The language of `mission` and `description` (also in `Content-Language`): the
    /// reader's when the organisation wrote in it, else its main language.
    pub language: String,
    /// The languages it wrote its texts in, the main one first; `?lang=` picks one.
    pub text_languages: Vec<String>,
    pub website: Option<String>,
    /// Social and other links.
    pub links: Vec<String>,
    /// Its square logo, if it has one.
    pub logo: Option<crate::pictures::Picture>,
    /// The wide picture at the top of its page, if it has one.
    pub cover: Option<crate::pictures::Picture>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
    pub city: Option<String>,
    pub founded_year: Option<i32>,
    /// ISO 639-1 codes of the languages it works in.
    pub languages: Vec<String>,
    /// Slugs of its causes.
    pub causes: Vec<String>,
    pub registration: Option<Registration>,
    pub verification_status: VerificationStatus,
    /// The moderators are reviewing it (an impersonation reported, for example): it is
    /// out of discovery and refuses gifts until they decide.
    pub under_review: bool,
    pub followers_count: i64,
    /// What it received through Ensemble, per currency (each payment counted once). Real
    /// money only.
    pub donation_totals: Vec<crate::donations::DonationTotal>,
    /// Test money received through the sandbox (no money moved), kept apart so that it is
    /// never added to real gifts; empty where the sandbox is not used.
    pub test_donation_totals: Vec<crate::donations::DonationTotal>,
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
            pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"
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
    /// The language of `mission` and `description`; by default the first of `languages`,
    /// else English.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::codes::LanguageCode>))]
    pub language: Option<String>,
    /// Mission and description in other languages, by ISO 639-1 code.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(schema_with = new_translations))]
    pub translations: BTreeMap<String, Translation>,
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
    /// Social and other links, `http://` or `https://`, at most 5.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<WebLink>, max_items = 5))]
    pub links: Vec<String>,
    /// Its logo: an upload of yours made with `shape=square`.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::pictures::UploadId>))]
    pub logo: Option<String>,
    /// A wide picture for the top of its page: an upload of yours.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::pictures::UploadId>))]
    pub cover: Option<String>,
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

/// Where an invitation to a team stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InvitationStatus {
    /// Waiting for the invitee's answer.
    Pending,
    Accepted,
    Declined,
    /// Withdrawn by the team.
    Revoked,
    /// Not answered in time.
    Expired,
}

/// An invitation to join an organisation's team: nobody is a member before accepting one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub id: String,
    pub organisation: crate::updates::OrganisationRef,
    /// Who is invited: `null` for an invitation sent to an address that no account has
    /// taken yet.
    pub invitee: Option<crate::updates::PersonRef>,
    /// The address the invitation was sent to (`null` for one sent to an account).
    pub email: Option<String>,
    /// Who sent it (`null` once their account is gone).
    pub invited_by: Option<crate::updates::PersonRef>,
    /// The role they will have once they accept.
    pub role: Role,
    pub status: InvitationStatus,
    pub created_at: DateTime<Utc>,
    /// Unanswered by then, it lapses.
    pub expires_at: DateTime<Utc>,
}

/// Invites someone to the team (they join once they accept): a person with an account by
/// their `user_id`, or anyone by their `email` address (exactly one of the two). An address
/// is sent a link; whoever follows it signs up (or signs in) and answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    /// The `id` of a user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(pattern = r"^[0-9]{1,18}$"))]
    pub user_id: Option<String>,
    /// An email address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 254,
            pattern = r"^[^\s@\x00-\x1f\x7f-\x9f]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
        )
    )]
    pub email: Option<String>,
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
            pattern = r"^[^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*[^\s\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff][^\x00-\x1f\x7f-\x9f\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff]*$"
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
    /// Relabels the main texts' language (not allowed while a translation has it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::codes::LanguageCode>))]
    pub language: Option<String>,
    /// Adds or replaces translations; `null` removes one. Others stay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(schema_with = translation_changes))]
    pub translations: Option<BTreeMap<String, Option<Translation>>>,
    /// Replaces the links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<Vec<WebLink>>, max_items = 5))]
    pub links: Option<Vec<String>>,
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, nullable, max_length = 2048, pattern = r"^https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?$"))]
    pub website: Option<Option<String>>,
    /// Its logo: an upload made with `shape=square` (yours, or the one it shows now), or
    /// `null` to remove it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::pictures::UploadId>, nullable))]
    pub logo: Option<Option<String>>,
    /// The wide picture at the top of its page (an upload), or `null` to remove it.
    #[serde(
        default,
        with = "crate::double_option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::pictures::UploadId>, nullable))]
    pub cover: Option<Option<String>>,
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

/// One verification decision or request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VerificationRecord {
    pub status: VerificationStatus,
    /// The registration checked (for `verified`) or given with the request.
    pub registration: Option<Registration>,
    pub note: String,
    /// `platform` (an administrator of Ensemble) or `organisation` (its owners, asking for
    /// review).
    pub by: VerificationActor,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerificationActor {
    /// A platform administrator decided.
    Platform,
    /// The organisation's owners asked for review.
    Organisation,
    /// Ensemble itself: a verified organisation changed the identity that was checked
    /// (its name, registration or website) and went back to review.
    System,
}

/// An organisation's verification: where it stands and how it got there, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verification {
    pub status: VerificationStatus,
    pub history: Vec<VerificationRecord>,
}

/// A verification decision (platform administrators: any status) or a request for review
/// (the organisation's owners: `pending` only).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewVerification {
    pub status: VerificationStatus,
    /// The registration checked; by default the organisation's. Required to verify.
    #[serde(default)]
    pub registration: Option<Registration>,
    /// The name checked, when verifying: the decision is refused (409 `identity_changed`)
    /// if it is no longer the organisation's. (Verifying is refused too if the name,
    /// registration or website changed since the review was asked for.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(min_length = 1, max_length = 120))]
    pub name: Option<String>,
    /// At most 2,000 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 2000,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub note: String,
}

/// A map from language codes to a [`Translation`] or, if `nullable`, `null`.
#[cfg(feature = "openapi")]
fn translations_schema(nullable: bool, description: &str) -> utoipa::openapi::Object {
    use utoipa::PartialSchema;
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, SchemaType, Type};
    use utoipa::openapi::{Ref, RefOr};
    let translation = Ref::from_schema_name("Translation");
    let (value, types) = if nullable {
        let one_of = OneOfBuilder::new()
            .item(translation)
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .build();
        (
            Schema::OneOf(one_of),
            SchemaType::from_iter([Type::Object, Type::Null]),
        )
    } else {
        let value = utoipa::openapi::schema::AllOfBuilder::new()
            .item(translation)
            .build();
        (Schema::AllOf(value), SchemaType::Type(Type::Object))
    };
    let keys = match crate::codes::LanguageCode::schema() {
        RefOr::T(schema) => Some(schema),
        RefOr::Ref(_) => None,
    };
    ObjectBuilder::new()
        .schema_type(types)
        .description(Some(description))
        .property_names(keys)
        .additional_properties(Some(value))
        // An organisation keeps at most 20 translations.
        .max_properties(Some(20))
        .build()
}

#[cfg(feature = "openapi")]
fn new_translations() -> utoipa::openapi::Object {
    translations_schema(
        false,
        "Mission and description in other languages, by ISO 639-1 code.",
    )
}

#[cfg(feature = "openapi")]
fn translation_changes() -> utoipa::openapi::Object {
    translations_schema(
        true,
        "Adds or replaces translations, by ISO 639-1 code; `null` removes one. Others stay.",
    )
}

/// A string schema for an `http://` or `https://` address on a domain name: the pattern
/// the server checks by hand.
#[cfg(feature = "openapi")]
fn web_address() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    use utoipa::openapi::schema::{ObjectBuilder, Type};
    const HOST_AND_PATH: &str = r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:[/?#][A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*)?$";
    let scheme = "^https?://";
    ObjectBuilder::new()
        .schema_type(Type::String)
        .max_length(Some(2048))
        .pattern(Some(format!("{scheme}{HOST_AND_PATH}")))
        .into()
}

/// Schema of a link: an `http://` or `https://` address on a domain name.
#[cfg(feature = "openapi")]
pub struct WebLink;

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for WebLink {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        web_address()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for WebLink {}
