//! `GET /donations/{id}/receipt`: a printable receipt. It names the organisation as the
//! platform checked it when the money came, the donor only as the privacy rule lets the
//! viewer see them, and test money as what it is: not a receipt.

use actix_web::web::{Data, Path};
use actix_web::{HttpResponse, get};
use ensemble_wire::Code;

use super::html::{TEST_BANNER, escape, page};
use super::{decimal, visible};
use crate::auth::{Auth, Read};
use crate::convert::utc;
use crate::db::Db;
use crate::domain::donations::PaymentStatus;
use crate::error::ApiError;

/// A printable receipt for the payments of a donation (its donor, or the organisation's
/// admins, who see the donor only as the donor allowed). Test payments are marked as such.
#[utoipa::path(
    tag = "donations",
    operation_id = "donation_receipt",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The donation's id")),
    responses(
        (status = 200, description = "HTML, printable", content_type = "text/html", body = String),
        (status = 404, description = "No such donation (or not yours to see)"),
        (status = 409, description = "`nothing_paid`: no payment yet"),
    )
)]
#[get("/donations/{id}/receipt")]
pub async fn receipt(
    auth: Auth<Read>,
    db: Data<Db>,
    id: Path<String>,
) -> Result<HttpResponse, ApiError> {
    let seen = visible(&db, &id, auth.user_id).await?;
    let paid: Vec<_> = seen
        .payments
        .iter()
        .filter(|p| p.status == PaymentStatus::Succeeded)
        .collect();
    let Some(first) = paid.first() else {
        return Err(ApiError::Conflict(
            Code::NothingPaid,
            "No payment has been received for this donation yet.".into(),
        ));
    };
    let row = &seen.row;
    let test = row.provider.is_test();
    let donor = crate::convert::donor_seen(row, seen.viewer)
        .name
        .map_or_else(|| "an anonymous donor".to_owned(), |name| escape(&name));
    let registration = first
        .receipt_registration
        .as_deref()
        .map_or_else(|| "—".to_owned(), escape);
    let lines: String = paid
        .iter()
        .map(|p| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{} {}</td></tr>",
                escape(&p.receipt_number),
                utc(p.paid_at).format("%Y-%m-%d"),
                decimal(p.amount_minor),
                escape(&p.currency)
            )
        })
        .collect();
    let (title, banner, thanks) = if test {
        (
            "TEST — not a donation receipt",
            TEST_BANNER,
            "<p><strong>This is not a receipt: no money was given.</strong></p>",
        )
    } else {
        ("Donation receipt", "", "<p>Thank you for your support.</p>")
    };
    let body = format!(
        "{banner}<h1>{title}</h1>\
         <p><strong>{org}</strong><br>Registration: {registration}</p>\
         <p>Received from <strong>{donor}</strong>.</p>\
         <table><thead><tr><th>Receipt number</th><th>Date</th><th>Amount</th></tr></thead><tbody>{lines}</tbody></table>\
         {thanks}",
        title = escape(title),
        org = escape(&first.receipt_name),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page("en", title, &body)))
}
