//! Between what is stored or decided and what is sent: every status, role and row becomes
//! its wire type here, by `From` where nothing else is needed, else by a function that
//! says what it needs (the viewer, the language). A new variant is a compile error here,
//! not a silent default; a handler never builds a wire type field by field.

mod causes;
mod donations;
mod export;
mod follows;
mod organisations;
mod updates;
mod uploads;
mod users;

pub use causes::cause;
pub use donations::{donation, donor_seen};
pub use updates::{comment, update};
pub use users::{created_token, session};

use chrono::{DateTime, NaiveDateTime, Utc};
use ensemble_wire as wire;

/// A stored time (UTC without its zone) as sent.
pub fn utc(at: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(at, Utc)
}

use crate::domain::donations::{PaymentStatus, Recurrence, Status};
use crate::domain::organisations::Role;
use crate::domain::verification;

macro_rules! both_ways {
    ($domain:ty, $wire:ty, [$($variant:ident),+ $(,)?]) => {
        impl From<$domain> for $wire {
            fn from(value: $domain) -> Self {
                match value {
                    $(<$domain>::$variant => <$wire>::$variant),+
                }
            }
        }

        impl From<$wire> for $domain {
            fn from(value: $wire) -> Self {
                match value {
                    $(<$wire>::$variant => <$domain>::$variant),+
                }
            }
        }
    };
}

both_ways!(
    Status,
    wire::DonationStatus,
    [
        Pending, Succeeded, Failed, Expired, Refunded, Active, Cancelled
    ]
);
both_ways!(
    PaymentStatus,
    wire::donations::PaymentStatus,
    [Succeeded, Refunded]
);
both_ways!(
    verification::Status,
    wire::VerificationStatus,
    [Unverified, Pending, Verified, Rejected, Revoked]
);
both_ways!(Role, wire::Role, [Owner, Admin, Editor]);
both_ways!(
    crate::domain::organisations::InvitationStatus,
    wire::InvitationStatus,
    [Pending, Accepted, Declined, Revoked, Expired]
);
both_ways!(
    crate::domain::notifications::Kind,
    wire::NotificationKind,
    [
        CommentReply,
        UpdateComment,
        RoleGranted,
        Invitation,
        VerificationChanged,
        VerificationApproved,
        VerificationRejected,
        ReportUpheld,
        ReportDismissed
    ]
);

both_ways!(
    crate::domain::credentials::Scope,
    wire::TokenScope,
    [Read, Write]
);

impl From<verification::Authority> for wire::VerificationActor {
    fn from(value: verification::Authority) -> Self {
        match value {
            verification::Authority::Platform => wire::VerificationActor::Platform,
            verification::Authority::Owner => wire::VerificationActor::Organisation,
            verification::Authority::System => wire::VerificationActor::System,
        }
    }
}

both_ways!(Recurrence, wire::Recurrence, [Monthly, Yearly]);
both_ways!(
    crate::domain::notifications::Category,
    wire::email::MailCategory,
    [
        Replies,
        Comments,
        Invitations,
        Receipts,
        Recurring,
        Verification,
        Reports
    ]
);
both_ways!(
    crate::domain::notifications::Delivery,
    wire::email::MailDelivery,
    [Immediately, Digest, Never]
);
both_ways!(
    crate::domain::notifications::DigestFrequency,
    wire::email::DigestFrequency,
    [Daily, Weekly, Never]
);
both_ways!(
    crate::domain::moderation::ItemKind,
    wire::ItemKind,
    [Comment, Update, Organisation, User]
);
both_ways!(
    crate::domain::moderation::ReportState,
    wire::ReportState,
    [Open, Dismissed, Upheld]
);
/// What a moderator asks for (bans are an organisation's, with their own operations).
impl From<wire::ModerationAction> for crate::domain::moderation::Action {
    fn from(action: wire::ModerationAction) -> Self {
        use crate::domain::moderation::Action;
        match action {
            wire::ModerationAction::Dismiss => Action::Dismiss,
            wire::ModerationAction::Hide => Action::Hide,
            wire::ModerationAction::Restore => Action::Restore,
            wire::ModerationAction::Suspend => Action::Suspend,
            wire::ModerationAction::Lock => Action::Lock,
            wire::ModerationAction::Unlock => Action::Unlock,
            wire::ModerationAction::Delete => Action::Delete,
        }
    }
}
both_ways!(
    crate::domain::updates::ReportReason,
    wire::ReportReason,
    [Spam, Scam, Harassment, Hate, SelfHarm, Illegal, Other]
);
