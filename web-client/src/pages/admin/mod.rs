//! `/organisations/:slug/admin`: the team's page: the profile and its translations, the
//! members and their roles, verification, and the donations received (with CSV).

mod donations;
mod profile;
mod team;

use std::future::Future;

use ensemble_wire::{
    Donation, Invitation, Member, NewVerification, OrganisationProfile, Verification,
    VerificationStatus,
};
use futures_util::future::join5;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{ApiClient, ApiError};
use crate::components::{Loading, explain, loaded};
use crate::texts::{Texts, fill, texts};

#[derive(Clone)]
struct Loaded {
    profile: OrganisationProfile,
    members: Vec<Member>,
    verification: Verification,
    /// For admins and owners only: an editor does not see them.
    donations: Option<Vec<Donation>>,
    invitations: Option<Vec<Invitation>>,
}

async fn load(api: ApiClient, slug: String) -> Result<Loaded, ApiError> {
    let (profile, members, verification, donations, invitations) = join5(
        api.organisation_in(&slug, "en"),
        api.members(&slug),
        api.verification(&slug),
        api.organisation_donations(&slug, 100),
        api.team_invitations(&slug, 50),
    )
    .await;
    Ok(Loaded {
        profile: profile?,
        members: members?.items,
        verification: verification?,
        donations: donations.ok().map(|p| p.items),
        invitations: invitations.ok().map(|p| p.items),
    })
}

/// What a change made on this page comes to: said in the page's message, and, once done,
/// the page loaded again to show it.
/// The people banned from the organisation's comments (its admins see them), each of
/// whom can be let back. Bans are made from a comment ("Ban from our comments").
#[component]
fn BansSection(slug: String) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let slug = StoredValue::new(slug);
    let bans = LocalResource::new(move || async move { api.bans(&slug.get_value()).await });
    let lift = move |id: String| {
        spawn_local(async move {
            if api.unban(&slug.get_value(), &id).await.is_ok() {
                bans.refetch();
            }
        });
    };
    view! {
        <Transition>
            {move || bans.get().and_then(Result::ok).map(|page| view! {
                <section class="card" aria-labelledby="bans-title">
                    <h2 id="bans-title">{t.bans_title}</h2>
                    <p class="muted">{t.bans_intro}</p>
                    {if page.items.is_empty() {
                        view! { <p class="empty">{t.bans_empty}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="members">
                                {page.items.into_iter().map(|person| {
                                    let id = person.user_id.clone();
                                    view! {
                                        <li class="member">
                                            <span>{person.display_name.clone()}</span>
                                            <span class="muted">{person.reason.clone()}</span>
                                            <button type="button" class="link-button" on:click=move |_| lift(id.clone())>
                                                {t.bans_lift}<span class="visually-hidden">{format!(" {}", person.display_name)}</span>
                                            </button>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
            })}
        </Transition>
    }
}

#[derive(Clone, Copy)]
struct Changes {
    t: &'static Texts,
    message: RwSignal<Option<String>>,
    page: LocalResource<Result<Loaded, ApiError>>,
}

impl Changes {
    fn done(self, what: impl Into<String>) {
        self.message.set(Some(what.into()));
        self.page.refetch();
    }

    fn failed(self, error: &ApiError) {
        self.message.set(Some(explain(self.t, error)));
    }

    /// Runs `work`, then says `done` or what went wrong.
    fn run(self, done: &'static str, work: impl Future<Output = Result<(), ApiError>> + 'static) {
        spawn_local(async move {
            match work.await {
                Ok(()) => self.done(done),
                Err(error) => self.failed(&error),
            }
        });
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let params = use_params_map();
    let page = LocalResource::new(move || {
        let slug = params.with(|p| p.get("slug")).unwrap_or_default();
        load(api, slug)
    });
    let changes = Changes {
        t,
        message: RwSignal::new(None),
        page,
    };
    // Loaded again after each change: the page stays as it is until then.
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {loaded(page, t.organisation_load_failed, move |loaded| view! { <Admin loaded changes /> })}
        </Transition>
    }
}

#[component]
fn Admin(loaded: Loaded, changes: Changes) -> impl IntoView {
    let t = texts();
    let Loaded {
        profile,
        members,
        verification,
        donations,
        invitations,
    } = loaded;
    let slug = profile.slug.clone();
    let name = profile.name.clone();
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{fill(t.admin_title, &[("name", &name)])}</h1>
            <p><A href=format!("/organisations/{slug}")>{name}</A>" · "<A href="/moderation">{t.moderation_reported_comments}</A></p>
            <p role="status" class="form-message">{move || changes.message.get()}</p>
            <profile::PicturesForm profile=profile.clone() changes />
            <profile::ProfileForm profile changes />
            <profile::TranslationForm slug=slug.clone() changes />
            <team::TeamSection slug=slug.clone() members invitations changes />
            <BansSection slug=slug.clone() />
            <VerificationSection slug=slug.clone() status=verification.status changes />
            {donations.map(|donations| view! { <donations::DonationsSection slug donations /> })}
        </section>
    }
}

fn verification_text(t: &'static Texts, status: VerificationStatus) -> &'static str {
    match status {
        VerificationStatus::Verified => t.verified,
        VerificationStatus::Pending => t.verification_pending,
        VerificationStatus::Unverified => "—",
        VerificationStatus::Rejected => "✗",
        VerificationStatus::Revoked => "✗",
    }
}

/// Where verification stands, and asking for a review.
#[component]
fn VerificationSection(
    slug: String,
    status: VerificationStatus,
    changes: Changes,
) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let request_review = move |_| {
        let body = NewVerification {
            status: VerificationStatus::Pending,
            registration: None,
            name: None,
            note: String::new(),
        };
        let slug = slug.clone();
        changes.run(t.settings_saved, async move {
            api.request_verification(&slug, &body).await.map(|_| ())
        });
    };
    let can_ask = !matches!(
        status,
        VerificationStatus::Verified | VerificationStatus::Pending
    );
    view! {
        <section class="card" aria-labelledby="admin-verification">
            <h2 id="admin-verification">{t.admin_verification}</h2>
            <p>{fill(t.admin_verification_status, &[("status", verification_text(t, status))])}</p>
            {can_ask.then(|| view! {
                <button type="button" on:click=request_review>{t.admin_request_review}</button>
            })}
        </section>
    }
}
