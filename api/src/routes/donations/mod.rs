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

use crate::db::StoreError;
use crate::db::donations::{self as store, PaymentRow, Row};
use crate::db::{Db, teams};
use crate::domain::donations::Viewer;
use crate::domain::organisations::Role;
use crate::error::ApiError;

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

use crate::domain::donations::decimal;
