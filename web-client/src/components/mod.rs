//! Small building blocks shared by the pages.

mod email;
mod errors;
mod fields;
mod moderation;
mod organisations;
mod pictures;
mod states;
mod updates;

pub use email::{ResendLink, UnverifiedNotice};
pub use errors::{ApiErrorNotice, explain, link_problem, show_form_error};
pub use fields::Field;
pub use moderation::{ReportButton, SuspendedNotice, reason_name};
pub use organisations::{FollowButton, OrganisationCard, VerifiedBadge, role_name};
pub use pictures::{Img, PictureInput};
pub use states::{Loading, SignInFirst, loaded};
pub use updates::{ChosenPhotos, PhotosField, UpdateCard};
