//! The sandbox: a checkout page served by Ensemble itself, clearly marked as a test, where
//! the donor chooses "pay" or "fail". Its answer becomes a Stripe-shaped event, signed with
//! the sandbox's secret and POSTed to the sandbox webhook over HTTP: the same path, the same
//! checks, as a real provider's. No money moves.

use futures_util::future::BoxFuture;
use serde_json::json;

use super::{Checkout, CheckoutRequest, CheckoutState, Provider, signature};
use crate::error::ApiError;

pub struct Sandbox {
    secret: Vec<u8>,
    public_url: String,
    client: reqwest::Client,
}

impl Sandbox {
    pub fn new(secret: Vec<u8>, public_url: &str) -> Self {
        Self {
            secret,
            public_url: public_url.trim_end_matches('/').to_owned(),
            client: reqwest::Client::new(),
        }
    }

    /// The token of a donation's checkout link: only the donor who got the link can use it.
    pub fn token(&self, donation_id: i64) -> String {
        let id = donation_id.to_string();
        hex::encode(signature::hmac_sha256(
            &self.secret,
            &[b"checkout:", id.as_bytes()],
        ))
    }

    pub fn token_ok(&self, donation_id: i64, token: &str) -> bool {
        let id = donation_id.to_string();
        hex::decode(token).is_ok_and(|tag| {
            signature::hmac_verify(&self.secret, &[b"checkout:", id.as_bytes()], &tag)
        })
    }

    /// Signs `event` and delivers it to the sandbox webhook.
    pub async fn deliver(&self, event: &serde_json::Value) -> Result<(), ApiError> {
        let body = serde_json::to_vec(event).map_err(|e| ApiError::Internal(e.into()))?;
        let header = signature::sign(&self.secret, chrono::Utc::now().timestamp(), &body);
        let response = self
            .client
            .post(format!(
                "{}/api/v1/payments/sandbox/webhook",
                self.public_url
            ))
            .header("Content-Type", "application/json")
            .header("Stripe-Signature", header)
            .body(body)
            .send()
            .await
            .map_err(|e| ApiError::Internal(anyhow::anyhow!("sandbox webhook: {e}")))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(ApiError::Internal(anyhow::anyhow!(
                "sandbox webhook answered {}",
                response.status()
            )))
        }
    }

    /// The events a real provider would send when the donor pays or fails at checkout.
    pub fn outcome_events(
        donation_id: i64,
        amount_minor: i64,
        currency: &str,
        recurring: bool,
        paid: bool,
    ) -> Vec<serde_json::Value> {
        let session = format!("cs_sandbox_{donation_id}");
        let currency = currency.to_lowercase();
        let reference = donation_id.to_string();
        if !paid {
            return vec![json!({
                "id": format!("evt_sandbox_{donation_id}_failed"),
                "type": "checkout.session.async_payment_failed",
                "data": {"object": {"id": session, "client_reference_id": reference,
                    "metadata": {"donation_id": reference}}}
            })];
        }
        if recurring {
            let subscription = format!("sub_sandbox_{donation_id}");
            vec![
                json!({
                    "id": format!("evt_sandbox_{donation_id}_completed"),
                    "type": "checkout.session.completed",
                    "data": {"object": {"id": session, "mode": "subscription",
                        "payment_status": "paid", "client_reference_id": reference,
                        "metadata": {"donation_id": reference}, "subscription": subscription,
                        "amount_total": amount_minor, "currency": currency}}
                }),
                json!({
                    "id": format!("evt_sandbox_{donation_id}_invoice_1"),
                    "type": "invoice.paid",
                    "data": {"object": {"id": format!("in_sandbox_{donation_id}_1"),
                        "subscription": subscription, "billing_reason": "subscription_create",
                        "subscription_details": {"metadata": {"donation_id": reference}},
                        "amount_paid": amount_minor, "currency": currency}}
                }),
            ]
        } else {
            vec![json!({
                "id": format!("evt_sandbox_{donation_id}_completed"),
                "type": "checkout.session.completed",
                "data": {"object": {"id": session, "mode": "payment", "payment_status": "paid",
                    "client_reference_id": reference, "metadata": {"donation_id": reference},
                    "payment_intent": format!("pi_sandbox_{donation_id}"),
                    "amount_total": amount_minor, "currency": currency}}
            })]
        }
    }
}

impl Provider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn webhook_secret(&self) -> &[u8] {
        &self.secret
    }

    fn create_checkout<'a>(
        &'a self,
        request: &'a CheckoutRequest,
    ) -> BoxFuture<'a, Result<Checkout, ApiError>> {
        Box::pin(async move {
            let id = request.donation_id;
            Ok(Checkout {
                id: format!("cs_sandbox_{id}"),
                url: format!(
                    "{}/api/v1/payments/sandbox/checkout/{id}?token={}",
                    self.public_url,
                    self.token(id)
                ),
            })
        })
    }

    fn cancel_subscription<'a>(
        &'a self,
        _subscription_id: &'a str,
    ) -> BoxFuture<'a, Result<(), ApiError>> {
        // Nothing to tell: the sandbox charges no one.
        Box::pin(async { Ok(()) })
    }

    fn checkout_state<'a>(
        &'a self,
        _checkout_id: &'a str,
    ) -> BoxFuture<'a, Result<CheckoutState, ApiError>> {
        // A sandbox checkout nobody finished stays open; reconciliation expires it after a
        // day, as Stripe does.
        Box::pin(async { Ok(CheckoutState::Open) })
    }
}
