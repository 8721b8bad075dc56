//! One module per page (route) of the app.

mod auth_complete;
mod not_found;
mod organisations;

pub use auth_complete::AuthCompletePage;
pub use not_found::NotFoundPage;
pub use organisations::OrganisationsPage;
