//! Small building blocks shared by the pages.

use leptos::prelude::*;

use crate::api::ApiError;
use crate::texts::{fill, texts};

/// What went wrong with a request, said for people, with a way to try again.
#[component]
pub fn ApiErrorNotice(
    /// What the page failed to do, e.g. "The organisations could not be loaded."
    summary: &'static str,
    error: ApiError,
    on_retry: Callback<()>,
) -> impl IntoView {
    let t = texts();
    let (explanation, reference) = match error {
        // `detail` explains this occurrence; `title` only names the kind of problem.
        ApiError::Problem(problem) => (
            problem.detail.unwrap_or(problem.title),
            problem
                .request_id
                .map(|id| fill(t.error_reference, &[("request_id", &id)])),
        ),
        ApiError::Status {
            status,
            status_text,
        } => (
            fill(
                t.error_status,
                &[
                    ("status", &status.to_string()),
                    ("status_text", &status_text),
                ],
            ),
            None,
        ),
        ApiError::Network(_) => (t.error_network.to_owned(), None),
        ApiError::Decode(_) => (t.error_decode.to_owned(), None),
    };
    view! {
        <div class="notice notice-error" role="alert">
            <p class="notice-summary">{summary}</p>
            <p>{explanation}</p>
            {reference.map(|reference| view! { <p class="notice-reference">{reference}</p> })}
            <button type="button" on:click=move |_| on_retry.run(())>
                {t.retry}
            </button>
        </div>
    }
}
