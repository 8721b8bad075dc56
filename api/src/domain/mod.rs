//! Validated types and rules: no actix, no diesel. Request values are parsed into these
//! types before anything reaches the database.

pub mod countries;
pub mod credentials;
pub mod donations;
pub mod jobs;
pub mod markdown;
pub mod moderation;
pub mod notifications;
pub mod organisations;
pub mod pagination;
pub mod pictures;
pub mod search;
pub mod text;
pub mod text_enum;
pub mod updates;
pub mod users;
pub mod verification;

/// A rule of the domain saying no: not allowed (`Forbidden`), or not now, given the state
/// (`Conflict`), each with a stable code. The layers above turn it into their answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Forbidden(ensemble_wire::Code),
    Conflict(ensemble_wire::Code, String),
}
