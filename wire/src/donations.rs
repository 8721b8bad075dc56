//! Donations: giving to an organisation, once or every month or year.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::updates::OrganisationRef;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Monthly,
    Yearly,
}

/// Where a donation stands. One-off: `pending` → `succeeded` | `failed` | `expired`, then
/// possibly `refunded`. Recurring: `pending` → `active` → `cancelled` (or `failed`,
/// `expired` at checkout).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DonationStatus {
    Pending,
    Succeeded,
    Failed,
    Expired,
    Refunded,
    Active,
    Cancelled,
}

/// A gift to make. Send an `Idempotency-Key` header with it: the same key and body give
/// back the same donation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewDonation {
    /// In minor units (cents): `2500` is 25.00. From 1.00 to 10,000.00 (CNY: 5 to 70,000).
    #[serde(deserialize_with = "crate::whole_number::i64")]
    #[cfg_attr(feature = "openapi", schema(minimum = 100, maximum = 7000000))]
    pub amount_minor: i64,
    /// ISO 4217: EUR, USD, GBP, CHF, CAD or CNY.
    #[cfg_attr(feature = "openapi", schema(pattern = "^(EUR|USD|GBP|CHF|CAD|CNY)$"))]
    pub currency: String,
    /// Absent: a one-off gift.
    #[serde(default)]
    pub recurring: Option<Recurrence>,
    /// Hide your name from the organisation's public supporters.
    #[serde(default)]
    pub anonymous: bool,
    /// Let the organisation see your email address.
    #[serde(default)]
    pub share_contact: bool,
    /// A word for the organisation, at most 500 characters.
    #[serde(default)]
    #[cfg_attr(
        feature = "openapi",
        schema(
            max_length = 500,
            pattern = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]*$"
        )
    )]
    pub message: String,
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    Succeeded,
    Refunded,
}

/// A payment received for a donation (one per period for recurring ones).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Payment {
    pub amount_minor: i64,
    pub currency: String,
    pub status: PaymentStatus,
    /// `ENS-2026-00000042`; a test payment's starts with `TEST-`.
    pub receipt_number: String,
    pub paid_at: DateTime<Utc>,
}

/// A donation, as its donor and the organisation's admins see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Donation {
    pub id: String,
    pub organisation: OrganisationRef,
    pub amount_minor: i64,
    pub currency: String,
    pub recurring: Option<Recurrence>,
    pub status: DonationStatus,
    pub anonymous: bool,
    pub share_contact: bool,
    pub message: String,
    /// Test money: made through the sandbox, where no money moves. Never a real gift.
    pub test: bool,
    /// Where to pay, while `pending`.
    pub checkout_url: Option<String>,
    /// The donor's name: absent when anonymous (to the organisation) or deleted.
    pub donor_name: Option<String>,
    /// Only with the donor's consent (`share_contact`), and only to the organisation.
    pub donor_email: Option<String>,
    pub payments: Vec<Payment>,
    pub created_at: DateTime<Utc>,
}

/// What an organisation received in one currency: each succeeded payment counted once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DonationTotal {
    pub currency: String,
    pub amount_minor: i64,
    pub count: i64,
}

/// A provider's event, received: applied now, applied before, or recorded as not fitting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EventReceived {
    /// Always `true`: the provider may stop retrying.
    pub received: bool,
}
