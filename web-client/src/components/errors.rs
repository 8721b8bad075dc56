//! Errors of the API said for people: a failed load with a way to try again, a form refused.

use ensemble_wire::Code;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::texts::{Texts, fill, texts};

/// What went wrong with a request, said for people, with a way to try again.
#[component]
pub fn ApiErrorNotice(
    /// What the page failed to do, e.g. "The organisations could not be loaded."
    summary: &'static str,
    error: ApiError,
    on_retry: Callback<()>,
) -> impl IntoView {
    let t = texts();
    let reference = match &error {
        ApiError::Problem(problem) => problem
            .request_id
            .as_ref()
            .map(|id| fill(t.error_reference, &[("request_id", id)])),
        _ => None,
    };
    let explanation = explain(t, &error);
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

/// An error in the reader's language: the known codes in our words, else the server's
/// title (already in the `Accept-Language` language).
pub fn explain(t: &'static Texts, error: &ApiError) -> String {
    match error {
        ApiError::Problem(problem) => match problem.known_code() {
            Some(Code::RateLimited) => t.too_many_requests.to_owned(),
            Some(Code::Forbidden) => t.forbidden.to_owned(),
            Some(Code::EmailNotVerified) => t.email_not_verified.to_owned(),
            Some(Code::AlreadyVerified) => t.email_already_verified.to_owned(),
            Some(Code::DuplicateComment) => t.comment_duplicate.to_owned(),
            Some(Code::AccountSuspended) => t.account_suspended.to_owned(),
            Some(Code::BannedHere) => t.comment_banned_here.to_owned(),
            Some(Code::Blocked) => t.comment_blocked_reply.to_owned(),
            Some(Code::CommentsLocked) => t.comments_locked.to_owned(),
            _ => problem
                .detail
                .clone()
                .unwrap_or_else(|| problem.title.clone()),
        },
        ApiError::Status {
            status,
            status_text,
        } => fill(
            t.error_status,
            &[
                ("status", &status.to_string()),
                ("status_text", status_text),
            ],
        ),
        ApiError::Network(_) => t.error_network.to_owned(),
        ApiError::Decode(_) => t.error_decode.to_owned(),
    }
}

/// A form refused: the fields at fault are marked (`errors`), and the message says either
/// to fix them or, when no field is at fault, what went wrong.
pub fn show_form_error(
    t: &'static Texts,
    error: &ApiError,
    errors: RwSignal<Vec<(String, String)>>,
    message: RwSignal<Option<String>>,
) {
    let fields = error.field_errors();
    message.set(Some(if fields.is_empty() {
        explain(t, error)
    } else {
        t.form_fix_errors.to_owned()
    }));
    errors.set(fields);
}

/// Why a link sent by mail did not work, when the fault is the link's own (its `token`
/// refused: expired, used already, or never issued): only a new link helps then.
pub fn link_problem(t: &'static Texts, error: &ApiError) -> Option<&'static str> {
    error
        .field_errors()
        .into_iter()
        .find(|(field, _)| field == "token")
        .map(|(_, code)| match Code::parse(&code) {
            Some(Code::TokenExpired) => t.link_expired,
            _ => t.link_invalid,
        })
}
