//! Payment providers behind one trait: the built-in `sandbox` (a test checkout that pays
//! nothing), and Stripe. Both report through signed webhooks in Stripe's format, handled by
//! one path (`routes::donations::webhook`).

pub mod events;
pub mod sandbox;
pub mod signature;

use futures_util::future::BoxFuture;

use crate::error::ApiError;

/// What a checkout is created for.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub donation_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    /// `month` or `year` for recurring gifts.
    pub interval: Option<&'static str>,
    pub organisation_name: String,
    pub donor_email: Option<String>,
}

/// A checkout the donor is sent to.
#[derive(Debug, Clone)]
pub struct Checkout {
    pub id: String,
    pub url: String,
}

/// Where a checkout stands, as the provider says when asked (reconciliation).
#[derive(Debug, Clone, PartialEq)]
pub enum CheckoutState {
    Open,
    Paid(crate::db::donations::Effect),
    Expired,
}

pub trait Provider: Send + Sync {
    /// `sandbox` or `stripe`: stored with each donation, and in the webhook's path.
    fn name(&self) -> &'static str;
    /// The secret webhooks are signed with.
    fn webhook_secret(&self) -> &[u8];
    fn create_checkout<'a>(
        &'a self,
        request: &'a CheckoutRequest,
    ) -> BoxFuture<'a, Result<Checkout, ApiError>>;
    fn cancel_subscription<'a>(
        &'a self,
        subscription_id: &'a str,
    ) -> BoxFuture<'a, Result<(), ApiError>>;
    fn checkout_state<'a>(
        &'a self,
        checkout_id: &'a str,
    ) -> BoxFuture<'a, Result<CheckoutState, ApiError>>;
}

/// The configured provider, shared by the handlers; the sandbox's own pages need the
/// sandbox itself.
pub struct Payments {
    pub provider: std::sync::Arc<dyn Provider>,
    pub sandbox: Option<std::sync::Arc<sandbox::Sandbox>>,
}

impl Payments {
    pub fn sandbox(secret: &[u8], public_url: &str) -> Self {
        let sandbox = std::sync::Arc::new(sandbox::Sandbox::new(secret.to_vec(), public_url));
        Self {
            provider: sandbox.clone(),
            sandbox: Some(sandbox),
        }
    }
}
