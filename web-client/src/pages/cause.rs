//! `/causes/:slug`: a cause, the organisations working on it and their latest news.

use ensemble_wire::{Cause, Organisation, Update};
use futures_util::future::join4;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{ApiClient, ApiError, DirectoryQuery, Sort};
use crate::components::{Loading, OrganisationCard, UpdateCard, loaded};
use crate::texts::texts;

#[derive(Clone)]
struct Loaded {
    cause: Cause,
    organisations: Vec<Organisation>,
    updates: Vec<Update>,
    following: bool,
}

/// The page's requests, all at once; whether the reader follows it may be missing.
async fn load(api: ApiClient, slug: String, signed_in: bool) -> Result<Loaded, ApiError> {
    let working_on_it = DirectoryQuery {
        cause: slug.clone(),
        sort: Some(Sort::Followers),
        ..DirectoryQuery::default()
    };
    let following = async {
        signed_in
            && api
                .following()
                .await
                .is_ok_and(|f| f.causes.iter().any(|c| c.slug == slug))
    };
    let (cause, organisations, updates, following) = join4(
        api.cause(&slug),
        api.directory(&working_on_it, None),
        api.cause_updates(&slug, 5),
        following,
    )
    .await;
    Ok(Loaded {
        cause: cause?,
        organisations: organisations?.items,
        updates: updates?.items,
        following,
    })
}

#[component]
pub fn CausePage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let signed_in = api.signed_in();
    let params = use_params_map();
    let data = LocalResource::new(move || {
        let slug = params.with(|p| p.get("slug")).unwrap_or_default();
        load(api, slug, signed_in)
    });
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {loaded(data, t.organisations_load_failed, |loaded| view! { <CauseView loaded /> })}
        </Suspense>
    }
}

#[component]
fn CauseView(loaded: Loaded) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let Loaded {
        cause,
        organisations,
        updates,
        following,
    } = loaded;
    let followed = RwSignal::new(following);
    let slug = StoredValue::new(cause.slug.clone());
    let toggle = move |_| {
        let follow = !followed.get_untracked();
        let slug = slug.get_value();
        spawn_local(async move {
            if api.set_cause_following(&slug, follow).await.is_ok() {
                followed.set(follow);
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{cause.name.clone()}</h1>
            <p class="lead">{cause.description.clone()}</p>
            {api.signed_in().then(|| view! {
                <button type="button" class="button-primary" aria-pressed=move || followed.get().to_string() on:click=toggle>
                    {move || if followed.get() { t.following } else { t.follow }}
                </button>
            })}
            <section aria-labelledby="cause-organisations">
                <h2 id="cause-organisations">{t.cause_organisations}</h2>
                <ul class="organisation-list">
                    {organisations.into_iter().map(|organisation| view! { <OrganisationCard organisation /> }).collect_view()}
                </ul>
            </section>
            <section aria-labelledby="cause-updates">
                <h2 id="cause-updates">{t.cause_updates}</h2>
                {updates.into_iter().map(|update| view! { <UpdateCard update /> }).collect_view()}
            </section>
        </section>
    }
}
