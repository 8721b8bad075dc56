//! The JSON boundary of Ensemble: request and response bodies shared by the server, the web
//! client and any Rust client. Only serde (and, behind the `openapi` feature, utoipa schemas),
//! so it builds for `wasm32-unknown-unknown`.

pub mod auth;
pub mod causes;
pub mod codes;
pub mod donations;
pub mod double_option;
pub mod email;
pub mod error_code;
pub mod follows;
pub mod lang;
pub mod moderation;
pub mod organisations;
pub mod page;
pub mod pictures;
pub mod problem;
pub mod updates;
pub mod whole_number;

pub use auth::*;
pub use causes::Cause;
pub use donations::{
    Donation, DonationStatus, DonationTotal, NewDonation, Payment, PaymentStatus, Recurrence,
};
pub use error_code::Code;
pub use follows::{FollowState, Followed, Follower, Following};
pub use lang::Lang;
pub use moderation::{
    AuditEntry, BannedUser, BlockedUser, Decision, ItemKind, ModerationAction, NewAppeal, NewBan,
    NewItemReport, QueueEntry, ReportState, ReportedItem, Suspension,
};
pub use organisations::{
    Invitation, InvitationStatus, Member, MemberRole, NewMember, NewOrganisation, NewVerification,
    Organisation, OrganisationProfile, Registration, Role, Translation, UpdateOrganisation,
    Verification, VerificationActor, VerificationRecord, VerificationStatus,
};
pub use page::Page;
pub use pictures::{NewPhoto, Photo, Picture, PictureShape, PictureVariant, Upload};
pub use problem::{FieldError, Problem};
pub use updates::{
    Comment, MarkRead, NewComment, NewReport, NewUpdate, Notification, NotificationKind,
    OrganisationRef, PersonRef, ReactionState, ReportReason, Update, UpdateChanges,
};
