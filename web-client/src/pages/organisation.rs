//! `/organisations/:slug`: an organisation's page: profile, verification, causes, follow,
//! its updates (and, for its team, a form to post one), related organisations.

use ensemble_wire::{
    FollowState, ItemKind, Me, Member, NewUpdate, Organisation, OrganisationProfile, Update,
    VerificationStatus,
};
use futures_util::future::join5;
use leptos::prelude::Update as _;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;

use super::DonateForm;
use crate::api::{ApiClient, ApiError};
use crate::components::{
    ChosenPhotos, Field, FollowButton, Img, Loading, OrganisationCard, PhotosField, ReportButton,
    UpdateCard, VerifiedBadge, loaded, show_form_error,
};
use crate::texts::{fill, texts};

#[derive(Clone)]
struct Loaded {
    profile: OrganisationProfile,
    updates: Vec<Update>,
    related: Vec<Organisation>,
    team: Vec<Member>,
    follow: FollowState,
}

/// The page's requests, all at once. The profile and its updates are needed; the related
/// organisations, the team and whether the reader follows it may be missing.
async fn load(api: ApiClient, slug: String, signed_in: bool) -> Result<Loaded, ApiError> {
    let follow = async {
        if signed_in {
            api.follow_state(&slug).await.ok()
        } else {
            None
        }
    };
    let (profile, updates, related, team, follow) = join5(
        api.organisation(&slug),
        api.organisation_updates(&slug),
        api.related_organisations(&slug),
        api.members(&slug),
        follow,
    )
    .await;
    let profile = profile?;
    let follow = follow.unwrap_or(FollowState {
        following: false,
        followers_count: profile.followers_count,
    });
    Ok(Loaded {
        profile,
        updates: updates?.items,
        related: related.map(|p| p.items).unwrap_or_default(),
        team: team.map(|p| p.items).unwrap_or_default(),
        follow,
    })
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
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
            {loaded(data, t.organisation_load_failed, |loaded| view! { <OrganisationView loaded /> })}
        </Suspense>
    }
}

#[component]
fn OrganisationView(loaded: Loaded) -> impl IntoView {
    let t = texts();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let Loaded {
        profile,
        updates,
        related,
        team,
        follow,
    } = loaded;
    let team_ids: Vec<String> = team.iter().map(|m| m.user_id.clone()).collect();
    let in_team =
        Memo::new(move |_| me.with(|me| me.as_ref().is_some_and(|me| team_ids.contains(&me.id))));
    let updates = RwSignal::new(updates);
    let slug = profile.slug.clone();
    let team_slug = slug.clone();
    let verified = profile.verification_status == VerificationStatus::Verified;
    let under_review = profile.under_review;
    view! {
        <article class="page organisation" aria-labelledby="page-title" lang=profile.language.clone()>
            {profile.cover.clone().map(|cover| view! {
                <Img picture=cover alt="" sizes="(max-width: 48rem) 100vw, 48rem" class="organisation-cover" eager=true />
            })}
            <header class="organisation-header">
                {profile.logo.clone().map(|logo| view! {
                    <Img picture=logo alt="" sizes="96px" class="logo logo-large" eager=true />
                })}
                <h1 id="page-title">{profile.name.clone()}</h1>
                <VerifiedBadge status=profile.verification_status />
                <p class="lead">{profile.mission.clone()}</p>
                <FollowButton slug=slug.clone() state=follow />
            </header>
            <div class="organisation-description" inner_html=profile.description_html.clone()></div>
            <Facts profile=profile.clone() team />
            <ReportButton kind=ItemKind::Organisation id=profile.id.clone() label=t.report_organisation />
            {(profile.text_languages.len() > 1).then(|| view! {
                <p class="muted">{fill(t.shown_in_language, &[("language", &crate::names::language(&profile.language))])}</p>
            })}

            {move || in_team.get().then(|| view! {
                <p><a href=format!("/organisations/{team_slug}/admin")>{t.admin_link}</a></p>
                <NewUpdateForm slug=team_slug.clone() updates />
            })}
            {under_review.then(|| view! { <p class="notice" role="status">{t.under_review}</p> })}
            {(verified && !under_review).then(|| view! { <DonateForm slug=slug.clone() /> })}

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

            {(!related.is_empty()).then(|| view! {
                <section aria-labelledby="related-title">
                    <h2 id="related-title">{t.organisation_related}</h2>
                    <ul class="organisation-list">
                        {related.into_iter().map(|organisation| view! { <OrganisationCard organisation /> }).collect_view()}
                    </ul>
                </section>
            })}
        </article>
    }
}

/// Website, causes, place and team.
#[component]
fn Facts(profile: OrganisationProfile, team: Vec<Member>) -> impl IntoView {
    let t = texts();
    view! {
        <dl class="facts">
            {profile.website.clone().map(|w| view! {
                <dt>{t.organisation_website}</dt>
                <dd><a href=w.clone() rel="nofollow noopener ugc">{w.clone()}</a></dd>
            })}
            {(!profile.causes.is_empty()).then(|| view! {
                <dt>{t.organisation_causes}</dt>
                <dd>{profile.causes.iter().map(|c| {
                    let slug = c.clone();
                    view! { <a class="tag" href=format!("/causes/{c}")>{move || crate::names::causes().name(&slug)}</a> }
                }).collect_view()}</dd>
            })}
            {profile.country.clone().map(|c| view! {
                <dt>{t.filter_country}</dt>
                <dd>{crate::names::country(&c)}{profile.city.clone().map(|city| format!(" · {city}"))}</dd>
            })}
            <dt>{t.organisation_team}</dt>
            <dd>{team.iter().map(|m| m.display_name.clone()).collect::<Vec<_>>().join(", ")}</dd>
        </dl>
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
    let photos = ChosenPhotos::new(&[]);
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
            photos: photos.to_send(),
            link_url: None,
        };
        let slug = slug.clone();
        spawn_local(async move {
            match api.post_update(&slug, &new).await {
                Ok(update) => {
                    updates.update(|list| list.insert(0, update));
                    title.set(String::new());
                    body.set(String::new());
                    photos.clear();
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
                <PhotosField id="update-photo" photos errors />
                <button type="submit" class="button-primary" aria-disabled=move || busy.get().to_string()>
                    {t.update_publish}
                </button>
                <p role="status" class="form-message">{move || message.get()}</p>
            </form>
        </section>
    }
}
