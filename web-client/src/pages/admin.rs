//! `/organisations/:slug/admin`: the team's page: the profile and its translations, the
//! members and their roles, verification, and the donations received (with CSV).

use std::collections::BTreeMap;

use ensemble_wire::{
    Donation, Invitation, InvitationStatus, Member, MemberRole, NewMember, NewVerification,
    OrganisationProfile, Page, Role, Translation, UpdateOrganisation, Verification,
    VerificationStatus,
};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::donations::status_text;
use crate::api::{ApiClient, ApiError};
use crate::components::{ApiErrorNotice, Field, explain};
use crate::texts::{Texts, fill, texts};

#[derive(Clone)]
struct Loaded {
    profile: OrganisationProfile,
    members: Vec<Member>,
    verification: Verification,
    donations: Option<Vec<Donation>>,
    invitations: Option<Vec<Invitation>>,
}

async fn load(api: ApiClient, slug: String) -> Result<Loaded, ApiError> {
    let profile = api
        .get::<OrganisationProfile>(&format!("/organisations/{slug}"), &[("lang", "en".into())])
        .await?;
    let members = api
        .get::<Page<Member>>(&format!("/organisations/{slug}/members"), &[])
        .await?
        .items;
    let verification = api
        .get::<Verification>(&format!("/organisations/{slug}/verification"), &[])
        .await?;
    // Admins and owners only: an editor simply does not see this part.
    let donations = api
        .get::<Page<Donation>>(
            &format!("/organisations/{slug}/donations"),
            &[("limit", "100".into())],
        )
        .await
        .ok()
        .map(|p| p.items);
    let invitations = api
        .get::<Page<Invitation>>(
            &format!("/organisations/{slug}/invitations"),
            &[("limit", "50".into())],
        )
        .await
        .ok()
        .map(|p| p.items);
    Ok(Loaded {
        profile,
        members,
        verification,
        donations,
        invitations,
    })
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

fn role_label(t: &'static Texts, role: Role) -> &'static str {
    match role {
        Role::Owner => t.role_owner,
        Role::Admin => t.role_admin,
        Role::Editor => t.role_editor,
    }
}

fn invitation_status_text(t: &'static Texts, status: InvitationStatus) -> &'static str {
    match status {
        InvitationStatus::Pending => t.invitation_pending,
        InvitationStatus::Accepted => t.invitation_status_accepted,
        InvitationStatus::Declined => t.invitation_status_declined,
        InvitationStatus::Revoked => t.invitation_status_revoked,
        InvitationStatus::Expired => t.invitation_status_expired,
    }
}

fn parse_role(value: &str) -> Role {
    match value {
        "owner" => Role::Owner,
        "admin" => Role::Admin,
        _ => Role::Editor,
    }
}

#[component]
pub fn AdminPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug")).unwrap_or_default();
    let data = RwSignal::new(None::<Result<Loaded, ApiError>>);
    let message = RwSignal::new(None::<String>);
    let reload = move || {
        let slug = slug();
        spawn_local(async move { data.set(Some(load(api, slug).await)) });
    };
    Effect::new(move |_| {
        slug();
        reload();
    });
    // Runs a change, then says how it went and loads the page again.
    let act_saying = move |done: &'static str,
                           work: std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<(), ApiError>>>,
    >| {
        spawn_local(async move {
            match work.await {
                Ok(()) => {
                    message.set(Some(done.to_owned()));
                    reload();
                }
                Err(error) => message.set(Some(explain(t, &error))),
            }
        });
    };
    let act = move |work| act_saying(t.settings_saved, work);
    move || {
        match data.get() {
        None => view! { <p class="muted" role="status">{t.organisations_loading}</p> }.into_any(),
        Some(Err(error)) => view! {
            <ApiErrorNotice summary=t.organisation_load_failed error on_retry=Callback::new(move |()| reload()) />
        }
        .into_any(),
        Some(Ok(loaded)) => {
            let profile = loaded.profile.clone();
            let slug = StoredValue::new(profile.slug.clone());
            let name = RwSignal::new(profile.name.clone());
            let mission = RwSignal::new(profile.mission.clone());
            let description = RwSignal::new(profile.description.clone());
            let website = RwSignal::new(profile.website.clone().unwrap_or_default());
            let city = RwSignal::new(profile.city.clone().unwrap_or_default());
            let errors = RwSignal::new(Vec::<(String, String)>::new());
            let save_profile = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let body = UpdateOrganisation {
                    name: Some(name.get_untracked()),
                    mission: Some(mission.get_untracked()),
                    description: Some(description.get_untracked()),
                    website: Some(Some(website.get_untracked()).filter(|w| !w.trim().is_empty())),
                    city: Some(Some(city.get_untracked()).filter(|c| !c.trim().is_empty())),
                    ..Default::default()
                };
                spawn_local(async move {
                    let path = format!("/organisations/{}", slug.get_value());
                    match api.send::<_, OrganisationProfile>(Method::PATCH, &path, Some(&body)).await {
                        Ok(_) => {
                            errors.set(Vec::new());
                            message.set(Some(t.settings_saved.to_owned()));
                        }
                        Err(error) => {
                            errors.set(error.field_errors());
                            message.set(Some(explain(t, &error)));
                        }
                    }
                });
            };
            let tr_lang = RwSignal::new("fr".to_owned());
            let tr_mission = RwSignal::new(String::new());
            let tr_description = RwSignal::new(String::new());
            let save_translation = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let mut translations = BTreeMap::new();
                translations.insert(
                    tr_lang.get_untracked(),
                    Some(Translation { mission: tr_mission.get_untracked(), description: tr_description.get_untracked() }),
                );
                let body = UpdateOrganisation { translations: Some(translations), ..Default::default() };
                act(Box::pin(async move {
                    let path = format!("/organisations/{}", slug.get_value());
                    api.send::<_, OrganisationProfile>(Method::PATCH, &path, Some(&body)).await.map(|_| ())
                }));
            };
            let new_member = RwSignal::new(String::new());
            let new_role = RwSignal::new("editor".to_owned());
            let add_member = move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                let body = NewMember { user_id: new_member.get_untracked().trim().to_owned(), role: parse_role(&new_role.get_untracked()) };
                let path = format!("/organisations/{}/members", slug.get_value());
                act_saying(t.admin_invited, Box::pin(async move {
                    api.send::<_, Invitation>(Method::POST, &path, Some(&body)).await.map(|_| ())
                }));
            };
            let request_review = move |_| {
                let body = NewVerification { status: VerificationStatus::Pending, registration: None, name: None, note: String::new() };
                act(Box::pin(async move {
                    let path = format!("/organisations/{}/verification", slug.get_value());
                    api.send::<_, Verification>(Method::POST, &path, Some(&body)).await.map(|_| ())
                }));
            };
            let csv = RwSignal::new(None::<String>);
            if loaded.donations.is_some() {
                spawn_local(async move {
                    let path = format!("/organisations/{}/donations.csv", slug.get_value());
                    if let Ok(text) = api.get_text(&path).await {
                        csv.set(Some(format!("data:text/csv;charset=utf-8,{}", crate::api::encode(&text))));
                    }
                });
            }
            view! {
                <section class="page" aria-labelledby="page-title">
                    <h1 id="page-title">{fill(t.admin_title, &[("name", &profile.name)])}</h1>
                    <p><A href=format!("/organisations/{}", profile.slug)>{profile.name.clone()}</A></p>
                    <p role="status" class="form-message">{move || message.get()}</p>

                    <section class="card" aria-labelledby="admin-profile">
                        <h2 id="admin-profile">{t.admin_profile}</h2>
                        <form on:submit=save_profile novalidate>
                            <Field id="admin-name" label=t.name_label value=name errors field="name" required=true />
                            <Field id="admin-mission" label=t.mission_label value=mission errors field="mission" required=true />
                            <Field id="admin-description" label=t.description_label multiline=true value=description errors field="description" />
                            <Field id="admin-website" label=t.website_label kind="url" value=website errors field="website" />
                            <Field id="admin-city" label=t.city_label value=city errors field="city" />
                            <button type="submit" class="button-primary">{t.admin_save}</button>
                        </form>
                    </section>

                    <section class="card" aria-labelledby="admin-translation">
                        <h2 id="admin-translation">{t.admin_translation}</h2>
                        <form on:submit=save_translation novalidate>
                            <div class="field">
                                <label for="tr-lang">{t.admin_translation_language}</label>
                                <select id="tr-lang" on:change=move |ev| tr_lang.set(event_target_value(&ev))>
                                    {["en", "fr", "es", "zh", "pt", "ar", "sw"].into_iter().map(|l| view! {
                                        <option value=l selected=move || tr_lang.get() == l>{l}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <Field id="tr-mission" label=t.mission_label value=tr_mission errors field="translations" required=true />
                            <Field id="tr-description" label=t.description_label multiline=true value=tr_description errors field="translations.description" />
                            <button type="submit" class="button-primary">{t.admin_save}</button>
                        </form>
                    </section>

                    <section class="card" aria-labelledby="admin-members">
                        <h2 id="admin-members">{t.admin_members}</h2>
                        <ul class="members">
                            {loaded.members.iter().map(|m| {
                                let user = m.user_id.clone();
                                let remove_user = m.user_id.clone();
                                let select_id = format!("role-{}", m.user_id);
                                let change = move |ev: leptos::ev::Event| {
                                    let body = MemberRole { role: parse_role(&event_target_value(&ev)) };
                                    let user = user.clone();
                                    act(Box::pin(async move {
                                        let path = format!("/organisations/{}/members/{user}", slug.get_value());
                                        api.send::<_, Member>(Method::PATCH, &path, Some(&body)).await.map(|_| ())
                                    }));
                                };
                                let remove = move |_| {
                                    let user = remove_user.clone();
                                    act(Box::pin(async move {
                                        let path = format!("/organisations/{}/members/{user}", slug.get_value());
                                        api.send_no_content::<()>(Method::DELETE, &path, None).await
                                    }));
                                };
                                let current = m.role;
                                view! {
                                    <li class="member">
                                        <span>{m.display_name.clone()}</span>
                                        <label for=select_id.clone() class="visually-hidden">{fill(t.admin_member_role_of, &[("name", &m.display_name)])}</label>
                                        <select id=select_id on:change=change>
                                            {[Role::Owner, Role::Admin, Role::Editor].into_iter().map(|r| view! {
                                                <option value=serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default() selected=r == current>{role_label(t, r)}</option>
                                            }).collect_view()}
                                        </select>
                                        <button type="button" class="link-button" on:click=remove>{fill(t.admin_member_remove, &[("name", &m.display_name)])}</button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                        {loaded.invitations.clone().filter(|i| !i.is_empty()).map(|invitations| view! {
                            <h3>{t.admin_invitations}</h3>
                            <ul class="members">
                                {invitations.into_iter().map(|i| {
                                    let id = i.id.clone();
                                    let pending = i.status == InvitationStatus::Pending;
                                    let revoke = move |_| {
                                        let path = format!("/organisations/{}/invitations/{}", slug.get_value(), id);
                                        act(Box::pin(async move {
                                            api.send_no_content::<()>(Method::DELETE, &path, None).await
                                        }));
                                    };
                                    view! {
                                        <li class="member">
                                            <span>{i.invitee.display_name.clone()}</span>
                                            <span class="muted">{format!("{} · {}", role_label(t, i.role), invitation_status_text(t, i.status))}</span>
                                            {pending.then(|| view! {
                                                <button type="button" class="link-button" on:click=revoke.clone()>
                                                    {fill(t.admin_invitation_revoke, &[("name", &i.invitee.display_name)])}
                                                </button>
                                            })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        })}
                        <form on:submit=add_member class="filters">
                            <div class="field">
                                <label for="member-id">{t.admin_member_id}</label>
                                <input id="member-id" type="text" inputmode="numeric" prop:value=move || new_member.get() on:input=move |ev| new_member.set(event_target_value(&ev)) />
                            </div>
                            <div class="field">
                                <label for="member-role">{t.admin_member_role}</label>
                                <select id="member-role" on:change=move |ev| new_role.set(event_target_value(&ev))>
                                    <option value="editor">{t.role_editor}</option>
                                    <option value="admin">{t.role_admin}</option>
                                    <option value="owner">{t.role_owner}</option>
                                </select>
                            </div>
                            <button type="submit">{t.admin_member_add}</button>
                        </form>
                    </section>

                    <section class="card" aria-labelledby="admin-verification">
                        <h2 id="admin-verification">{t.admin_verification}</h2>
                        <p>{fill(t.admin_verification_status, &[("status", verification_text(t, loaded.verification.status))])}</p>
                        {(!matches!(loaded.verification.status, VerificationStatus::Verified | VerificationStatus::Pending)).then(|| view! {
                            <button type="button" on:click=request_review>{t.admin_request_review}</button>
                        })}
                    </section>

                    {loaded.donations.clone().map(|donations| view! {
                        <section class="card" aria-labelledby="admin-donations">
                            <h2 id="admin-donations">{t.admin_donations}</h2>
                            {move || csv.get().map(|href| view! { <p><a href=href download="donations.csv">{t.admin_donations_csv}</a></p> })}
                            <ul class="organisation-list">
                                {donations.into_iter().map(|d| view! {
                                    <li>
                                        {d.test.then(|| view! { <span class="badge">{t.test_badge}</span> " " })}
                                        {format!("{}.{:02} {}", d.amount_minor / 100, d.amount_minor % 100, d.currency)}
                                        " · " {status_text(t, d.status)}
                                        " · " {d.donor_name.clone().unwrap_or_else(|| t.admin_anonymous.to_owned())}
                                        {d.donor_email.clone().map(|e| format!(" <{e}>"))}
                                    </li>
                                }).collect_view()}
                            </ul>
                        </section>
                    })}
                </section>
            }
            .into_any()
        }
    }
    }
}
