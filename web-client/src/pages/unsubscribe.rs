//! `/unsubscribe?token=…`: where the "Stop these messages" link in the body of a message
//! leads (mail readers that stop in one click POST to the API's address instead). Nothing
//! stops on arrival, since mail scanners open every link of a message: the person confirms
//! with a button.

use std::cell::RefCell;
use std::collections::HashMap;

use ensemble_wire::Code;
use ensemble_wire::email::Unsubscribed;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::settings::category_name;
use crate::api::{ApiClient, ApiError};
use crate::components::{explain, link_problem};
use crate::texts::{fill, texts};

/// Where a link stands.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Stopped(Unsubscribed),
    /// The server knows no such link (or no such account any more).
    BadLink,
}

thread_local! {
    /// What each link came to since the app started, by token. The page is drawn again
    /// when the language changes (which happens on arrival, once the account's language is
    /// known): it then says what was done instead of asking again.
    static OUTCOMES: RefCell<HashMap<String, Outcome>> = RefCell::default();
}

fn remembered(token: &str) -> Option<Outcome> {
    OUTCOMES.with(|outcomes| outcomes.borrow().get(token).cloned())
}

fn remember(token: String, outcome: Outcome) {
    OUTCOMES.with(|outcomes| outcomes.borrow_mut().insert(token, outcome));
}

/// Whether the fault is the link's own: the server does not know it, or its token is not
/// one at all.
fn is_bad_link(error: &ApiError) -> bool {
    error.code() == Some(Code::NotFound) || link_problem(texts(), error).is_some()
}

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let token = use_query_map()
        .with_untracked(|query| query.get("token"))
        .filter(|token| !token.is_empty());
    let outcome = RwSignal::new(match &token {
        Some(token) => remembered(token),
        None => Some(Outcome::BadLink),
    });
    let token = StoredValue::new(token.unwrap_or_default());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let stop = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        message.set(None);
        spawn_local(async move {
            let token = token.get_value();
            let found = match api.unsubscribe(&token).await {
                Ok(stopped) => Some(Outcome::Stopped(stopped)),
                Err(error) if is_bad_link(&error) => Some(Outcome::BadLink),
                // Offline, or the server failing: the button stays, to try again.
                Err(error) => {
                    message.set(Some(explain(t, &error)));
                    None
                }
            };
            if let Some(found) = found {
                remember(token, found.clone());
                outcome.set(Some(found));
            }
            busy.set(false);
        });
    };
    let title = move || match outcome.get() {
        None => t.unsubscribe_title,
        Some(Outcome::Stopped(_)) => t.unsubscribe_done_title,
        Some(Outcome::BadLink) => t.verify_failed,
    };
    let done = move || match outcome.get() {
        Some(Outcome::Stopped(stopped)) => Some(match stopped.category {
            Some(category) => fill(
                t.unsubscribe_done_category,
                &[("category", category_name(t, category))],
            ),
            None => t.unsubscribe_done_digest.to_owned(),
        }),
        _ => None,
    };
    let onward = move |signed_in_text: &'static str| {
        if api.signed_in() {
            view! { <p><A href="/settings">{signed_in_text}</A></p> }.into_any()
        } else {
            view! { <p><A href="/signin">{t.unsubscribe_sign_in}</A></p> }.into_any()
        }
    };
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{title}</h1>
            {move || outcome.with(Option::is_none).then(|| view! {
                <p>{t.unsubscribe_intro}</p>
                <button type="button" class="button-primary" aria-disabled=move || busy.get().to_string() on:click=stop>
                    {t.unsubscribe_button}
                </button>
            })}
            // Live regions that stay in the page, so that what they come to say is read out.
            <p role="status" class="form-message">{done}</p>
            <div role="alert">
                {move || message.get().map(|message| view! { <p class="form-message">{message}</p> })}
                {move || (outcome.get() == Some(Outcome::BadLink)).then(|| view! {
                    <div class="notice notice-error"><p>{t.unsubscribe_bad_link}</p></div>
                })}
            </div>
            {move || match outcome.get() {
                Some(Outcome::Stopped(_)) => Some(onward(t.unsubscribe_change)),
                Some(Outcome::BadLink) => Some(onward(t.unsubscribe_settings)),
                None => None,
            }}
        </section>
    }
}
