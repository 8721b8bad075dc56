//! `/verify-email?token=…`: where the links that prove an address lead (the one mailed at
//! sign-up, and the one mailed to a new address). The link is redeemed on arrival.

use std::cell::RefCell;
use std::collections::HashMap;

use ensemble_wire::email::{AddressConfirmed, MailToken};
use ensemble_wire::{Code, Me};
use futures_util::future::{FutureExt, LocalBoxFuture, Shared};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::{ApiClient, ApiError};
use crate::components::{ApiErrorNotice, ResendLink, link_problem};
use crate::texts::{fill, texts};

type Redeeming = Shared<LocalBoxFuture<'static, Result<AddressConfirmed, ApiError>>>;

thread_local! {
    /// The links redeemed since the app started, by token. A link works once, and the page
    /// is drawn again when the language changes (which happens on arrival, once the
    /// account's language is known): every drawing shares the first one's answer.
    static REDEEMED: RefCell<HashMap<String, Redeeming>> = RefCell::default();
}

/// Redeems the link of `token`, once; signed in, the account is read again (proven, or
/// with its new address).
fn redeem(api: ApiClient, me: RwSignal<Option<Me>>, token: String) -> Redeeming {
    REDEEMED.with(|redeemed| {
        redeemed
            .borrow_mut()
            .entry(token.clone())
            .or_insert_with(|| {
                async move {
                    let result = api.confirm_email(&MailToken { token }).await;
                    if result.is_ok()
                        && api.signed_in()
                        && let Ok(found) = api.me().await
                    {
                        me.set(Some(found));
                    }
                    result
                }
                .boxed_local()
                .shared()
            })
            .clone()
    })
}

/// Forgets an attempt that got no verdict on the link (offline, server failing), so that
/// trying again asks the server again.
fn forget(token: &str) {
    REDEEMED.with(|redeemed| redeemed.borrow_mut().remove(token));
}

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let token = use_query_map()
        .with_untracked(|query| query.get("token"))
        .filter(|token| !token.is_empty());
    let Some(token) = token else {
        return view! {
            <section class="page narrow" aria-labelledby="page-title">
                <LinkFailed reason=t.link_invalid />
            </section>
        }
        .into_any();
    };
    let token = StoredValue::new(token);
    let outcome = LocalResource::new(move || redeem(api, me, token.get_value()));
    let retry = Callback::new(move |()| {
        forget(&token.get_value());
        outcome.refetch();
    });
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <Suspense fallback=move || view! {
                <h1 id="page-title">{t.verify_title}</h1>
                <p class="muted" role="status">{t.verify_working}</p>
            }>
                {move || outcome.get().map(|result| match result {
                    Ok(confirmed) => view! { <Confirmed confirmed /> }.into_any(),
                    Err(error) => match link_failure(&error) {
                        Some(reason) => view! { <LinkFailed reason /> }.into_any(),
                        None => view! {
                            <h1 id="page-title">{t.verify_title}</h1>
                            <ApiErrorNotice summary=t.verify_failed error on_retry=retry />
                        }
                        .into_any(),
                    },
                })}
            </Suspense>
        </section>
    }
    .into_any()
}

/// What is wrong with the link itself, if that is why it failed: then only a new one helps.
fn link_failure(error: &ApiError) -> Option<&'static str> {
    let t = texts();
    link_problem(t, error)
        .or_else(|| (error.code() == Some(Code::EmailTaken)).then_some(t.verify_email_taken))
}

#[component]
fn Confirmed(confirmed: AddressConfirmed) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let (title, body) = if confirmed.changed {
        (t.verify_changed, t.verify_changed_body)
    } else {
        (t.verify_done, t.verify_done_body)
    };
    let onward = if api.signed_in() {
        view! { <A href="/feed">{t.verify_continue}</A> }.into_any()
    } else {
        view! { <A href="/signin">{t.nav_sign_in}</A> }.into_any()
    };
    view! {
        <h1 id="page-title">{title}</h1>
        <p role="status">{fill(body, &[("email", &confirmed.email)])}</p>
        <p>{onward}</p>
    }
}

/// A link that cannot work, and how to get one that does: a new link for a signed-in person
/// whose address is not proven yet, the settings for one who was changing it, else signing
/// in first.
#[component]
fn LinkFailed(reason: &'static str) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let verified = Memo::new(move |_| me.with(|me| me.as_ref().map(|me| me.email_verified)));
    view! {
        <h1 id="page-title">{t.verify_failed}</h1>
        <div class="notice notice-error" role="alert">
            <p>{reason}</p>
        </div>
        {move || match (api.signed_in(), verified.get()) {
            (false, _) => Some(view! { <p><A href="/signin">{t.verify_sign_in_to_ask}</A></p> }.into_any()),
            (true, Some(false)) => Some(view! { <ResendLink /> }.into_any()),
            (true, Some(true)) => Some(view! { <p>{t.email_already_verified} " " <A href="/settings">{t.verify_ask_in_settings}</A></p> }.into_any()),
            (true, None) => None,
        }}
    }
}
