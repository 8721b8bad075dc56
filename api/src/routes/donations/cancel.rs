//! `POST /donations/{id}/cancel`: a donor stops a monthly or yearly gift.

use actix_web::post;
use actix_web::web::{self, Data, Path};
use ensemble_wire::Code;
use ensemble_wire::Donation;

use super::visible;
use crate::auth::{Auth, Write};
use crate::db::Db;
use crate::db::donations::{self as store, LiveRecurring};
use crate::domain::donations::Viewer;
use crate::error::ApiError;
use crate::payments::{self, Payments};

/// Stop a monthly or yearly gift (its donor). The provider stops charging (or, before the
/// first payment, closes the checkout); past payments stay.
#[utoipa::path(
    tag = "donations",
    operation_id = "cancel_donation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The donation's id")),
    responses(
        (status = 200, description = "Cancelled", body = Donation),
        (status = 404, description = "No such donation (or not yours)"),
        (status = 409, description = "`not_recurring`, `not_active`, or `checkout_completing` (paid at this very moment: try again)"),
        (status = 502, description = "`provider_unavailable`: the provider did not answer; nothing changed"),
    )
)]
#[post("/donations/{id}/cancel")]
pub async fn cancel(
    auth: Auth<Write>,
    db: Data<Db>,
    payments: Data<Payments>,
    id: Path<String>,
) -> Result<web::Json<Donation>, ApiError> {
    let seen = visible(&db, &id, auth.user_id).await?;
    if seen.viewer != Viewer::Donor {
        return Err(ApiError::NotFound("donation"));
    }
    let row = seen.row;
    if row.recurring.is_none() {
        return Err(ApiError::Conflict(
            Code::NotRecurring,
            "Only monthly or yearly gifts can be cancelled.".into(),
        ));
    }
    if !row.status.is_live_recurring() {
        return Err(ApiError::Conflict(
            Code::NotActive,
            "This gift has already ended.".into(),
        ));
    }
    let gift = LiveRecurring {
        id: row.id,
        status: row.status,
        provider: row.provider,
        checkout_id: row.provider_checkout_id,
        subscription_id: row.provider_subscription_id,
    };
    payments::stop_recurring(&payments, &gift).await?;
    db.run(move |conn| store::cancel(conn, gift.provider, gift.id))
        .await?;
    let seen = visible(&db, &id, auth.user_id).await?;
    Ok(web::Json(crate::convert::donation(
        seen.row,
        &seen.payments,
        seen.viewer,
    )))
}
