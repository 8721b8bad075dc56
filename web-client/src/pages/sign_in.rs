//! `/signin` and `/signup`: email and password, and the configured providers. A page that
//! sends someone to sign in first names itself in `?return_to=`, where they land after.

use ensemble_wire::{Code, LoginRequest, RegisterRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::{ApiClient, encode, provider_sign_in_url};
use crate::components::{Field, explain};
use crate::texts::{current_lang, fill, texts};

/// Where a sign-in lands unless the page that asked for it said otherwise.
const DEFAULT_RETURN: &str = "/feed";

/// A path of this site; never `//other.example`.
pub(super) fn is_local_path(path: &str) -> bool {
    path.starts_with('/') && !path.starts_with("//") && !path.contains('\\')
}

/// The sign-in page, returning to `return_to` (a path of this site) once signed in.
pub(super) fn sign_in_path(return_to: &str) -> String {
    format!("/signin?return_to={}", encode(return_to))
}

#[component]
pub fn SignInPage() -> impl IntoView {
    view! { <AuthForm register=false /> }
}

#[component]
pub fn SignUpPage() -> impl IntoView {
    view! { <AuthForm register=true /> }
}

#[component]
fn AuthForm(register: bool) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<ensemble_wire::Me>>>();
    let navigate = use_navigate();
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let return_to = use_query_map()
        .with_untracked(|query| query.get("return_to"))
        .filter(|path| is_local_path(path));
    // Between the two forms, the way back is kept.
    let other_form = |path: &str| match &return_to {
        Some(back) => format!("{path}?return_to={}", encode(back)),
        None => path.to_owned(),
    };
    let (sign_in_link, sign_up_link) = (other_form("/signin"), other_form("/signup"));
    let return_to = StoredValue::new(return_to.unwrap_or_else(|| DEFAULT_RETURN.to_owned()));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = if register {
                let body = RegisterRequest {
                    email: email.get_untracked(),
                    password: password.get_untracked(),
                    display_name: name.get_untracked(),
                    locale: Some(current_lang().code().to_owned()),
                    invitation: None,
                };
                api.register(&body).await
            } else {
                let body = LoginRequest {
                    email: email.get_untracked(),
                    password: password.get_untracked(),
                };
                api.log_in(&body).await
            };
            busy.set(false);
            match result {
                Ok(auth) => {
                    api.sign_in(&auth);
                    me.set(Some(auth.user));
                    navigate(&return_to.get_value(), NavigateOptions::default());
                }
                Err(error) => {
                    let fields = error.field_errors();
                    errors.set(fields.clone());
                    message.set(Some(match error.code() {
                        Some(Code::InvalidCredentials) => t.wrong_credentials.to_owned(),
                        _ if !fields.is_empty() => t.form_fix_errors.to_owned(),
                        _ => explain(t, &error),
                    }));
                }
            }
        });
    };
    let title = if register {
        t.sign_up_title
    } else {
        t.sign_in_title
    };
    // The social sign-ins the server is configured with (none by default).
    let providers = LocalResource::new(move || async move { api.auth_providers().await });
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{title}</h1>
            <form on:submit=submit novalidate>
                {register.then(|| view! {
                    <Field id="display-name" label=t.display_name_label autocomplete="name" value=name errors field="display_name" required=true />
                })}
                <Field id="email" label=t.email_label kind="email" autocomplete="email" value=email errors field="email" required=true />
                <Field
                    id="password"
                    label=t.password_label
                    kind="password"
                    hint=if register { t.password_hint } else { "" }
                    autocomplete=if register { "new-password" } else { "current-password" }
                    value=password
                    errors
                    field="password"
                    required=true
                />
                <button type="submit" class="button-primary" aria-disabled=move || busy.get().to_string()>
                    {if register { t.sign_up_button } else { t.sign_in_button }}
                </button>
                <p role="alert" class="form-message">{move || message.get()}</p>
            </form>
            <ul class="providers">
                <Transition>
                    {move || providers.get().and_then(Result::ok).map(|list| list.into_iter()
                        .filter(|p| p.id != "password")
                        .map(|p| view! {
                            <li>
                                // A server route, not a page of this app: the browser goes there.
                                <a class="button" rel="external" href=provider_sign_in_url(&p.id, &return_to.get_value())
                                    on:click=|_| crate::session::mark_sign_in_started()>
                                    {fill(t.continue_with, &[("provider", &p.name)])}
                                </a>
                            </li>
                        })
                        .collect_view())}
                </Transition>
            </ul>
            {(!register).then(|| view! { <p><A href="/forgot-password">{t.forgot_link}</A></p> })}
            <p>
                {if register {
                    view! { <A href=sign_in_link>{t.have_account}</A> }.into_any()
                } else {
                    view! { <A href=sign_up_link>{t.no_account}</A> }.into_any()
                }}
            </p>
        </section>
    }
}
