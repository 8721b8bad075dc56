//! Errors on the wire (RFC 9457 problem documents).

use serde::{Deserialize, Serialize};

/// An error, as RFC 9457 `application/problem+json`. `code` is stable and meant for
/// programs; `title` and `detail` are for people and may change or be translated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` when only the status matters).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Stable machine code, snake_case, e.g. `validation_failed`, `not_found`.
    pub code: String,
    /// Field-level errors of a request that failed validation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// The request id, also sent in the `X-Request-Id` header; quote it in bug reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

/// One invalid field of a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// Where the problem is: a body field (`display_name`, `address.city`), a query
    /// parameter (`limit`), or `body` / `query` for the body or query string as a whole.
    pub field: String,
    /// Stable machine code, e.g. `required`, `too_long`, `invalid_type`.
    pub code: String,
    pub message: String,
}
