//! `/feed`: the news of the organisations you follow; when there is none yet, causes to
//! follow and organisations to discover, so the page is never a dead end.

use ensemble_wire::{Page, Update};
use leptos::prelude::Update as _;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiClient, ApiError};
use crate::components::{
    ApiErrorNotice, Loading, OrganisationCard, SignInFirst, UpdateCard, loaded,
};
use crate::texts::texts;

/// Updates per page.
const PAGE: u32 = 20;

#[component]
pub fn FeedPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return view! { <SignInFirst title=t.feed_title link=t.feed_sign_in /> }.into_any();
    }
    let first = LocalResource::new(move || async move { api.feed(None, PAGE).await });
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.feed_title}</h1>
            <p class="lead">{t.feed_intro}</p>
            <Suspense fallback=|| view! { <Loading /> }>
                {loaded(first, t.organisations_load_failed, |first| view! { <Feed first /> })}
            </Suspense>
        </section>
    }
    .into_any()
}

/// The updates, from the first page on, and "Load more"; or, with none, the onboarding.
#[component]
fn Feed(first: Page<Update>) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if first.items.is_empty() {
        return view! {
            <p class="empty">{t.feed_empty}</p>
            <Onboarding />
        }
        .into_any();
    }
    let updates = RwSignal::new(first.items);
    let next_cursor = RwSignal::new(first.next_cursor);
    let error = RwSignal::new(None::<ApiError>);
    let load_more = move || {
        let Some(cursor) = next_cursor.get_untracked() else {
            return;
        };
        spawn_local(async move {
            match api.feed(Some(&cursor), PAGE).await {
                Ok(page) => {
                    updates.update(|all| all.extend(page.items));
                    next_cursor.set(page.next_cursor);
                    error.set(None);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        {move || error.get().map(|error| view! {
            <ApiErrorNotice summary=t.organisations_load_failed error on_retry=Callback::new(move |()| load_more()) />
        })}
        <div class="feed">
            <For each=move || updates.get() key=|u| u.id.clone() children=|update| view! { <UpdateCard update /> } />
        </div>
        <Show when=move || next_cursor.with(Option::is_some)>
            <button type="button" class="load-more" on:click=move |_| load_more()>
                {t.organisations_load_more}
            </button>
        </Show>
    }
    .into_any()
}

/// For a feed with nothing in it yet: causes to follow, and organisations to discover
/// (suggested from the causes followed, so following one suggests again).
#[component]
fn Onboarding() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let causes = crate::names::causes().0;
    let suggestions = LocalResource::new(move || async move { api.suggestions().await });
    let follow_cause = move |slug: String| {
        spawn_local(async move {
            let _ = api.set_cause_following(&slug, true).await;
            suggestions.refetch();
        });
    };
    view! {
        <section aria-labelledby="onboarding-title" class="card">
            <h2 id="onboarding-title">{t.onboarding_title}</h2>
            <p>{t.onboarding_intro}</p>
            <ul class="cause-picker">
                <Transition>
                    {move || causes.get().map(|all| all.into_iter()
                        .filter(|cause| cause.parent.is_none())
                        .map(|cause| {
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
                        })
                        .collect_view())}
                </Transition>
            </ul>
        </section>
        <section aria-labelledby="suggestions-title">
            <h2 id="suggestions-title">{t.suggestions_title}</h2>
            <ul class="organisation-list">
                <Transition>
                    {move || suggestions.get().and_then(Result::ok).map(|page| page.items.into_iter()
                        .map(|organisation| view! { <OrganisationCard organisation /> })
                        .collect_view())}
                </Transition>
            </ul>
        </section>
    }
}
