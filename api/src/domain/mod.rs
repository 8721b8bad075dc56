//! Validated types and rules: no actix, no diesel. Request values are parsed into these
//! types before anything reaches the database.

pub mod lang;
pub mod pagination;
