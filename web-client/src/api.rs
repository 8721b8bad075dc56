//! The typed client of the Ensemble REST API (`/api/v1`).
//!
//! Success bodies decode into the shared wire types of `ensemble-wire`; error bodies
//! (`application/problem+json`) decode into [`Problem`], so pages can tell a validation error
//! from a missing resource by its stable `code` instead of parsing text.

use ensemble_wire::{Organisation, Page, Problem};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

/// Where the API lives: the same origin as the web app, so no CORS and no configuration.
pub const BASE_PATH: &str = "/api/v1";

/// Why a request did not give the expected value.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No HTTP answer at all: offline, server down, request blocked.
    Network(String),
    /// The server refused or failed, and said why in an RFC 9457 problem body.
    Problem(Problem),
    /// An error status without a problem body, e.g. a proxy's 502 page.
    Status { status: u16, status_text: String },
    /// A body that does not match the wire type: client and server disagree on the contract.
    Decode(String),
}

/// A handle on the API. Cheap to copy; pages get it from the Leptos context.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiClient {
    base: &'static str,
}

impl Default for ApiClient {
    fn default() -> Self {
        Self { base: BASE_PATH }
    }
}

impl ApiClient {
    /// `GET /organisations`: one page of organisations; pass the previous page's
    /// `next_cursor` to get the following one.
    pub async fn list_organisations(
        &self,
        cursor: Option<&str>,
    ) -> Result<Page<Organisation>, ApiError> {
        self.get("/organisations", cursor.map(|c| ("cursor", c)))
            .await
    }

    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: impl IntoIterator<Item = (&str, &str)>,
    ) -> Result<T, ApiError> {
        let url = format!("{}{path}", self.base);
        let result = match Request::get(&url)
            .query(query)
            .header("Accept", "application/json")
            .send()
            .await
        {
            Ok(response) => decode(response).await,
            Err(err) => Err(ApiError::Network(err.to_string())),
        };
        // Pages show people a short message; the details are for developers.
        if let Err(err) = &result {
            leptos::logging::warn!("GET {url}: {err:?}");
        }
        result
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|err| ApiError::Decode(err.to_string()));
    }
    let status = response.status();
    let status_text = response.status_text();
    let is_json = response
        .headers()
        .get("content-type")
        .is_some_and(|content_type| content_type.contains("json"));
    // Anything in front of the API (proxy, static file server) may answer with HTML.
    let problem = if is_json {
        response.json::<Problem>().await.ok()
    } else {
        None
    };
    Err(problem.map_or(
        ApiError::Status {
            status,
            status_text,
        },
        ApiError::Problem,
    ))
}
