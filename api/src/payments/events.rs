//! Provider events, in Stripe's shapes (the sandbox speaks them too), turned into what they
//! mean for a donation.

use serde::Deserialize;
use serde_json::Value;

use crate::domain::donations::{Money, PaymentIn, ProviderEvent};

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

/// `amount` in `key` and the object's `currency`, as money.
fn money(object: &Value, key: &str) -> Option<Money> {
    Some(Money {
        amount_minor: amount(object, key)?,
        currency: text(object, "currency")?.to_uppercase(),
    })
}

/// The PaymentIntent behind an invoice: `payment_intent` (older API versions) or the first
/// of `payments.data[].payment.payment_intent` (2025 and later).
fn invoice_intent(object: &Value) -> Option<String> {
    text(object, "payment_intent")
        .or_else(|| {
            object
                .get("payments")
                .and_then(|p| p.get("data"))
                .and_then(Value::as_array)
                .and_then(|payments| {
                    payments
                        .iter()
                        .find_map(|p| p.get("payment").and_then(|p| text(p, "payment_intent")))
                })
        })
        .map(str::to_owned)
}

/// A checkout session's own id and our donation's.
fn checkout(object: &Value) -> Option<(i64, String)> {
    Some((donation_id(object)?, text(object, "id")?.to_owned()))
}

/// What the event means for us; `Ignored` for what we do not act on (or cannot read).
pub fn effect(event: &Event) -> ProviderEvent {
    let object = &event.data.object;
    match event.kind.as_str() {
        "checkout.session.completed" | "checkout.session.async_payment_succeeded" => {
            let Some((donation_id, checkout_id)) = checkout(object) else {
                return ProviderEvent::Ignored;
            };
            // Paid now (cards), or later (bank debits: `unpaid`, then an async event). A gift
            // is never free (`no_payment_required`): only `paid` settles one.
            if event.kind == "checkout.session.completed"
                && text(object, "payment_status") != Some("paid")
            {
                return ProviderEvent::Ignored;
            }
            let amount = money(object, "amount_total");
            if text(object, "mode") == Some("subscription") {
                ProviderEvent::CheckoutCompleted {
                    donation_id,
                    checkout_id,
                    amount,
                    subscription_id: text(object, "subscription").map(str::to_owned),
                    payment: None,
                }
            } else {
                let payment = match (text(object, "payment_intent"), &amount) {
                    (Some(intent), Some(money)) => Some(PaymentIn {
                        provider_payment_id: intent.to_owned(),
                        intent_id: Some(intent.to_owned()),
                        money: money.clone(),
                    }),
                    _ => None,
                };
                ProviderEvent::CheckoutCompleted {
                    donation_id,
                    checkout_id,
                    amount,
                    subscription_id: None,
                    payment,
                }
            }
        }
        "checkout.session.async_payment_failed" => {
            checkout(object).map_or(ProviderEvent::Ignored, |(donation_id, checkout_id)| {
                ProviderEvent::CheckoutFailed {
                    donation_id,
                    checkout_id,
                }
            })
        }
        "checkout.session.expired" => {
            checkout(object).map_or(ProviderEvent::Ignored, |(donation_id, checkout_id)| {
                ProviderEvent::CheckoutExpired {
                    donation_id,
                    checkout_id,
                }
            })
        }
        "invoice.paid" => match (
            invoice_subscription(object),
            text(object, "id"),
            money(object, "amount_paid"),
        ) {
            (Some(subscription_id), Some(invoice), Some(money)) if money.amount_minor > 0 => {
                ProviderEvent::PeriodPaid {
                    subscription_id,
                    donation_id: invoice_donation_id(object),
                    payment: PaymentIn {
                        provider_payment_id: invoice.to_owned(),
                        intent_id: invoice_intent(object),
                        money,
                    },
                }
            }
            _ => ProviderEvent::Ignored,
        },
        "invoice.payment_failed" => match invoice_subscription(object) {
            // Stripe retries a failed period and deletes the subscription when it gives up
            // (`customer.subscription.deleted`); the first period failing ends the gift.
            Some(subscription_id)
                if text(object, "billing_reason") == Some("subscription_create") =>
            {
                ProviderEvent::SubscriptionFailed {
                    subscription_id,
                    donation_id: invoice_donation_id(object),
                }
            }
            Some(subscription_id) => ProviderEvent::PeriodFailed {
                subscription_id,
                donation_id: invoice_donation_id(object),
            },
            None => ProviderEvent::Ignored,
        },
        "customer.subscription.deleted" => {
            text(object, "id").map_or(ProviderEvent::Ignored, |id| {
                ProviderEvent::SubscriptionCancelled {
                    subscription_id: id.to_owned(),
                }
            })
        }
        "charge.refunded" => {
            // Fully refunded only; the payment is known by its PaymentIntent (one-off, or
            // the intent behind a period's invoice) or, in older versions, its invoice.
            if object.get("refunded").and_then(Value::as_bool) != Some(true) {
                return ProviderEvent::Ignored;
            }
            let payment_refs: Vec<String> = ["payment_intent", "invoice"]
                .into_iter()
                .filter_map(|key| text(object, key).map(str::to_owned))
                .collect();
            if payment_refs.is_empty() {
                ProviderEvent::Ignored
            } else {
                ProviderEvent::Refunded { payment_refs }
            }
        }
        _ => ProviderEvent::Ignored,
    }
}
