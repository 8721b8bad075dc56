//! Stripe, through its REST API (reqwest, form-encoded): Checkout Sessions in `payment` or
//! `subscription` mode, our donation id in `client_reference_id` and
//! `metadata[donation_id]`, an `Idempotency-Key` on every POST; subscriptions cancelled
//! through the API; sessions read back for reconciliation. Its webhooks are verified with
//! the endpoint's signing secret (`signature`).

use ensemble_wire::Code;
use futures_util::future::BoxFuture;
use serde_json::Value;

use super::{Checkout, CheckoutRequest, CheckoutState, Expiry, Provider, events};
use crate::domain::donations::{Provider as ProviderName, ProviderEvent};
use crate::error::ApiError;

pub struct Stripe {
    secret_key: String,
    webhook_secret: Vec<u8>,
    api_base: String,
    public_url: String,
    client: reqwest::Client,
}

impl Stripe {
    pub fn new(
        secret_key: String,
        webhook_secret: String,
        api_base: &str,
        public_url: &str,
    ) -> Self {
        Self {
            secret_key,
            webhook_secret: webhook_secret.into_bytes(),
            api_base: api_base.trim_end_matches('/').to_owned(),
            public_url: public_url.trim_end_matches('/').to_owned(),
            client: reqwest::Client::builder()
                .timeout(std::time::Duration::from_secs(20))
                .build()
                .unwrap_or_default(),
        }
    }

    fn unavailable(error: impl std::fmt::Display) -> ApiError {
        tracing::warn!(%error, "Stripe request failed");
        ApiError::BadGateway(Code::ProviderUnavailable)
    }

    async fn json(response: reqwest::Response) -> Result<Value, ApiError> {
        let status = response.status();
        let body: Value = response.json().await.map_err(Self::unavailable)?;
        if status.is_success() {
            Ok(body)
        } else {
            Err(Self::unavailable(format!("{status}: {body}")))
        }
    }
}

impl Provider for Stripe {
    fn name(&self) -> ProviderName {
        ProviderName::Stripe
    }

    fn webhook_secret(&self) -> &[u8] {
        &self.webhook_secret
    }

    fn create_checkout<'a>(
        &'a self,
        request: &'a CheckoutRequest,
    ) -> BoxFuture<'a, Result<Checkout, ApiError>> {
        Box::pin(async move {
            let id = request.donation_id.to_string();
            let page = format!("{}/donations/{id}", self.public_url);
            let mut form: Vec<(String, String)> = vec![
                (
                    "mode".into(),
                    if request.recurring.is_some() {
                        "subscription"
                    } else {
                        "payment"
                    }
                    .into(),
                ),
                ("client_reference_id".into(), id.clone()),
                ("metadata[donation_id]".into(), id.clone()),
                ("success_url".into(), format!("{page}?checkout=success")),
                ("cancel_url".into(), format!("{page}?checkout=cancelled")),
                ("line_items[0][quantity]".into(), "1".into()),
                (
                    "line_items[0][price_data][currency]".into(),
                    request.money.currency.to_lowercase(),
                ),
                (
                    "line_items[0][price_data][unit_amount]".into(),
                    request.money.amount_minor.to_string(),
                ),
                (
                    "line_items[0][price_data][product_data][name]".into(),
                    format!("Donation to {}", request.organisation_name),
                ),
            ];
            match request.recurring {
                Some(recurrence) => {
                    form.push((
                        "line_items[0][price_data][recurring][interval]".into(),
                        recurrence.interval().into(),
                    ));
                    form.push((
                        "subscription_data[metadata][donation_id]".into(),
                        id.clone(),
                    ));
                }
                None => form.push((
                    "payment_intent_data[metadata][donation_id]".into(),
                    id.clone(),
                )),
            }
            if let Some(email) = &request.donor_email {
                form.push(("customer_email".into(), email.clone()));
            }
            let response = self
                .client
                .post(format!("{}/v1/checkout/sessions", self.api_base))
                .bearer_auth(&self.secret_key)
                // The same donation never opens two sessions, however often this is retried;
                // another database's donation of the same id is another key.
                .header(
                    "Idempotency-Key",
                    format!(
                        "donation-{id}-{}-checkout",
                        request.created_at.and_utc().timestamp_micros()
                    ),
                )
                .form(&form)
                .send()
                .await
                .map_err(Self::unavailable)?;
            let session = Self::json(response).await?;
            match (session["id"].as_str(), session["url"].as_str()) {
                (Some(id), Some(url)) => Ok(Checkout {
                    id: id.to_owned(),
                    url: url.to_owned(),
                }),
                _ => Err(Self::unavailable("a session without id or url")),
            }
        })
    }

    fn cancel_subscription<'a>(
        &'a self,
        subscription_id: &'a str,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        Box::pin(async move {
            let response = self
                .client
                .delete(format!(
                    "{}/v1/subscriptions/{subscription_id}",
                    self.api_base
                ))
                .bearer_auth(&self.secret_key)
                .send()
                .await
                .map_err(Self::unavailable)?;
            Self::json(response).await.map(|_| ())
        })
    }

    fn expire_checkout<'a>(
        &'a self,
        checkout_id: &'a str,
    ) -> BoxFuture<'a, Result<Expiry, ApiError>> {
        Box::pin(async move {
            let response = self
                .client
                .post(format!(
                    "{}/v1/checkout/sessions/{checkout_id}/expire",
                    self.api_base
                ))
                .bearer_auth(&self.secret_key)
                .header("Idempotency-Key", format!("{checkout_id}-expire"))
                .send()
                .await
                .map_err(Self::unavailable)?;
            if response.status().is_success() {
                return Ok(Expiry::Expired);
            }
            // Stripe refuses to expire a session that is not open: ask it which it is.
            match self.checkout_state(checkout_id).await? {
                CheckoutState::Expired => Ok(Expiry::Expired),
                CheckoutState::Paid(_) => Ok(Expiry::AlreadyComplete),
                CheckoutState::Open => Err(Self::unavailable(format!(
                    "expiring {checkout_id} answered {}",
                    response.status()
                ))),
            }
        })
    }

    fn checkout_state<'a>(
        &'a self,
        checkout_id: &'a str,
    ) -> BoxFuture<'a, Result<CheckoutState, ApiError>> {
        Box::pin(async move {
            let response = self
                .client
                .get(format!(
                    "{}/v1/checkout/sessions/{checkout_id}",
                    self.api_base
                ))
                .bearer_auth(&self.secret_key)
                .send()
                .await
                .map_err(Self::unavailable)?;
            let session = Self::json(response).await?;
            Ok(match session["status"].as_str() {
                Some("expired") => CheckoutState::Expired,
                Some("complete") => {
                    // The session read back has the shape of the event's object.
                    let event = events::Event {
                        id: String::new(),
                        kind: "checkout.session.completed".into(),
                        data: events::EventData { object: session },
                    };
                    match events::effect(&event) {
                        ProviderEvent::Ignored => CheckoutState::Open,
                        effect => CheckoutState::Paid(effect),
                    }
                }
                _ => CheckoutState::Open,
            })
        })
    }
}
