//! The typed client of the Ensemble REST API (`/api/v1`): one method of [`ApiClient`] per
//! endpoint, grouped by resource, each taking and giving the shared wire types of
//! `ensemble-wire`. Every path and HTTP method the app uses is written here and nowhere
//! else; [`client`] carries the requests (tokens, refreshing, errors).

mod auth;
mod causes;
mod client;
mod donations;
mod me;
mod moderation;
mod organisations;
mod teams;
mod updates;
mod uploads;
mod verification;

pub use auth::provider_sign_in_url;
pub use client::{ApiClient, ApiError, encode};
pub use moderation::{kind_name, state_name};
pub use organisations::{DirectoryQuery, Sort};

/// The API's documentation, served by the server (not a page of this app).
pub const DOCS_PATH: &str = "/api/docs";
