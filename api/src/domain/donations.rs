//! Donations: which amounts and currencies are accepted, and the states a donation moves
//! through, forward only.

use ensemble_wire::FieldError;

use super::text::field_error;

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
                "unsupported_currency",
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
            "out_of_range",
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

/// Where a donation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Pending,
    Succeeded,
    Failed,
    Expired,
    Refunded,
    Active,
    Cancelled,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Pending,
        Status::Succeeded,
        Status::Failed,
        Status::Expired,
        Status::Refunded,
        Status::Active,
        Status::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Expired => "expired",
            Status::Refunded => "refunded",
            Status::Active => "active",
            Status::Cancelled => "cancelled",
        }
    }

    pub fn parse(stored: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == stored)
    }

    /// How far along its path a donation is; a transition only ever goes up. One-off:
    /// pending → succeeded | failed | expired → refunded (from succeeded). Recurring:
    /// pending → active | failed | expired → cancelled (from active).
    fn rank(self) -> u8 {
        match self {
            Status::Pending => 0,
            Status::Succeeded | Status::Failed | Status::Expired | Status::Active => 1,
            Status::Refunded | Status::Cancelled => 2,
        }
    }

    /// The status after `next`, if moving there is allowed: forward only, along the
    /// donation's kind of path. An event that would go sideways or back (a late
    /// "expired" after "succeeded", a repeated event) changes nothing.
    pub fn advance(self, next: Status, recurring: bool) -> Option<Status> {
        let on_path = match next {
            Status::Pending => false,
            Status::Succeeded | Status::Refunded => !recurring,
            Status::Active | Status::Cancelled => recurring,
            Status::Failed | Status::Expired => true,
        };
        let from_ok = match next {
            Status::Refunded => self == Status::Succeeded,
            Status::Cancelled => matches!(self, Status::Active | Status::Pending),
            _ => self == Status::Pending,
        };
        (on_path && from_ok && next.rank() > self.rank()).then_some(next)
    }
}

/// The receipt number of a payment: the year and the payment's id, unique and stable.
pub fn receipt_number(year: i32, payment_id: i64) -> String {
    format!("ENS-{year}-{payment_id:08}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn donations_only_move_forward_on_their_path() {
        use Status::*;
        assert_eq!(Pending.advance(Succeeded, false), Some(Succeeded));
        assert_eq!(Succeeded.advance(Refunded, false), Some(Refunded));
        assert_eq!(Succeeded.advance(Expired, false), None, "a late expiry");
        assert_eq!(
            Succeeded.advance(Succeeded, false),
            None,
            "a repeated event"
        );
        assert_eq!(Refunded.advance(Succeeded, false), None, "an older event");
        assert_eq!(Failed.advance(Succeeded, false), None);
        assert_eq!(Pending.advance(Refunded, false), None);
        assert_eq!(
            Pending.advance(Active, false),
            None,
            "one-off gifts are never active"
        );
        assert_eq!(Pending.advance(Active, true), Some(Active));
        assert_eq!(Active.advance(Cancelled, true), Some(Cancelled));
        assert_eq!(Cancelled.advance(Active, true), None);
        assert_eq!(Pending.advance(Succeeded, true), None);
        assert_eq!(Pending.advance(Expired, true), Some(Expired));
        assert_eq!(Pending.advance(Cancelled, true), Some(Cancelled));
    }

    #[test]
    fn amounts_and_currencies_have_limits() {
        let eur = currency("EUR").unwrap();
        assert!(amount(eur, 99).is_err());
        assert!(amount(eur, 100).is_ok());
        assert!(amount(eur, 1_000_001).is_err());
        assert_eq!(currency("eur").unwrap_err().code, "unsupported_currency");
        assert_eq!(currency("JPY").unwrap_err().code, "unsupported_currency");
        assert_eq!(receipt_number(2026, 42), "ENS-2026-00000042");
    }
}
