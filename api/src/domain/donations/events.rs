//! What a payment provider reported, in our terms, and whether it fits the donation it
//! names. An event is applied only when it matches the donation's checkout session (or
//! subscription), amount and currency; otherwise it is recorded as rejected and changes
//! nothing, so a misrouted, replayed or forged-but-signed event cannot settle a gift.

use super::status::Status;

/// A provider event's meaning. Ids are the provider's (`cs_…`, `sub_…`, `in_…`, `pi_…`).
#[derive(Debug, Clone, PartialEq)]
pub enum ProviderEvent {
    /// The checkout of a donation ended paid: a one-off gift with its payment; a
    /// recurring one with its subscription (its payments come as `PeriodPaid`).
    CheckoutCompleted {
        donation_id: i64,
        checkout_id: String,
        amount: Option<Money>,
        subscription_id: Option<String>,
        payment: Option<PaymentIn>,
    },
    CheckoutFailed {
        donation_id: i64,
        checkout_id: String,
    },
    CheckoutExpired {
        donation_id: i64,
        checkout_id: String,
    },
    /// A period of a subscription was paid. The invoice may come before the checkout's
    /// own event, so it names the donation too when it can.
    PeriodPaid {
        subscription_id: String,
        donation_id: Option<i64>,
        payment: PaymentIn,
    },
    /// The first period of a subscription could not be paid.
    SubscriptionFailed {
        subscription_id: String,
        donation_id: Option<i64>,
    },
    /// A later period could not be charged: the provider tries again, and ends the
    /// subscription (`SubscriptionCancelled`) if it never can. The donor is told.
    PeriodFailed {
        subscription_id: String,
        donation_id: Option<i64>,
    },
    SubscriptionCancelled {
        subscription_id: String,
    },
    /// Fully refunded: a payment known by the provider's id of it (PaymentIntent or
    /// invoice) or of the PaymentIntent behind its invoice, whichever the event names.
    Refunded {
        payment_refs: Vec<String>,
    },
    /// Nothing we act on.
    Ignored,
}

/// An amount in minor units and its ISO 4217 code (upper case).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Money {
    pub amount_minor: i64,
    pub currency: String,
}

/// A payment the provider received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentIn {
    /// The PaymentIntent of a one-off gift, the invoice of a period.
    pub provider_payment_id: String,
    /// The PaymentIntent behind an invoice, when the event names it: refunds name it.
    pub intent_id: Option<String>,
    pub money: Money,
}

/// What the database knows of a donation, to judge an event against.
#[derive(Debug, Clone)]
pub struct Facts {
    pub status: Status,
    pub recurring: bool,
    pub money: Money,
    pub checkout_id: Option<String>,
    pub subscription_id: Option<String>,
}

/// Why an event was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejection {
    /// No donation of this provider has this id or subscription.
    UnknownDonation,
    /// The event's checkout session is not the donation's.
    CheckoutMismatch,
    /// Another amount or currency than the donation's.
    AmountMismatch,
    /// The donation already has another subscription.
    SubscriptionMismatch,
    /// A completed checkout that says nothing of what was paid.
    NoPayment,
}

impl Rejection {
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::UnknownDonation => "unknown_donation",
            Rejection::CheckoutMismatch => "checkout_mismatch",
            Rejection::AmountMismatch => "amount_mismatch",
            Rejection::SubscriptionMismatch => "subscription_mismatch",
            Rejection::NoPayment => "no_payment",
        }
    }
}

impl Facts {
    /// An event about the donation's checkout must name that checkout, and what it says
    /// was paid must be the gift's amount and currency.
    pub fn check_checkout(&self, checkout_id: &str, paid: Option<&Money>) -> Result<(), Rejection> {
        if self.checkout_id.as_deref() != Some(checkout_id) {
            return Err(Rejection::CheckoutMismatch);
        }
        match paid {
            Some(money) if *money != self.money => Err(Rejection::AmountMismatch),
            _ => Ok(()),
        }
    }

    /// A subscription named by an event must be the donation's, if it has one already.
    pub fn check_subscription(&self, subscription_id: &str) -> Result<(), Rejection> {
        match &self.subscription_id {
            Some(own) if own != subscription_id => Err(Rejection::SubscriptionMismatch),
            _ => Ok(()),
        }
    }

    /// Each payment of a gift is of the gift's amount and currency (one period of a
    /// recurring gift is one gift's amount).
    pub fn check_payment(&self, payment: &PaymentIn) -> Result<(), Rejection> {
        if payment.money == self.money {
            Ok(())
        } else {
            Err(Rejection::AmountMismatch)
        }
    }
}

crate::text_enum! {
    /// What became of a received event, as recorded with it.
    pub enum EventOutcome {
        /// It moved a donation or counted a payment.
        Applied = "applied",
        /// It fits, but the donation is already past it (a late or repeated fact).
        Unchanged = "unchanged",
        /// It does not fit the donation it names: nothing changed.
        Rejected = "rejected",
        /// A kind of event we do not act on.
        Ignored = "ignored",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> Facts {
        Facts {
            status: Status::Pending,
            recurring: false,
            money: Money {
                amount_minor: 2500,
                currency: "EUR".into(),
            },
            checkout_id: Some("cs_1".into()),
            subscription_id: None,
        }
    }

    fn eur(amount_minor: i64) -> Money {
        Money {
            amount_minor,
            currency: "EUR".into(),
        }
    }

    #[test]
    fn an_event_must_name_the_donations_checkout_amount_and_currency() {
        let facts = facts();
        assert_eq!(facts.check_checkout("cs_1", Some(&eur(2500))), Ok(()));
        assert_eq!(facts.check_checkout("cs_1", None), Ok(()));
        assert_eq!(
            facts.check_checkout("cs_2", Some(&eur(2500))),
            Err(Rejection::CheckoutMismatch)
        );
        assert_eq!(
            facts.check_checkout("cs_1", Some(&eur(100))),
            Err(Rejection::AmountMismatch)
        );
        let usd = Money {
            amount_minor: 2500,
            currency: "USD".into(),
        };
        assert_eq!(
            facts.check_checkout("cs_1", Some(&usd)),
            Err(Rejection::AmountMismatch)
        );
        let without_checkout = Facts {
            checkout_id: None,
            ..facts
        };
        assert_eq!(
            without_checkout.check_checkout("cs_1", None),
            Err(Rejection::CheckoutMismatch),
            "no checkout was opened: nothing can have completed it"
        );
    }

    #[test]
    fn a_subscription_is_the_donations_own() {
        let mut facts = facts();
        assert_eq!(facts.check_subscription("sub_1"), Ok(()), "learnt now");
        facts.subscription_id = Some("sub_1".into());
        assert_eq!(facts.check_subscription("sub_1"), Ok(()));
        assert_eq!(
            facts.check_subscription("sub_2"),
            Err(Rejection::SubscriptionMismatch)
        );
    }
}
