//! `/organisations/:slug`: an organisation's page: profile, verification, causes, follow,
//! its updates (and, for its team, a form to post one), related organisations.

use ensemble_wire::{Member, NewUpdate, Organisation, OrganisationProfile, Page, Update};
use gloo_net::http::Method;
use leptos::prelude::Update as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use crate::api::{ApiClient, ApiError};
use crate::components::{
    ApiErrorNotice, Field, FollowButton, OrganisationCard, UpdateCard, VerifiedBadge,
    show_form_error,
};
use crate::texts::{fill, texts};

#[derive(Clone)]
struct Loaded {
    profile: OrganisationProfile,
    updates: Vec<Update>,
    related: Vec<Organisation>,
    team: Vec<Member>,
}

async fn load(api: ApiClient, slug: String) -> Result<Loaded, ApiError> {
    let profile = api
        .get::<OrganisationProfile>(&format!("/organisations/{slug}"), &[])
        .await?;
    let updates = api
        .get::<Page<Update>>(&format!("/organisations/{slug}/updates"), &[])
        .await?
        .items;
    let related = api
        .get::<Page<Organisation>>(&format!("/organisations/{slug}/related"), &[])
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let team = api
        .get::<Page<Member>>(&format!("/organisations/{slug}/members"), &[])
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    Ok(Loaded {
        profile,
        updates,
        related,
        team,
    })
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<ensemble_wire::Me>>>();
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug")).unwrap_or_default();
    let data = RwSignal::new(None::<Result<Loaded, ApiError>>);
    let reload = move || {
        let slug = slug();
        spawn_local(async move { data.set(Some(load(api, slug).await)) });
    };
    Effect::new(move |_| {
        slug();
        data.set(None);
        reload();
    });

    move || {
        match data.get() {
        None => view! { <p class="muted" role="status">{t.organisations_loading}</p> }.into_any(),
        Some(Err(error)) => view! {
            <ApiErrorNotice summary=t.organisation_load_failed error on_retry=Callback::new(move |()| reload()) />
        }
        .into_any(),
        Some(Ok(loaded)) => {
            let profile = loaded.profile;
            let in_team = me.with(|me| {
                me.as_ref()
                    .is_some_and(|me| loaded.team.iter().any(|m| m.user_id == me.id))
            });
            let updates = RwSignal::new(loaded.updates);
            let slug = profile.slug.clone();
            view! {
                <article class="page organisation" aria-labelledby="page-title" lang=profile.language.clone()>
                    <header class="organisation-header">
                        <h1 id="page-title">{profile.name.clone()}</h1>
                        <VerifiedBadge status=profile.verification_status />
                        <p class="lead">{profile.mission.clone()}</p>
                        <FollowButton slug=slug.clone() followers=profile.followers_count />
                    </header>
                    <div class="organisation-description" inner_html=profile.description_html.clone()></div>
                    <dl class="facts">
                        {profile.website.clone().map(|w| view! {
                            <dt>{t.organisation_website}</dt>
                            <dd><a href=w.clone() rel="nofollow noopener ugc">{w.clone()}</a></dd>
                        })}
                        {(!profile.causes.is_empty()).then(|| view! {
                            <dt>{t.organisation_causes}</dt>
                            <dd>{profile.causes.iter().map(|c| view! {
                                <a class="tag" href=format!("/causes/{c}")>{c.clone()}</a>
                            }).collect_view()}</dd>
                        })}
                        {profile.country.clone().map(|c| view! {
                            <dt>{t.filter_country}</dt>
                            <dd>{c}{profile.city.clone().map(|city| format!(" · {city}"))}</dd>
                        })}
                        <dt>{t.organisation_team}</dt>
                        <dd>{loaded.team.iter().map(|m| m.display_name.clone()).collect::<Vec<_>>().join(", ")}</dd>
                    </dl>
                    {(profile.text_languages.len() > 1).then(|| view! {
                        <p class="muted">{fill(t.shown_in_language, &[("language", &profile.language)])}</p>
                    })}

                    {in_team.then(|| view! {
                        <p><a href=format!("/organisations/{}/admin", slug)>{t.admin_link}</a></p>
                        <NewUpdateForm slug=slug.clone() updates />
                    })}
                    {(profile.verification_status == ensemble_wire::VerificationStatus::Verified)
                        .then(|| view! { <super::DonateForm slug=slug.clone() /> })}

                    <section aria-labelledby="updates-title">
                        <h2 id="updates-title">{t.organisation_updates}</h2>
                        {move || {
                            let list = updates.get();
                            if list.is_empty() {
                                view! { <p class="empty">{t.organisation_no_updates}</p> }.into_any()
                            } else {
                                list.into_iter()
                                    .map(|update| view! { <UpdateCard update /> })
                                    .collect_view()
                                    .into_any()
                            }
                        }}
                    </section>

                    {(!loaded.related.is_empty()).then(|| view! {
                        <section aria-labelledby="related-title">
                            <h2 id="related-title">{t.organisation_related}</h2>
                            <ul class="organisation-list">
                                {loaded.related.into_iter().map(|organisation| view! { <OrganisationCard organisation /> }).collect_view()}
                            </ul>
                        </section>
                    })}
                </article>
            }
            .into_any()
        }
    }
    }
}

/// Posting an update, for the organisation's team.
#[component]
fn NewUpdateForm(slug: String, updates: RwSignal<Vec<Update>>) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let new = NewUpdate {
            title: title.get_untracked(),
            body: body.get_untracked(),
            language: None,
            image_urls: Vec::new(),
            link_url: None,
        };
        let path = format!("/organisations/{slug}/updates");
        spawn_local(async move {
            match api.send::<_, Update>(Method::POST, &path, Some(&new)).await {
                Ok(update) => {
                    updates.update(|list| list.insert(0, update));
                    title.set(String::new());
                    body.set(String::new());
                    errors.set(Vec::new());
                    message.set(Some(t.update_published.to_owned()));
                }
                Err(error) => show_form_error(t, &error, errors, message),
            }
            busy.set(false);
        });
    };
    view! {
        <section class="card" aria-labelledby="new-update-title">
            <h2 id="new-update-title">{t.update_new_title}</h2>
            <form on:submit=submit novalidate>
                <Field id="update-title" label=t.update_title_label value=title errors field="title" required=true />
                <Field id="update-body" label=t.update_body_label hint=t.update_body_hint multiline=true value=body errors field="body" required=true />
                <button type="submit" class="button-primary" aria-disabled=move || busy.get().to_string()>
                    {t.update_publish}
                </button>
                <p role="status" class="form-message">{move || message.get()}</p>
            </form>
        </section>
    }
}
