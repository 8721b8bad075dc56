use ensemble_wire::Code;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::A;
use leptos_router::hooks::use_navigate;

use super::sign_in::is_local_path;
use crate::session::{self, Session};
use crate::texts::texts;

/// Where the server sends the browser after a sign-in through a provider (Google,
/// Facebook, …). The outcome is in the URL fragment, which browsers never send to any
/// server: the tokens, or an `error` code.
#[component]
pub fn AuthCompletePage() -> impl IntoView {
    let t = texts();
    let fragment = window().location().hash().unwrap_or_default();
    let params: Vec<(String, String)> = fragment
        .trim_start_matches('#')
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode(k), decode(v)))
        .collect();
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    // The tokens leave the address bar and the history at once.
    if let Ok(history) = window().history() {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some("/auth/complete"),
        );
    }

    let started_here = session::take_sign_in_started();
    let outcome = match (get("access_token"), get("refresh_token"), get("error")) {
        // Tokens this tab did not ask for: a link someone else made, to sign people into
        // their account. Refused.
        (Some(_), Some(_), None) if !started_here => Err(t.sign_in_failed),
        (Some(access_token), Some(refresh_token), None) => {
            let session = Session {
                access_token,
                refresh_token,
                user_id: get("user_id").unwrap_or_default(),
            };
            if session::save(&session) {
                let api = expect_context::<crate::api::ApiClient>();
                api.adopt(session);
                let me = expect_context::<RwSignal<Option<ensemble_wire::Me>>>();
                leptos::task::spawn_local(async move {
                    if let Ok(found) = api.me().await {
                        me.set(Some(found));
                    }
                });
                Ok(get("return_to")
                    .filter(|p| is_local_path(p))
                    .unwrap_or_else(|| "/".into()))
            } else {
                Err(t.sign_in_storage_refused)
            }
        }
        (_, _, Some(code)) => Err(sign_in_error_text(&code)),
        _ => Err(t.sign_in_failed),
    };

    match outcome {
        Ok(return_to) => {
            let navigate = use_navigate();
            request_animation_frame(move || {
                navigate(
                    &return_to,
                    NavigateOptions {
                        replace: true,
                        ..Default::default()
                    },
                )
            });
            view! {
                <section class="page" aria-labelledby="page-title">
                    <h1 id="page-title">{t.sign_in_done}</h1>
                </section>
            }
            .into_any()
        }
        Err(message) => view! {
            <section class="page" aria-labelledby="page-title">
                <h1 id="page-title">{t.sign_in_failed_title}</h1>
                <p role="alert">{message}</p>
                <p>
                    <A href="/">{t.not_found_home}</A>
                </p>
            </section>
        }
        .into_any(),
    }
}

fn sign_in_error_text(code: &str) -> &'static str {
    let t = texts();
    match Code::parse(code) {
        Some(Code::AccessDenied) => t.sign_in_cancelled,
        Some(Code::EmailRequired | Code::EmailNotVerified) => t.sign_in_email_needed,
        Some(Code::AccountExists) => t.sign_in_account_exists,
        Some(Code::InvalidState) => t.sign_in_expired,
        _ => t.sign_in_failed,
    }
}

fn decode(text: &str) -> String {
    js_sys::decode_uri_component(&text.replace('+', " "))
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}
