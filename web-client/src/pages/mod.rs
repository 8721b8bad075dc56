//! One module per page (route) of the app.

mod not_found;
mod organisations;

pub use not_found::NotFoundPage;
pub use organisations::OrganisationsPage;
