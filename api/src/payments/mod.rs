//! Payment providers behind one trait: the built-in `sandbox` (a test checkout that pays
//! nothing), and Stripe. Both report through signed webhooks in Stripe's format, handled by
//! one path (`routes::donations::webhook`), turned into the domain's
//! [`ProviderEvent`](crate::domain::donations::ProviderEvent)s by `events`.

pub mod events;
pub mod sandbox;
pub mod signature;
pub mod stripe;

use ensemble_wire::Code;
use futures_util::future::BoxFuture;

use crate::domain::donations::{Money, Provider as ProviderName, ProviderEvent, Recurrence};
use crate::error::ApiError;
use crate::secrets::Secret;

/// What a checkout is created for.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    pub donation_id: i64,
    /// When the donation was made: with its id, what makes it unique for the provider
    /// (idempotency keys), even across databases sharing one provider account or a
    /// database started again.
    pub created_at: chrono::NaiveDateTime,
    pub money: Money,
    pub recurring: Option<Recurrence>,
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
    Paid(ProviderEvent),
    Expired,
}

/// What expiring a checkout found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expiry {
    /// Closed now (or already): nobody can pay there any more.
    Expired,
    /// Paid before it could be closed: its events are on their way.
    AlreadyComplete,
}

pub trait Provider: Send + Sync {
    /// Stored with each donation, and in the webhook's path.
    fn name(&self) -> ProviderName;
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
    /// Closes a checkout nobody paid at, so nobody can pay there any more (a pending
    /// recurring gift cancelled before its first payment).
    fn expire_checkout<'a>(
        &'a self,
        checkout_id: &'a str,
    ) -> BoxFuture<'a, Result<Expiry, ApiError>>;
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
        public_url: &url::Url,
    ) -> anyhow::Result<Self> {
        let public_url_text = public_url.as_str();
        let given = |secret: &Option<Secret>| {
            secret
                .as_ref()
                .map(|s| s.expose().to_owned())
                .filter(|s| !s.is_empty())
        };
        match settings.payments {
            ProviderName::Stripe => {
                let (Some(key), Some(webhook)) = (
                    given(&settings.stripe_secret_key),
                    given(&settings.stripe_webhook_secret),
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
                        public_url_text,
                    )),
                    sandbox: None,
                })
            }
            ProviderName::Sandbox => {
                // Test money on a public address would look like real giving: refused unless
                // the operator says it is a test deployment.
                if public_url.scheme() == "https" && !settings.allow_sandbox {
                    anyhow::bail!(
                        "ENSEMBLE_PAYMENTS=sandbox (test money) on the public address {public_url}: \
                         set ENSEMBLE_PAYMENTS=stripe with its keys, or ENSEMBLE_ALLOW_SANDBOX=true \
                         for a test deployment"
                    );
                }
                Ok(Self::sandbox(
                    secrets.sandbox_secret.expose().as_bytes(),
                    public_url_text,
                ))
            }
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
pub const SANDBOX_CHECKOUT_LIFETIME_HOURS: i64 = 24;

/// Settles donations pending for longer than `older_than` by asking the provider where
/// their checkout stands: what it says is applied like its webhook would have been, and
/// only once (the event id is the checkout's).
pub async fn reconcile(
    db: &crate::db::Db,
    payments: &Payments,
    older_than: chrono::Duration,
) -> Result<Reconciled, ApiError> {
    use crate::db::donations as store;
    let before = crate::db::now() - older_than;
    let pending = db
        .run(move |conn| Ok(store::stale_pending(conn, before)?))
        .await?;
    let provider = payments.provider.clone();
    let name = provider.name();
    let mut report = Reconciled::default();
    for donation in pending {
        if donation.provider != name {
            continue;
        }
        report.checked += 1;
        let Some(checkout_id) = donation.checkout_id else {
            report.open += 1;
            continue;
        };
        let state = provider.checkout_state(&checkout_id).await?;
        let sandbox_expired = name.is_test()
            && crate::db::now() - donation.created_at
                > chrono::Duration::hours(SANDBOX_CHECKOUT_LIFETIME_HOURS);
        let expired = || ProviderEvent::CheckoutExpired {
            donation_id: donation.id,
            checkout_id: checkout_id.clone(),
        };
        let (event, kind) = match state {
            CheckoutState::Paid(event) => {
                report.paid += 1;
                (event, "checkout.session.completed")
            }
            CheckoutState::Expired => {
                report.expired += 1;
                (expired(), "checkout.session.expired")
            }
            CheckoutState::Open if sandbox_expired => {
                report.expired += 1;
                (expired(), "checkout.session.expired")
            }
            CheckoutState::Open => {
                report.open += 1;
                continue;
            }
        };
        let event_id = format!("reconcile:{checkout_id}:{kind}");
        db.run(move |conn| store::apply(conn, name, &event_id, kind, &event))
            .await?;
    }
    Ok(report)
}

/// Stops a recurring gift at its provider before it is cancelled here: its subscription
/// cancelled, or, before the first payment, its checkout expired so nobody can pay there.
pub async fn stop_recurring(
    payments: &Payments,
    gift: &crate::db::donations::LiveRecurring,
) -> Result<(), ApiError> {
    if gift.provider != payments.provider.name() {
        // A gift made through a provider no longer configured: test money needs nothing
        // stopped; real money cannot be stopped from here.
        return if gift.provider.is_test() {
            Ok(())
        } else {
            Err(ApiError::BadGateway(Code::ProviderUnavailable))
        };
    }
    if let Some(subscription) = &gift.subscription_id {
        return payments.provider.cancel_subscription(subscription).await;
    }
    match &gift.checkout_id {
        Some(checkout) => match payments.provider.expire_checkout(checkout).await? {
            Expiry::Expired => Ok(()),
            Expiry::AlreadyComplete => Err(ApiError::Conflict(
                Code::CheckoutCompleting,
                "This gift has just been paid: try again in a moment to stop it.".into(),
            )),
        },
        None => Ok(()),
    }
}
