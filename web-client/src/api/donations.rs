//! Donations: giving, mine, stopping a recurring gift, receipts, and those an organisation
//! received.

use ensemble_wire::{Donation, NewDonation, Page};
use gloo_net::http::Method;

use super::{ApiClient, ApiError};

impl ApiClient {
    /// Starts a donation; the answer names the provider's checkout. `key` makes sending it
    /// again (a double click, a retry) answer the same donation instead of a second one.
    pub async fn give(
        &self,
        slug: &str,
        body: &NewDonation,
        key: &str,
    ) -> Result<Donation, ApiError> {
        let path = format!("/organisations/{slug}/donations");
        self.send_with_key(Method::POST, &path, Some(body), key)
            .await
    }

    pub async fn my_donations(&self, limit: u32) -> Result<Page<Donation>, ApiError> {
        self.get("/me/donations", &[("limit", limit.to_string())])
            .await
    }

    /// Stops a monthly or yearly gift.
    pub async fn cancel_donation(&self, id: &str) -> Result<Donation, ApiError> {
        self.send::<(), _>(Method::POST, &format!("/donations/{id}/cancel"), None)
            .await
    }

    /// The printable receipt, as an HTML document.
    pub async fn receipt(&self, id: &str) -> Result<String, ApiError> {
        self.get_text(&format!("/donations/{id}/receipt")).await
    }

    /// The donations an organisation received (for its admins and owners).
    pub async fn organisation_donations(
        &self,
        slug: &str,
        limit: u32,
    ) -> Result<Page<Donation>, ApiError> {
        self.get(
            &format!("/organisations/{slug}/donations"),
            &[("limit", limit.to_string())],
        )
        .await
    }

    /// The same, as CSV.
    pub async fn organisation_donations_csv(&self, slug: &str) -> Result<String, ApiError> {
        self.get_text(&format!("/organisations/{slug}/donations.csv"))
            .await
    }
}
