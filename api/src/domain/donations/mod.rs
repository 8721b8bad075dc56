//! Donations: the rules of a gift in one place. This module validates a new gift (amount,
//! currency, recurrence, message, idempotency key) and names it for idempotency; `status`
//! is how a donation moves; `events` what a provider may report and when it fits;
//! `privacy` what an organisation may see of a donor.

pub mod events;
pub mod privacy;
pub mod status;

use ensemble_wire::Code;
use ensemble_wire::FieldError;
use sha2::{Digest, Sha256};

pub use events::{EventOutcome, Facts, Money, PaymentIn, ProviderEvent, Rejection};
pub use privacy::{Consent, DonorRecord, DonorView, Viewer, donor_view};
pub use status::{PaymentStatus, Status};

use super::text::{FieldErrors, field_error};

/// A currency we accept, with its limits in minor units (cents, rappen, fen…).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    pub code: &'static str,
    pub min_minor: i64,
    pub max_minor: i64,
}

/// ISO 4217 codes accepted, each with two decimals. From 1 to 10,000 in the currency's
/// unit (CNY from 5 to 70,000), so that a gift is worth the fees and a typo of a few zeros
/// is caught.
pub const CURRENCIES: [Currency; 6] = [
    Currency {
        code: "EUR",
        min_minor: 100,
        max_minor: 1_000_000,
    },
    Currency {
        code: "USD",
        min_minor: 100,
        max_minor: 1_000_000,
    },
    Currency {
        code: "GBP",
        min_minor: 100,
        max_minor: 1_000_000,
    },
    Currency {
        code: "CHF",
        min_minor: 100,
        max_minor: 1_000_000,
    },
    Currency {
        code: "CAD",
        min_minor: 100,
        max_minor: 1_000_000,
    },
    Currency {
        code: "CNY",
        min_minor: 500,
        max_minor: 7_000_000,
    },
];

pub fn currency(code: &str) -> Result<Currency, FieldError> {
    CURRENCIES
        .iter()
        .copied()
        .find(|c| c.code == code)
        .ok_or_else(|| {
            field_error(
                "currency",
                Code::UnsupportedCurrency,
                "one of EUR, USD, GBP, CHF, CAD, CNY",
            )
        })
}

/// An amount within the currency's limits.
pub fn amount(currency: Currency, amount_minor: i64) -> Result<i64, FieldError> {
    if (currency.min_minor..=currency.max_minor).contains(&amount_minor) {
        Ok(amount_minor)
    } else {
        Err(field_error(
            "amount_minor",
            Code::OutOfRange,
            format!(
                "between {} and {} (in hundredths of a {})",
                currency.min_minor, currency.max_minor, currency.code
            ),
        ))
    }
}

pub fn message(value: &str) -> Result<String, FieldError> {
    super::text::multi_line("message", value, 500)
}

crate::text_enum! {
    /// How often a recurring gift is charged.
    pub enum Recurrence {
        Monthly = "monthly",
        Yearly = "yearly",
    }
}

impl Recurrence {
    /// The billing interval, in Stripe's words.
    pub fn interval(self) -> &'static str {
        match self {
            Recurrence::Monthly => "month",
            Recurrence::Yearly => "year",
        }
    }
}

crate::text_enum! {
    /// The payment provider a donation went through.
    pub enum Provider {
        /// Ensemble's built-in test checkout: no money moves.
        Sandbox = "sandbox",
        Stripe = "stripe",
    }
}

impl Provider {
    /// Test money: marked as such wherever it appears, and never counted with real money.
    pub fn is_test(self) -> bool {
        self == Provider::Sandbox
    }
}

/// The receipt number of a payment: the year and the payment's id, unique and stable. A
/// test payment's number says so, so it can never pass for a real receipt.
pub fn receipt_number(year: i32, payment_id: i64, test: bool) -> String {
    let prefix = if test { "TEST" } else { "ENS" };
    format!("{prefix}-{year}-{payment_id:08}")
}

