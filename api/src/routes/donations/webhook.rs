//! `POST /payments/{provider}/webhook`: what the provider reports, straight down one path:
//! the signature first (`payments::signature`), then the event's meaning
//! (`payments::events`), then one transaction that claims the event and applies it if it
//! fits the donation (`db::donations::apply`, by `domain::donations`' rules).

use actix_web::web::{Bytes, Data, Path};
use actix_web::{HttpRequest, HttpResponse, post};
use chrono::Utc;
use ensemble_wire::Code;

use crate::db::Db;
use crate::db::donations as store;
use crate::domain::text::field_error;
use crate::error::ApiError;
use crate::payments::{Payments, events, signature};

/// A provider's event (`sandbox` or `stripe`), signed with its webhook secret
/// (`Stripe-Signature`). Each event is applied once, however often it is delivered, and only
/// if it matches the donation's checkout, amount and currency (otherwise it is recorded as
/// rejected and changes nothing).
#[utoipa::path(
    tag = "donations",
    operation_id = "payment_webhook",
    params(("provider" = String, Path, description = "`sandbox` or `stripe`")),
    request_body(content = String, content_type = "application/json", description = "The provider's event"),
    responses(
        (status = 200, description = "Received (applied now, or already before, or recorded as not applicable)", body = ensemble_wire::donations::EventReceived),
        (status = 400, description = "`invalid_signature` or `invalid_event`"),
        (status = 404, description = "Not the configured provider"),
    )
)]
#[post("/payments/{provider}/webhook")]
pub async fn webhook(
    db: Data<Db>,
    payments: Data<Payments>,
    provider: Path<String>,
    request: HttpRequest,
    body: Bytes,
) -> Result<HttpResponse, ApiError> {
    let provider_name = payments.provider.name();
    if provider.as_str() != provider_name.as_str() {
        return Err(ApiError::NotFound("provider"));
    }
    let header = request
        .headers()
        .get("Stripe-Signature")
        .and_then(|v| v.to_str().ok());
    signature::verify(
        payments.provider.webhook_secret(),
        header,
        &body,
        Utc::now().timestamp(),
    )
    .map_err(|e| {
        tracing::warn!(provider = %provider_name, error = ?e, "webhook signature refused");
        ApiError::InvalidQuery(vec![field_error(
            "Stripe-Signature",
            Code::InvalidSignature,
            "the signature does not verify",
        )])
    })?;
    let event: events::Event = serde_json::from_slice(&body).map_err(|_| {
        ApiError::InvalidQuery(vec![field_error(
            "body",
            Code::InvalidEvent,
            "not an event",
        )])
    })?;
    let meaning = events::effect(&event);
    let event_id = event.id.clone();
    let judgement = db
        .run(move |conn| store::apply(conn, provider_name, &event.id, &event.kind, &meaning))
        .await?;
    match &judgement {
        Some(judgement) if judgement.detail.is_empty() => {
            tracing::info!(provider = %provider_name, event = %event_id, outcome = %judgement.outcome, "payment event");
        }
        Some(judgement) => {
            tracing::warn!(provider = %provider_name, event = %event_id, outcome = %judgement.outcome, detail = judgement.detail, "payment event refused");
        }
        None => {
            tracing::info!(provider = %provider_name, event = %event_id, "payment event already received")
        }
    }
    Ok(HttpResponse::Ok().json(ensemble_wire::donations::EventReceived { received: true }))
}
