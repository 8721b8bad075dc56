//! Organisations as lists and pages show them: a card, the verification badge, following.

use ensemble_wire::{FollowState, Organisation, Role, VerificationStatus};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use super::{Img, explain};
use crate::api::ApiClient;
use crate::texts::{Texts, fill, texts};

fn followers_text(t: &'static Texts, n: i64) -> String {
    t.count(n, t.followers_one, t.followers_many)
}

/// The name of a role in a team.
pub fn role_name(t: &'static Texts, role: Role) -> &'static str {
    match role {
        Role::Owner => t.role_owner,
        Role::Admin => t.role_admin,
        Role::Editor => t.role_editor,
    }
}

#[component]
pub fn VerifiedBadge(status: VerificationStatus) -> impl IntoView {
    let t = texts();
    match status {
        VerificationStatus::Verified => {
            Some(view! { <span class="badge badge-verified">"✓ " {t.verified}</span> }.into_any())
        }
        VerificationStatus::Pending => {
            Some(view! { <span class="badge">{t.verification_pending}</span> }.into_any())
        }
        _ => None,
    }
}

/// An organisation in a list.
#[component]
pub fn OrganisationCard(organisation: Organisation) -> impl IntoView {
    let t = texts();
    let href = format!("/organisations/{}", organisation.slug);
    view! {
        <li>
            <article class="card" tabindex="-1" lang=organisation.language.clone()>
                <div class="card-head">
                    {organisation.logo.map(|logo| view! { <Img picture=logo alt="" sizes="48px" class="logo" /> })}
                    <h2 class="card-title">
                        <A href=href>{organisation.name}</A>
                    </h2>
                </div>
                <VerifiedBadge status=organisation.verification_status />
                <p>{organisation.mission}</p>
                <p class="muted">
                    {followers_text(t, organisation.followers_count)}
                    {organisation
                        .country
                        .map(|country| format!(" · {}", fill(t.organisation_country, &[("country", &crate::names::country(&country))])))}
                </p>
            </article>
        </li>
    }
}

/// Follow or stop following an organisation, with its count. `state` is the page's
/// (loaded with it), and what each click answers from then on.
#[component]
pub fn FollowButton(slug: String, state: FollowState) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let state = RwSignal::new(state);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let slug = StoredValue::new(slug);
    let toggle = move |_| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let follow = !state.get_untracked().following;
        let slug = slug.get_value();
        spawn_local(async move {
            match api.set_following(&slug, follow).await {
                Ok(now) => {
                    state.set(now);
                    error.set(None);
                }
                Err(e) => error.set(Some(explain(t, &e))),
            }
            busy.set(false);
        });
    };
    view! {
        <div class="follow">
            {move || {
                if api.signed_in() {
                    view! {
                        <button
                            type="button"
                            class="button-primary"
                            aria-pressed=move || state.get().following.to_string()
                            aria-disabled=move || busy.get().to_string()
                            on:click=toggle
                        >
                            {move || if state.get().following { t.following } else { t.follow }}
                        </button>
                    }
                        .into_any()
                } else {
                    view! { <A href="/signin" attr:class="button">{t.sign_in_to_follow}</A> }.into_any()
                }
            }}
            <span class="muted" aria-live="polite">{move || followers_text(t, state.get().followers_count)}</span>
            {move || error.get().map(|e| view! { <p class="field-error" role="alert">{e}</p> })}
        </div>
    }
}
