//! The account's address while it is not proven: the reminder every page shows, and the
//! button that mails the link again.

use ensemble_wire::Me;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_location;

use super::explain;
use crate::api::ApiClient;
use crate::texts::{fill, texts};

/// "Confirm your address", above every page of a signed-in person whose address is not
/// proven yet (giving, commenting and creating an organisation wait for it). Not on
/// `/verify-email`, which says itself how the link went.
#[component]
pub fn UnverifiedNotice() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let location = use_location();
    // A memo, so that moving from page to page keeps the notice (and what its button said).
    let shown = Memo::new(move |_| {
        api.signed_in()
            && me.with(|me| me.as_ref().is_some_and(|me| !me.email_verified))
            && location.pathname.with(|path| path != "/verify-email")
    });
    move || {
        shown.get().then(|| {
            view! {
                <section class="notice notice-mail" aria-labelledby="unverified-title">
                    <p id="unverified-title" class="notice-summary">{t.email_unverified}</p>
                    <p>{t.email_unverified_why}</p>
                    <ResendLink />
                </section>
            }
        })
    }
}

/// "Send the link again": a new link that proves the account's address (the earlier ones
/// stop working), and what came of it.
#[component]
pub fn ResendLink() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let send = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let said = match api.ask_email_verification().await {
                Ok(()) => {
                    let email = me.with_untracked(|me| me.as_ref().map(|me| me.email.clone()));
                    fill(t.email_resent, &[("email", &email.unwrap_or_default())])
                }
                Err(error) => explain(t, &error),
            };
            message.set(Some(said));
            busy.set(false);
        });
    };
    view! {
        <button type="button" aria-disabled=move || busy.get().to_string() on:click=send>
            {t.email_resend}
        </button>
        <p role="status" class="form-message">{move || message.get()}</p>
    }
}
