//! The sandbox: a checkout page served by Ensemble itself, clearly marked as a test, where
//! the donor chooses "pay" or "fail". Its answer becomes a Stripe-shaped event, signed with
//! the sandbox's secret and POSTed to the sandbox webhook over HTTP: the same path, the same
//! checks, as a real provider's. No money moves.

use futures_util::future::BoxFuture;
use serde_json::json;

use super::{
    Checkout, CheckoutRequest, CheckoutState, Expiry, Provider, SANDBOX_CHECKOUT_LIFETIME_HOURS,
    signature,
};
use crate::domain::donations::{Money, Provider as ProviderName};
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

    /// The token of a donation's checkout link, valid until `expires` (Unix seconds): only
    /// the donor who got the link can use it, and only for as long as a checkout lasts.
    fn token_until(&self, donation_id: i64, expires: i64) -> String {
        let message = format!("checkout:{donation_id}:{expires}");
        format!(
            "{expires}.{}",
            hex::encode(signature::hmac_sha256(&self.secret, &[message.as_bytes()]))
        )
    }

    /// A new checkout link's token, for a day.
    pub fn token(&self, donation_id: i64) -> String {
        let expires = chrono::Utc::now().timestamp() + SANDBOX_CHECKOUT_LIFETIME_HOURS * 60 * 60;
        self.token_until(donation_id, expires)
    }

    /// Whether `token` is this donation's and still valid at `now` (Unix seconds).
    pub fn token_ok(&self, donation_id: i64, token: &str, now: i64) -> bool {
        let Some((expires, tag)) = token.split_once('.') else {
            return false;
        };
        let (Ok(expires), Ok(tag)) = (expires.parse::<i64>(), hex::decode(tag)) else {
            return false;
        };
        let message = format!("checkout:{donation_id}:{expires}");
        expires > now && signature::hmac_verify(&self.secret, &[message.as_bytes()], &tag)
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
        money: &Money,
        recurring: bool,
        paid: bool,
    ) -> Vec<serde_json::Value> {
        let session = Self::checkout_id(donation_id);
        let amount_minor = money.amount_minor;
        let currency = money.currency.to_lowercase();
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

    /// The checkout session of a donation: one per donation.
    fn checkout_id(donation_id: i64) -> String {
        format!("cs_sandbox_{donation_id}")
    }
}

impl Provider for Sandbox {
    fn name(&self) -> ProviderName {
        ProviderName::Sandbox
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
                id: Self::checkout_id(id),
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

    fn expire_checkout<'a>(
        &'a self,
        _checkout_id: &'a str,
    ) -> BoxFuture<'a, Result<Expiry, ApiError>> {
        // The sandbox keeps no checkout of its own: its page serves only pending gifts, so
        // a cancelled one can no longer be paid there.
        Box::pin(async { Ok(Expiry::Expired) })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkout_links_are_the_donations_own_and_expire() {
        let sandbox = Sandbox::new(b"secret".to_vec(), "http://localhost");
        let now = chrono::Utc::now().timestamp();
        let token = sandbox.token(7);
        assert!(sandbox.token_ok(7, &token, now));
        assert!(!sandbox.token_ok(8, &token, now), "another donation");
        let day_after = now + SANDBOX_CHECKOUT_LIFETIME_HOURS * 3600 + 1;
        assert!(!sandbox.token_ok(7, &token, day_after), "expired");
        let stale = sandbox.token_until(7, now - 1);
        assert!(!sandbox.token_ok(7, &stale, now));
        let (expires, tag) = token.split_once('.').unwrap();
        let stretched = format!("{}.{tag}", expires.parse::<i64>().unwrap() + 3600);
        assert!(
            !sandbox.token_ok(7, &stretched, now),
            "the expiry is signed"
        );
        assert!(!sandbox.token_ok(7, "nonsense", now));
        let other = Sandbox::new(b"other".to_vec(), "http://localhost");
        assert!(!other.token_ok(7, &token, now));
    }
}
