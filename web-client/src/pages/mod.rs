//! One module per page (route) of the app.

mod admin;
mod auth_complete;
mod cause;
mod discover;
mod donations;
mod feed;
mod invitation;
mod moderation;
mod new_organisation;
mod not_found;
mod notifications;
mod organisation;
mod password_reset;
mod settings;
mod sign_in;
mod unsubscribe;
mod update;
mod verify_email;

pub use admin::AdminPage;
pub use auth_complete::AuthCompletePage;
pub use cause::CausePage;
pub use discover::DiscoverPage;
pub use donations::{DonateForm, MyDonationsPage};
pub use feed::FeedPage;
pub use invitation::InvitationPage;
pub use moderation::{ModerationLogPage, ModerationPage};
pub use new_organisation::NewOrganisationPage;
pub use not_found::NotFoundPage;
pub use notifications::NotificationsPage;
pub use organisation::OrganisationPage;
pub use password_reset::{ForgotPasswordPage, ResetPasswordPage};
pub use settings::SettingsPage;
pub use sign_in::{SignInPage, SignUpPage};
pub use unsubscribe::UnsubscribePage;
pub use update::UpdatePage;
pub use verify_email::VerifyEmailPage;
