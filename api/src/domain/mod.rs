//! Validated types and rules: no actix, no diesel. Request values are parsed into these
//! types before anything reaches the database.

pub mod countries;
pub mod donations;
pub mod lang;
pub mod markdown;
pub mod notifications;
pub mod organisations;
pub mod pagination;
pub mod search;
pub mod text;
pub mod text_enum;
pub mod updates;
pub mod users;
pub mod verification;
