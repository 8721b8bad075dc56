//! The sandbox's own checkout pages (only with the sandbox provider): a test, marked as
//! one, where the donor chooses to pay or to fail. The choice becomes the events a real
//! provider would send, signed and delivered to the sandbox webhook over HTTP.

use actix_web::http::header;
use actix_web::web::{self, Data, Path};
use actix_web::{HttpResponse, get, post};
use ensemble_wire::Code;
use serde::Deserialize;

use super::decimal;
use super::html::{TEST_BANNER, escape, page};
use crate::db::Db;
use crate::db::StoreError;
use crate::db::donations::{self as store, Row};
use crate::domain::donations::{Money, Recurrence, Status};
use crate::domain::text::field_error;
use crate::error::ApiError;
use crate::payments::Payments;
use crate::payments::sandbox::Sandbox;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckoutToken {
    /// The token of the checkout link (valid for a day).
    pub token: String,
}

/// The sandbox's checkout page: a test, clearly marked, where the donor chooses to pay or
/// to fail. Only with the sandbox provider, and only through the link given to the donor
/// (which expires after a day).
#[utoipa::path(
    tag = "donations",
    operation_id = "sandbox_checkout",
    params(("id" = String, Path, description = "The donation's id"), CheckoutToken),
    responses(
        (status = 200, description = "HTML", content_type = "text/html", body = String),
        (status = 404, description = "No such checkout (or its link expired)"),
    )
)]
#[get("/payments/sandbox/checkout/{id}")]
pub async fn sandbox_checkout(
    db: Data<Db>,
    payments: Data<Payments>,
    id: Path<String>,
    crate::extract::Query(query): crate::extract::Query<CheckoutToken>,
) -> Result<HttpResponse, ApiError> {
    let (row, _) = sandbox_donation(&db, &payments, &id, &query.token).await?;
    let what = format!(
        "{} {}{}",
        decimal(row.amount_minor),
        escape(&row.currency),
        match row.recurring {
            Some(Recurrence::Monthly) => " every month",
            Some(Recurrence::Yearly) => " every year",
            None => "",
        }
    );
    let action = format!("/api/v1/payments/sandbox/checkout/{}", row.id);
    let token = escape(&query.token);
    let body = if row.status == Status::Pending {
        format!(
            "{TEST_BANNER}\
             <h1>Give {what} to {name} (test)</h1>\
             <form method=\"post\" action=\"{action}\">\
             <input type=\"hidden\" name=\"token\" value=\"{token}\">\
             <button type=\"submit\" name=\"outcome\" value=\"pay\">Pay (test)</button>\
             <button type=\"submit\" name=\"outcome\" value=\"fail\" class=\"secondary\">Fail the payment (test)</button>\
             </form>",
            name = escape(&row.organisation.name),
        )
    } else {
        format!(
            "{TEST_BANNER}<h1>This checkout is closed</h1><p>Donation status: {}.</p>",
            row.status
        )
    };
    Ok(page_response(&body))
}

/// A page for one checkout: no cache keeps it.
fn page_response(body: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(page("en", "Sandbox checkout (test mode)", body))
}

async fn sandbox_donation(
    db: &Db,
    payments: &Payments,
    id: &str,
    token: &str,
) -> Result<(Row, std::sync::Arc<Sandbox>), ApiError> {
    let sandbox = payments
        .sandbox
        .clone()
        .ok_or(StoreError::NotFound("checkout"))?;
    let id: i64 = id.parse().map_err(|_| ApiError::NotFound("checkout"))?;
    if !sandbox.token_ok(id, token, chrono::Utc::now().timestamp()) {
        return Err(ApiError::NotFound("checkout"));
    }
    let row = db
        .run(move |conn| store::find(conn, id)?.ok_or(StoreError::NotFound("checkout")))
        .await?;
    Ok((row, sandbox))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct CheckoutOutcome {
    pub token: String,
    /// `pay` or `fail`.
    pub outcome: String,
}

/// The donor's choice on the sandbox checkout: the provider's events are signed and
/// delivered to the sandbox webhook, as a real provider would.
#[utoipa::path(
    tag = "donations",
    operation_id = "sandbox_checkout_outcome",
    params(("id" = String, Path, description = "The donation's id")),
    request_body(content = CheckoutOutcome, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 200, description = "HTML: what happened", content_type = "text/html", body = String),
        (status = 404, description = "No such checkout (or its link expired)"),
    )
)]
#[post("/payments/sandbox/checkout/{id}")]
pub async fn sandbox_outcome(
    db: Data<Db>,
    payments: Data<Payments>,
    id: Path<String>,
    form: web::Form<CheckoutOutcome>,
) -> Result<HttpResponse, ApiError> {
    let (row, sandbox) = sandbox_donation(&db, &payments, &id, &form.token).await?;
    let paid = match form.outcome.as_str() {
        "pay" => true,
        "fail" => false,
        _ => {
            return Err(ApiError::Validation(vec![field_error(
                "outcome",
                Code::InvalidValue,
                "pay or fail",
            )]));
        }
    };
    if row.status == Status::Pending {
        let money = Money {
            amount_minor: row.amount_minor,
            currency: row.currency.clone(),
        };
        for event in Sandbox::outcome_events(row.id, &money, row.recurring.is_some(), paid) {
            sandbox.deliver(&event).await?;
        }
    }
    let body = format!(
        "{TEST_BANNER}<h1>{}</h1><p><a href=\"/organisations/{}\">Back to {}</a></p>",
        if paid {
            "Thank you! (test payment completed)"
        } else {
            "The test payment failed"
        },
        escape(&row.organisation.slug),
        escape(&row.organisation.name)
    );
    Ok(page_response(&body))
}
