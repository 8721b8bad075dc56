//! One module per page (route) of the app.

mod account;
mod admin;
mod auth_complete;
mod discover;
mod donations;
mod feed;
mod new_organisation;
mod not_found;
mod organisation;
mod sign_in;
mod update;

pub use account::{CausePage, NotificationsPage, SettingsPage};
pub use admin::AdminPage;
pub use auth_complete::AuthCompletePage;
pub use discover::DiscoverPage;
pub use donations::{DonateForm, MyDonationsPage};
pub use feed::FeedPage;
pub use new_organisation::NewOrganisationPage;
pub use not_found::NotFoundPage;
pub use organisation::OrganisationPage;
pub use sign_in::{SignInPage, SignUpPage};
pub use update::UpdatePage;
