//! `/feed`: the news of the organisations you follow; when there is none yet, causes to
//! follow and organisations to discover, so the page is never a dead end.

use ensemble_wire::{Cause, Organisation, Page, Update};
use gloo_net::http::Method;
use leptos::prelude::Update as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::{ApiClient, ApiError};
use crate::components::{ApiErrorNotice, OrganisationCard, UpdateCard};
use crate::texts::texts;

#[component]
pub fn FeedPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return view! {
            <section class="page" aria-labelledby="page-title">
                <h1 id="page-title">{t.feed_title}</h1>
                <p><A href="/signin">{t.feed_sign_in}</A></p>
            </section>
        }
        .into_any();
    }
    let updates = RwSignal::new(Vec::<Update>::new());
    let next_cursor = RwSignal::new(None::<String>);
    let error = RwSignal::new(None::<ApiError>);
    let loaded = RwSignal::new(false);
    let suggestions = RwSignal::new(Vec::<Organisation>::new());
    let causes = RwSignal::new(Vec::<Cause>::new());
    let load = move |cursor: Option<String>| {
        spawn_local(async move {
            let mut query = vec![("limit", "20".to_owned())];
            if let Some(c) = cursor.clone() {
                query.push(("cursor", c));
            }
            match api.get::<Page<Update>>("/me/feed", &query).await {
                Ok(page) => {
                    let empty = page.items.is_empty() && cursor.is_none();
                    updates.update(|all| all.extend(page.items));
                    next_cursor.set(page.next_cursor);
                    error.set(None);
                    if empty {
                        if let Ok(page) =
                            api.get::<Page<Organisation>>("/me/suggestions", &[]).await
                        {
                            suggestions.set(page.items);
                        }
                        if let Ok(page) = api.get::<Page<Cause>>("/causes", &[]).await {
                            causes.set(
                                page.items
                                    .into_iter()
                                    .filter(|c| c.parent.is_none())
                                    .collect(),
                            );
                        }
                    }
                }
                Err(e) => error.set(Some(e)),
            }
            loaded.set(true);
        });
    };
    load(None);
    let follow_cause = move |slug: String| {
        spawn_local(async move {
            let _ = api
                .send_no_content::<()>(Method::PUT, &format!("/causes/{slug}/follow"), None)
                .await;
            if let Ok(page) = api.get::<Page<Organisation>>("/me/suggestions", &[]).await {
                suggestions.set(page.items);
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.feed_title}</h1>
            <p class="lead">{t.feed_intro}</p>
            {move || error.get().map(|error| view! {
                <ApiErrorNotice summary=t.organisations_load_failed error on_retry=Callback::new(move |()| load(None)) />
            })}
            {move || (!loaded.get()).then(|| view! { <p class="muted" role="status">{t.organisations_loading}</p> })}
            <div class="feed">
                <For each=move || updates.get() key=|u| u.id.clone() children=|update| view! { <UpdateCard update /> } />
            </div>
            <Show when=move || next_cursor.with(Option::is_some)>
                <button type="button" class="load-more" on:click=move |_| load(next_cursor.get_untracked())>
                    {t.organisations_load_more}
                </button>
            </Show>
            <Show when=move || loaded.get() && updates.with(Vec::is_empty) && error.with(Option::is_none)>
                <p class="empty">{t.feed_empty}</p>
                <section aria-labelledby="onboarding-title" class="card">
                    <h2 id="onboarding-title">{t.onboarding_title}</h2>
                    <p>{t.onboarding_intro}</p>
                    <ul class="cause-picker">
                        {move || causes.get().into_iter().map(|cause| {
                            let slug = cause.slug.clone();
                            let followed = RwSignal::new(false);
                            view! {
                                <li>
                                    <button type="button" aria-pressed=move || followed.get().to_string()
                                        on:click=move |_| { followed.set(true); follow_cause(slug.clone()); }>
                                        {cause.name.clone()}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
                <section aria-labelledby="suggestions-title">
                    <h2 id="suggestions-title">{t.suggestions_title}</h2>
                    <ul class="organisation-list">
                        {move || suggestions.get().into_iter().map(|organisation| view! { <OrganisationCard organisation /> }).collect_view()}
                    </ul>
                </section>
            </Show>
        </section>
    }
    .into_any()
}
