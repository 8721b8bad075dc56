//! Payment providers behind one trait: the built-in `sandbox` (a test checkout that pays
//! nothing), and Stripe. Both report through signed webhooks in Stripe's format, handled by
//! one path (`routes::donations::webhook`).

pub mod events;
pub mod sandbox;
pub mod signature;
pub mod stripe;

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
    /// The provider the settings name.
    pub fn from_settings(
        settings: &crate::config::Settings,
        secrets: &crate::secrets::Secrets,
        public_url: &str,
    ) -> anyhow::Result<Self> {
        match settings.payments.as_str() {
            "stripe" => {
                let (Some(key), Some(webhook)) = (
                    settings.stripe_secret_key.clone().filter(|k| !k.is_empty()),
                    settings
                        .stripe_webhook_secret
                        .clone()
                        .filter(|k| !k.is_empty()),
                ) else {
                    anyhow::bail!(
                        "ENSEMBLE_PAYMENTS=stripe needs ENSEMBLE_STRIPE_SECRET_KEY and ENSEMBLE_STRIPE_WEBHOOK_SECRET"
                    );
                };
                Ok(Self {
                    provider: std::sync::Arc::new(stripe::Stripe::new(
                        key,
                        webhook,
                        settings.stripe_api_base.as_str(),
                        public_url,
                    )),
                    sandbox: None,
                })
            }
            _ => Ok(Self::sandbox(
                secrets.sandbox_secret.expose().as_bytes(),
                public_url,
            )),
        }
    }

    pub fn sandbox(secret: &[u8], public_url: &str) -> Self {
        let sandbox = std::sync::Arc::new(sandbox::Sandbox::new(secret.to_vec(), public_url));
        Self {
            provider: sandbox.clone(),
            sandbox: Some(sandbox),
        }
    }
}

/// What a reconciliation did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Reconciled {
    pub checked: usize,
    pub paid: usize,
    pub expired: usize,
    pub open: usize,
}

/// A sandbox checkout nobody finished is given up after this long (Stripe expires its
/// sessions after 24 hours itself, and says so when asked).
const SANDBOX_CHECKOUT_LIFETIME_HOURS: i64 = 24;

/// Settles donations pending for longer than `older_than` by asking the provider where
/// their checkout stands: what it says is applied like its webhook would have been, and
/// only once (the event id is the checkout's).
pub async fn reconcile(
    db: &crate::db::Db,
    payments: &Payments,
    older_than: chrono::Duration,
) -> Result<Reconciled, ApiError> {
    use crate::db::donations::{self as store, Effect};
    let before = crate::db::now() - older_than;
    let pending = db
        .run(move |conn| Ok(store::stale_pending(conn, before)?))
        .await?;
    let provider = payments.provider.clone();
    let mut report = Reconciled::default();
    for (donation_id, name, checkout_id, created_at) in pending {
        if name != provider.name() {
            continue;
        }
        report.checked += 1;
        let Some(checkout_id) = checkout_id else {
            report.open += 1;
            continue;
        };
        let state = provider.checkout_state(&checkout_id).await?;
        let sandbox_expired = provider.name() == "sandbox"
            && crate::db::now() - created_at
                > chrono::Duration::hours(SANDBOX_CHECKOUT_LIFETIME_HOURS);
        let (effect, kind) = match state {
            CheckoutState::Paid(effect) => {
                report.paid += 1;
                (effect, "checkout.session.completed")
            }
            CheckoutState::Expired => {
                report.expired += 1;
                (
                    Effect::CheckoutExpired { donation_id },
                    "checkout.session.expired",
                )
            }
            CheckoutState::Open if sandbox_expired => {
                report.expired += 1;
                (
                    Effect::CheckoutExpired { donation_id },
                    "checkout.session.expired",
                )
            }
            CheckoutState::Open => {
                report.open += 1;
                continue;
            }
        };
        let name = provider.name();
        let event_id = format!("reconcile:{checkout_id}:{kind}");
        db.run(move |conn| store::apply(conn, name, &event_id, kind, &effect))
            .await?;
    }
    Ok(report)
}
