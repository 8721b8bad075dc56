//! Donations as their donor or the organisation sees them: what the organisation may see of
//! the donor is decided by `domain::donations::donor_view`, applied here to every view.

use ensemble_wire::{Donation, Payment};

use super::utc;
use crate::db::donations::{PaymentRow, Row};
use crate::domain::donations::{Consent, DonorRecord, DonorView, Status, Viewer, donor_view};

/// What `viewer` may see of the donor of `row`: the one privacy rule applied to the
/// stored donation.
pub fn donor_seen(row: &Row, viewer: Viewer) -> DonorView {
    donor_view(
        viewer,
        row.donor.as_ref().map(|d| DonorRecord {
            name: &d.name,
            email: &d.email,
        }),
        Consent {
            anonymous: row.anonymous,
            share_contact: row.share_contact,
        },
    )
}

/// The donation as `viewer` may see it, with its payments among `payments`.
pub fn donation(row: Row, payments: &[PaymentRow], viewer: Viewer) -> Donation {
    let donor = donor_seen(&row, viewer);
    let status = row.status;
    Donation {
        id: row.id.to_string(),
        organisation: row.organisation.into(),
        amount_minor: row.amount_minor,
        currency: row.currency,
        recurring: row.recurring.map(Into::into),
        status: status.into(),
        anonymous: row.anonymous,
        share_contact: row.share_contact,
        message: row.message,
        test: row.provider.is_test(),
        // Only the donor may still pay it.
        checkout_url: if status == Status::Pending && viewer == Viewer::Donor {
            row.checkout_url
        } else {
            None
        },
        donor_name: donor.name,
        donor_email: donor.email,
        payments: payments
            .iter()
            .filter(|p| p.donation_id == row.id)
            .map(|p| Payment {
                amount_minor: p.amount_minor,
                currency: p.currency.clone(),
                status: p.status.into(),
                receipt_number: p.receipt_number.clone(),
                paid_at: utc(p.paid_at),
            })
            .collect(),
        created_at: utc(row.created_at),
    }
}
