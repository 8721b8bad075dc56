//! An organisation's verification: where it stands, and asking for a review.

use ensemble_wire::{NewVerification, Verification};
use gloo_net::http::Method;

use super::{ApiClient, ApiError};

impl ApiClient {
    pub async fn verification(&self, slug: &str) -> Result<Verification, ApiError> {
        self.get(&format!("/organisations/{slug}/verification"), &[])
            .await
    }

    pub async fn request_verification(
        &self,
        slug: &str,
        body: &NewVerification,
    ) -> Result<Verification, ApiError> {
        let path = format!("/organisations/{slug}/verification");
        self.send(Method::POST, &path, Some(body)).await
    }
}