/// An `Idempotency-Key`: 1 to 255 visible ASCII characters (a UUID, say).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const MAX: usize = 255;

    pub fn parse(value: &str) -> Result<Self, FieldError> {
        if !value.is_empty()
            && value.len() <= Self::MAX
            && value.bytes().all(|b| b.is_ascii_graphic())
        {
            Ok(Self(value.to_owned()))
        } else {
            Err(Self::invalid())
        }
    }

    /// The error of a header that is not a key.
    pub fn invalid() -> FieldError {
        field_error(
            "Idempotency-Key",
            Code::InvalidIdempotencyKey,
            "1 to 255 visible ASCII characters",
        )
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A gift as asked for, validated: within its currency's limits, with a clean message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewGift {
    pub money: Money,
    pub recurring: Option<Recurrence>,
    pub consent: Consent,
    pub message: String,
}

impl TryFrom<&ensemble_wire::NewDonation> for NewGift {
    type Error = Vec<FieldError>;

    fn try_from(body: &ensemble_wire::NewDonation) -> Result<Self, Vec<FieldError>> {
        let mut errors = FieldErrors::default();
        let currency = errors.keep(currency(&body.currency));
        let amount = currency.and_then(|c| errors.keep(amount(c, body.amount_minor)));
        let message = errors.keep(message(&body.message));
        let (Some(currency), Some(amount_minor), Some(message)) = (currency, amount, message)
        else {
            return Err(errors.into_inner());
        };
        errors.finish(NewGift {
            money: Money {
                amount_minor,
                currency: currency.code.to_owned(),
            },
            recurring: body.recurring.map(Recurrence::from),
            consent: Consent {
                anonymous: body.anonymous,
                share_contact: body.share_contact,
            },
            message,
        })
    }
}

impl NewGift {
    /// What makes two requests "the same" for an `Idempotency-Key`: the organisation and
    /// every field of the gift, hashed.
    pub fn request_hash(&self, organisation_id: i64) -> String {
        let recurring = self.recurring.map_or("once", Recurrence::as_str);
        hex::encode(Sha256::digest(
            format!(
                "{organisation_id}|{}|{}|{recurring}|{}|{}|{}",
                self.money.amount_minor,
                self.money.currency,
                self.consent.anonymous,
                self.consent.share_contact,
                self.message
            )
            .as_bytes(),
        ))
    }
}

/// An amount in major units with two decimals (every accepted currency has two).
pub fn decimal(amount_minor: i64) -> String {
    format!("{}.{:02}", amount_minor / 100, amount_minor % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_gift_is_validated_whole_and_hashed_by_every_field() {
        let body = ensemble_wire::NewDonation {
            amount_minor: 2500,
            currency: "EUR".into(),
            recurring: None,
            anonymous: false,
            share_contact: false,
            message: " Merci ".into(),
        };
        let gift = NewGift::try_from(&body).unwrap();
        assert_eq!(gift.message, "Merci");
        let other = NewGift {
            consent: Consent {
                anonymous: true,
                share_contact: false,
            },
            ..gift.clone()
        };
        assert_ne!(gift.request_hash(1), other.request_hash(1));
        assert_ne!(gift.request_hash(1), gift.request_hash(2));
        let bad = ensemble_wire::NewDonation {
            amount_minor: 1,
            currency: "JPY".into(),
            message: "\u{0}".into(),
            ..body
        };
        let errors = NewGift::try_from(&bad).unwrap_err();
        let codes: Vec<&str> = errors.iter().map(|e| e.code.as_str()).collect();
        assert_eq!(codes, ["unsupported_currency", "control_characters"]);
    }

    #[test]
    fn idempotency_keys_are_visible_ascii() {
        assert!(IdempotencyKey::parse("3f2a-key").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("a b").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
        assert!(IdempotencyKey::parse("clé").is_err());
    }

    #[test]
    fn amounts_and_currencies_have_limits() {
        let eur = currency("EUR").unwrap();
        assert!(amount(eur, 99).is_err());
        assert!(amount(eur, 100).is_ok());
        assert!(amount(eur, 1_000_001).is_err());
        assert_eq!(currency("eur").unwrap_err().code, "unsupported_currency");
        assert_eq!(currency("JPY").unwrap_err().code, "unsupported_currency");
        assert_eq!(receipt_number(2026, 42, false), "ENS-2026-00000042");
        assert_eq!(receipt_number(2026, 42, true), "TEST-2026-00000042");
    }
}
