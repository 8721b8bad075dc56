//! Provider events, in Stripe's shapes (the sandbox speaks them too), turned into what they
//! mean for a donation.

use serde::Deserialize;
use serde_json::Value;

use crate::db::donations::{Effect, PaymentIn};

#[derive(Debug, Deserialize)]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub data: EventData,
}

#[derive(Debug, Deserialize)]
pub struct EventData {
    pub object: Value,
}

fn text<'a>(object: &'a Value, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// Our donation id, from `metadata.donation_id` or `client_reference_id`.
fn donation_id(object: &Value) -> Option<i64> {
    object
        .get("metadata")
        .and_then(|m| text(m, "donation_id"))
        .or_else(|| text(object, "client_reference_id"))
        .and_then(|id| id.parse().ok())
}

/// Our donation id on an invoice, from its subscription's metadata (we set
/// `subscription_data[metadata][donation_id]`): `parent.subscription_details.metadata`
/// (2025 and later) or `subscription_details.metadata` (older versions).
fn invoice_donation_id(object: &Value) -> Option<i64> {
    object
        .get("parent")
        .and_then(|p| p.get("subscription_details"))
        .or_else(|| object.get("subscription_details"))
        .and_then(|d| d.get("metadata"))
        .and_then(|m| text(m, "donation_id"))
        .and_then(|id| id.parse().ok())
}

/// An invoice's subscription: `subscription` (older API versions) or
/// `parent.subscription_details.subscription` (2025 and later).
fn invoice_subscription(object: &Value) -> Option<String> {
    text(object, "subscription")
        .or_else(|| {
            object
                .get("parent")
                .and_then(|p| p.get("subscription_details"))
                .and_then(|d| text(d, "subscription"))
        })
        .map(str::to_owned)
}

fn amount(object: &Value, key: &str) -> Option<i64> {
    object.get(key).and_then(Value::as_i64)
}

/// What the event means for us; `Ignored` for what we do not act on (or cannot read).
pub fn effect(event: &Event) -> Effect {
    let object = &event.data.object;
    let currency = || text(object, "currency").map(str::to_uppercase);
    match event.kind.as_str() {
        "checkout.session.completed" => {
            let Some(donation_id) = donation_id(object) else {
                return Effect::Ignored;
            };
            // Paid now (cards), or later (bank debits: `unpaid`, then an async event).
            if !matches!(
                text(object, "payment_status"),
                Some("paid" | "no_payment_required")
            ) {
                return Effect::Ignored;
            }
            if text(object, "mode") == Some("subscription") {
                Effect::CheckoutCompleted {
                    donation_id,
                    subscription_id: text(object, "subscription").map(str::to_owned),
                    payment: None,
                }
            } else {
                let payment = match (
                    text(object, "payment_intent"),
                    amount(object, "amount_total"),
                    currency(),
                ) {
                    (Some(intent), Some(amount_minor), Some(currency)) => Some(PaymentIn {
                        provider_payment_id: intent.to_owned(),
                        amount_minor,
                        currency,
                    }),
                    _ => None,
                };
                Effect::CheckoutCompleted {
                    donation_id,
                    subscription_id: None,
                    payment,
                }
            }
        }
        "checkout.session.async_payment_succeeded" => match donation_id(object) {
            Some(donation_id) => Effect::CheckoutCompleted {
                donation_id,
                subscription_id: None,
                payment: text(object, "payment_intent")
                    .zip(amount(object, "amount_total"))
                    .zip(currency())
                    .map(|((intent, amount_minor), currency)| PaymentIn {
                        provider_payment_id: intent.to_owned(),
                        amount_minor,
                        currency,
                    }),
            },
            None => Effect::Ignored,
        },
        "checkout.session.async_payment_failed" => donation_id(object)
            .map_or(Effect::Ignored, |donation_id| Effect::CheckoutFailed {
                donation_id,
            }),
        "checkout.session.expired" => donation_id(object).map_or(Effect::Ignored, |donation_id| {
            Effect::CheckoutExpired { donation_id }
        }),
        "invoice.paid" => match (
            invoice_subscription(object),
            text(object, "id"),
            amount(object, "amount_paid"),
            currency(),
        ) {
            (Some(subscription_id), Some(invoice), Some(amount_minor), Some(currency))
                if amount_minor > 0 =>
            {
                Effect::PaymentSucceeded {
                    subscription_id,
                    donation_id: invoice_donation_id(object),
                    payment: PaymentIn {
                        provider_payment_id: invoice.to_owned(),
                        amount_minor,
                        currency,
                    },
                }
            }
            _ => Effect::Ignored,
        },
        "invoice.payment_failed" => match invoice_subscription(object) {
            // Stripe retries a failed period and deletes the subscription when it gives up
            // (`customer.subscription.deleted`); the first period failing ends the gift.
            Some(subscription_id)
                if text(object, "billing_reason") == Some("subscription_create") =>
            {
                Effect::SubscriptionFailed {
                    subscription_id,
                    donation_id: invoice_donation_id(object),
                }
            }
            _ => Effect::Ignored,
        },
        "customer.subscription.deleted" => {
            text(object, "id").map_or(Effect::Ignored, |id| Effect::SubscriptionCancelled {
                subscription_id: id.to_owned(),
            })
        }
        "charge.refunded" => {
            // Fully refunded only; the payment is known by its PaymentIntent (one-off) or
            // invoice (a period).
            if object.get("refunded").and_then(Value::as_bool) != Some(true) {
                return Effect::Ignored;
            }
            text(object, "payment_intent")
                .or_else(|| text(object, "invoice"))
                .map_or(Effect::Ignored, |id| Effect::Refunded {
                    provider_payment_id: id.to_owned(),
                })
        }
        _ => Effect::Ignored,
    }
}
