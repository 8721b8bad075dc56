//! A forgotten password: `/forgot-password` asks for a link by mail, `/reset-password?token=…`
//! (where the link leads) chooses the new password.

use ensemble_wire::Me;
use ensemble_wire::email::{ForgotPassword, ResetPassword};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use crate::api::ApiClient;
use crate::components::{Field, link_problem, show_form_error};
use crate::texts::texts;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let email = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let sent = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        sent.set(false);
        let body = ForgotPassword {
            email: email.get_untracked().trim().to_owned(),
        };
        spawn_local(async move {
            match api.forgot_password(&body).await {
                // The same answer whether or not an account has the address: the page must
                // not tell who has an account either.
                Ok(()) => {
                    errors.set(Vec::new());
                    message.set(None);
                    sent.set(true);
                }
                Err(error) => show_form_error(t, &error, errors, message),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{t.forgot_title}</h1>
            <p class="lead">{t.forgot_intro}</p>
            <form on:submit=submit novalidate>
                <Field id="email" label=t.email_label kind="email" autocomplete="email" value=email errors field="email" required=true />
                <button type="submit" class="button-primary" aria-disabled=move || busy.get().to_string()>
                    {t.forgot_button}
                </button>
                <p role="status" class="form-message">{move || sent.get().then_some(t.forgot_sent)}</p>
                <p role="alert" class="form-message">{move || message.get()}</p>
            </form>
            <p><A href="/signin">{t.nav_sign_in}</A></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let token = use_query_map()
        .with_untracked(|query| query.get("token"))
        .unwrap_or_default();
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    // What is wrong with the link itself: then only a new one helps.
    let bad_link = RwSignal::new(token.is_empty().then_some(t.link_invalid));
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let token = StoredValue::new(token);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let body = ResetPassword {
            token: token.get_value(),
            new_password: password.get_untracked(),
        };
        spawn_local(async move {
            match api.reset_password(&body).await {
                Ok(()) => {
                    password.set(String::new());
                    errors.set(Vec::new());
                    message.set(None);
                    done.set(true);
                    // Every session of that account has ended: if this browser held one, the
                    // client finds out (and forgets it); another account's stays.
                    if api.signed_in() {
                        match api.me().await {
                            Ok(found) => me.set(Some(found)),
                            Err(_) if !api.signed_in() => me.set(None),
                            Err(_) => {}
                        }
                    }
                }
                Err(error) => match link_problem(t, &error) {
                    Some(reason) => {
                        errors.set(Vec::new());
                        message.set(None);
                        bad_link.set(Some(reason));
                    }
                    None => show_form_error(t, &error, errors, message),
                },
            }
            busy.set(false);
        });
    };
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{t.reset_title}</h1>
            {move || (!done.get() && bad_link.get().is_none()).then(|| view! {
                <form on:submit=submit novalidate>
                    <Field
                        id="new-password"
                        label=t.password_new
                        kind="password"
                        autocomplete="new-password"
                        value=password
                        errors
                        field="new_password"
                        required=true
                    />
                    <button type="submit" class="button-primary" aria-disabled=move || busy.get().to_string()>
                        {t.reset_button}
                    </button>
                    <p role="alert" class="form-message">{move || message.get()}</p>
                </form>
            })}
            <p role="status" class="form-message">{move || done.get().then_some(t.reset_done)}</p>
            {move || done.get().then(|| view! { <p><A href="/signin">{t.nav_sign_in}</A></p> })}
            <div role="alert">
                {move || bad_link.get().map(|reason| view! {
                    <div class="notice notice-error">
                        <p>{reason}</p>
                        <p><A href="/forgot-password">{t.reset_ask_again}</A></p>
                    </div>
                })}
            </div>
        </section>
    }
}
