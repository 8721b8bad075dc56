//! Donations over HTTP: giving (`give`), reading them as the donor or the organisation's
//! admins (`read`), stopping a recurring gift (`cancel`), the provider webhooks
//! (`webhook`), and the presentations: CSV (`csv`), the printable receipt (`receipt`) and
//! the sandbox's own checkout pages (`sandbox`). The rules are in `domain::donations`,
//! storage in `db::donations`.

pub mod cancel;
pub mod csv;
pub mod give;
mod html;
pub mod read;
pub mod receipt;
pub mod sandbox;
pub mod webhook;

use chrono::{DateTime, Utc};
use ensemble_wire::{Donation, OrganisationRef, Payment};

use crate::db::StoreError;
use crate::db::donations::{self as store, PaymentRow, Row};
use crate::db::{Db, teams};
use crate::domain::donations::{Consent, DonorRecord, DonorView, Viewer, donor_view};
use crate::domain::organisations::Role;
use crate::error::ApiError;

fn utc(at: chrono::NaiveDateTime) -> DateTime<Utc> {
    DateTime::<Utc>::from_naive_utc_and_offset(at, Utc)
}

/// What `viewer` may see of the donor of `row`: the one privacy rule,
/// `domain::donations::donor_view`, applied to the stored donation.
fn donor_seen(row: &Row, viewer: Viewer) -> DonorView {
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

/// The donation as `viewer` may see it.
pub(crate) fn to_wire(row: Row, payments: &[PaymentRow], viewer: Viewer) -> Donation {
    let donor = donor_seen(&row, viewer);
    let status = row.status;
    Donation {
        id: row.id.to_string(),
        organisation: OrganisationRef {
            slug: row.organisation.slug,
            name: row.organisation.name,
            logo_url: row.organisation.logo_url,
            verification_status: row.organisation.verification_status.into(),
        },
        amount_minor: row.amount_minor,
        currency: row.currency,
        recurring: row.recurring.map(Into::into),
        status: status.into(),
        anonymous: row.anonymous,
        share_contact: row.share_contact,
        message: row.message,
        test: row.provider.is_test(),
        checkout_url: if status == crate::domain::donations::Status::Pending
            && viewer == Viewer::Donor
        {
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

/// A donation as the signed-in person may see it.
struct Visible {
    row: Row,
    payments: Vec<PaymentRow>,
    viewer: Viewer,
}

/// The donation and how the user may see it: 404 for everyone else (its existence is
/// nobody else's business).
async fn visible(db: &Db, id: &str, user_id: i64) -> Result<Visible, ApiError> {
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound("donation"))?;
    db.run(move |conn| {
        let row = store::find(conn, id)?.ok_or(StoreError::NotFound("donation"))?;
        let viewer = if row.donor_id == Some(user_id) {
            Viewer::Donor
        } else if teams::member_role(conn, row.organisation_id, user_id)?
            .is_some_and(|r| r >= Role::Admin)
        {
            Viewer::Organisation
        } else {
            return Err(StoreError::NotFound("donation"));
        };
        let payments = store::payments(conn, &[id])?;
        Ok(Visible {
            row,
            payments,
            viewer,
        })
    })
    .await
    .map_err(ApiError::from)
}

/// Amount in major units with two decimals (every accepted currency has two).
fn decimal(amount_minor: i64) -> String {
    format!("{}.{:02}", amount_minor / 100, amount_minor % 100)
}
