//! Between the domain's types and the wire's: one `From` each way, so a status or a role
//! is mapped in one place and a new variant is a compile error here, not a silent default.

use ensemble_wire as wire;

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
        VerificationChanged
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

impl From<Recurrence> for wire::Recurrence {
    fn from(value: Recurrence) -> Self {
        match value {
            Recurrence::Monthly => wire::Recurrence::Monthly,
            Recurrence::Yearly => wire::Recurrence::Yearly,
        }
    }
}
