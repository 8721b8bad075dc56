//! `/notifications`, `/settings` and `/causes/:slug`.

use ensemble_wire::{
    Cause, Following, MarkRead, Me, Notification, NotificationKind, Organisation, Page, Role,
    Update, UpdateMe,
};
use gloo_net::http::Method;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use crate::api::{ApiClient, ApiError};
use crate::components::{ApiErrorNotice, Field, OrganisationCard, UpdateCard, explain};
use crate::texts::{Texts, fill, format_date, texts};

fn sign_in_first(title: &'static str) -> AnyView {
    let t = texts();
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{title}</h1>
            <p><A href="/signin">{t.nav_sign_in}</A></p>
        </section>
    }
    .into_any()
}

fn role_name(t: &'static Texts, role: Option<Role>) -> &'static str {
    match role {
        Some(Role::Owner) => t.role_owner,
        Some(Role::Admin) => t.role_admin,
        _ => t.role_editor,
    }
}

fn notification_text(t: &'static Texts, n: &Notification) -> String {
    let actor = n
        .actor
        .as_ref()
        .map_or(t.notification_someone.to_owned(), |a| {
            a.display_name.clone()
        });
    let organisation = n
        .organisation
        .as_ref()
        .map(|o| o.name.clone())
        .unwrap_or_default();
    match n.kind {
        NotificationKind::CommentReply => fill(t.notification_reply, &[("actor", &actor)]),
        NotificationKind::UpdateComment => fill(
            t.notification_comment,
            &[("actor", &actor), ("organisation", &organisation)],
        ),
        NotificationKind::RoleGranted => fill(
            t.notification_role,
            &[
                ("role", role_name(t, n.role)),
                ("organisation", &organisation),
            ],
        ),
        NotificationKind::Invitation => fill(
            t.notification_invitation,
            &[
                ("actor", &actor),
                ("role", role_name(t, n.role)),
                ("organisation", &organisation),
            ],
        ),
        NotificationKind::VerificationChanged => fill(
            t.notification_verification_changed,
            &[("organisation", &organisation)],
        ),
    }
}

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return sign_in_first(t.notifications_title);
    }
    let items = RwSignal::new(None::<Result<Vec<Notification>, ApiError>>);
    let load = move || {
        spawn_local(async move {
            let result = api
                .get::<Page<Notification>>("/me/notifications", &[("limit", "50".into())])
                .await
                .map(|p| p.items);
            items.set(Some(result));
        });
    };
    load();
    let mark_read = move |_| {
        spawn_local(async move {
            if api
                .send_no_content(
                    Method::POST,
                    "/me/notifications/read",
                    Some(&MarkRead::default()),
                )
                .await
                .is_ok()
            {
                load();
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.notifications_title}</h1>
            <Invitations />
            <button type="button" on:click=mark_read>{t.notifications_mark_read}</button>
            {move || match items.get() {
                None => view! { <p class="muted" role="status">{t.organisations_loading}</p> }.into_any(),
                Some(Err(error)) => view! {
                    <ApiErrorNotice summary=t.organisations_load_failed error on_retry=Callback::new(move |()| load()) />
                }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p class="empty">{t.notifications_empty}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="organisation-list">
                        {list.into_iter().map(|n| {
                            let text = notification_text(t, &n);
                            let link = match (&n.update_id, &n.organisation) {
                                (Some(update), _) => format!("/updates/{update}"),
                                (None, Some(o)) => format!("/organisations/{}", o.slug),
                                _ => "/".to_owned(),
                            };
                            view! {
                                <li class="card">
                                    {(!n.read).then(|| view! { <span class="badge">{t.notification_unread}</span> " " })}
                                    <A href=link>{text}</A>
                                    <p class="muted">{format_date(&n.created_at)}</p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </section>
    }
    .into_any()
}

/// The invitations waiting for the person's answer: nobody joins a team without one.
#[component]
fn Invitations() -> impl IntoView {
    use ensemble_wire::Invitation;
    let t = texts();
    let api = expect_context::<ApiClient>();
    let waiting = RwSignal::new(Vec::<Invitation>::new());
    let message = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            if let Ok(page) = api.get::<Page<Invitation>>("/me/invitations", &[]).await {
                waiting.set(page.items);
            }
        });
    };
    load();
    let answer = move |id: String, organisation: String, accept: bool| {
        spawn_local(async move {
            let verb = if accept { "accept" } else { "decline" };
            let path = format!("/me/invitations/{id}/{verb}");
            match api.send::<(), Invitation>(Method::POST, &path, None).await {
                Ok(_) => {
                    message.set(Some(if accept {
                        fill(t.invitation_accepted, &[("organisation", &organisation)])
                    } else {
                        t.invitation_declined.to_owned()
                    }));
                    load();
                }
                Err(error) => message.set(Some(explain(t, &error))),
            }
        });
    };
    view! {
        <p role="status" class="form-message">{move || message.get()}</p>
        {move || {
            let list = waiting.get();
            (!list.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="invitations-title">
                    <h2 id="invitations-title">{t.invitations_title}</h2>
                    <ul class="members">
                        {list.into_iter().map(|invitation| {
                            let name = invitation.organisation.name.clone();
                            let (id, id2) = (invitation.id.clone(), invitation.id.clone());
                            let (org, org2) = (name.clone(), name.clone());
                            view! {
                                <li class="member">
                                    <span>{fill(t.invitation_line, &[
                                        ("organisation", &name),
                                        ("role", role_name(t, Some(invitation.role))),
                                    ])}</span>
                                    <button type="button" class="button-primary"
                                        on:click=move |_| answer(id.clone(), org.clone(), true)>
                                        {fill(t.invitation_accept, &[("organisation", &name)])}
                                    </button>
                                    <button type="button" class="link-button"
                                        on:click=move |_| answer(id2.clone(), org2.clone(), false)>
                                        {t.invitation_decline}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}
    }
}

/// The devices signed in to the account, each of which can be signed out.
#[component]
fn Sessions() -> impl IntoView {
    use ensemble_wire::SessionInfo;
    let t = texts();
    let api = expect_context::<ApiClient>();
    let sessions = RwSignal::new(Vec::<SessionInfo>::new());
    let load = move || {
        spawn_local(async move {
            if let Ok(page) = api
                .get::<Page<SessionInfo>>("/me/sessions", &[("limit", "50".into())])
                .await
            {
                sessions.set(page.items);
            }
        });
    };
    load();
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{t.sessions_title}</h2>
            <ul class="members">
                {move || sessions.get().into_iter().map(|session| {
                    let id = session.id.clone();
                    let current = session.current;
                    let revoke = move |_| {
                        let id = id.clone();
                        spawn_local(async move {
                            let path = format!("/me/sessions/{id}");
                            if api.send_no_content::<()>(Method::DELETE, &path, None).await.is_ok() {
                                if current {
                                    api.forget();
                                    let _ = window().location().assign("/");
                                } else {
                                    load();
                                }
                            }
                        });
                    };
                    let device = if session.user_agent.is_empty() { "—".to_owned() } else {
                        session.user_agent.chars().take(60).collect::<String>()
                    };
                    view! {
                        <li class="member">
                            <span>{device}{current.then(|| format!(" ({})", t.session_current))}</span>
                            <span class="muted">{fill(t.session_since, &[("date", &format_date(&session.created_at))])}</span>
                            <button type="button" class="link-button" on:click=revoke>{t.session_revoke}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// A new password: the current one is asked again; the other devices are signed out.
#[component]
fn ChangePassword() -> impl IntoView {
    use ensemble_wire::ChangePassword as Change;
    let t = texts();
    let api = expect_context::<ApiClient>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = Change {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        spawn_local(async move {
            match api
                .send_no_content(Method::POST, "/me/password", Some(&body))
                .await
            {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    errors.set(Vec::new());
                    message.set(Some(t.password_changed.to_owned()));
                }
                Err(error) => {
                    errors.set(error.field_errors());
                    message.set(Some(explain(t, &error)));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">{t.password_title}</h2>
            <form on:submit=submit novalidate>
                <Field id="current-password" label=t.password_current kind="password" value=current errors field="current_password" autocomplete="current-password" />
                <Field id="new-password" label=t.password_new kind="password" value=new errors field="new_password" autocomplete="new-password" />
                <button type="submit">{t.password_change}</button>
                <p role="status" class="form-message">{move || message.get()}</p>
            </form>
        </section>
    }
}

#[component]
pub fn SettingsPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    if !api.signed_in() {
        return sign_in_first(t.settings_title);
    }
    let message = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let export = RwSignal::new(None::<String>);
    spawn_local(async move {
        if let Ok(data) = api.get::<serde_json::Value>("/me/export", &[]).await {
            let text = serde_json::to_string_pretty(&data).unwrap_or_default();
            export.set(Some(format!(
                "data:application/json;charset=utf-8,{}",
                crate::api::encode(&text)
            )));
        }
    });
    let set_public = move |public: bool| {
        spawn_local(async move {
            let body = UpdateMe {
                follows_public: Some(public),
                ..Default::default()
            };
            match api.send::<_, Me>(Method::PATCH, "/me", Some(&body)).await {
                Ok(updated) => {
                    me.set(Some(updated));
                    message.set(Some(t.settings_saved.to_owned()));
                }
                Err(error) => message.set(Some(explain(t, &error))),
            }
        });
    };
    let delete = move |_| {
        spawn_local(async move {
            match api.send_no_content::<()>(Method::DELETE, "/me", None).await {
                Ok(()) => {
                    api.forget();
                    me.set(None);
                    let _ = window().location().assign("/");
                }
                Err(error) => message.set(Some(explain(t, &error))),
            }
        });
    };
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{t.settings_title}</h1>
            <div class="field-check">
                <input id="follows-public" type="checkbox"
                    prop:checked=move || me.with(|m| m.as_ref().is_none_or(|m| m.follows_public))
                    on:change=move |ev| set_public(event_target_checked(&ev)) />
                <label for="follows-public">{t.settings_follows_public}</label>
            </div>
            <p role="status" class="form-message">{move || message.get()}</p>
            {move || export.get().map(|href| view! {
                <p><a href=href download="ensemble-export.json">{t.settings_export}</a></p>
            })}
            <Sessions />
            <ChangePassword />
            <ApiTokens />
            <section class="card" aria-labelledby="delete-title">
                <h2 id="delete-title">{t.settings_delete}</h2>
                <p>{t.settings_delete_warning}</p>
                {move || if confirming.get() {
                    view! { <button type="button" on:click=delete>{t.settings_delete_confirm}</button> }.into_any()
                } else {
                    view! { <button type="button" on:click=move |_| confirming.set(true)>{t.settings_delete}</button> }.into_any()
                }}
            </section>
        </section>
    }
    .into_any()
}

#[component]
pub fn CausePage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let params = use_params_map();
    let slug = move || params.with(|p| p.get("slug")).unwrap_or_default();
    type Loaded = (Cause, Vec<Organisation>, Vec<Update>, bool);
    let data = RwSignal::new(None::<Result<Loaded, ApiError>>);
    let reload = move || {
        let slug = slug();
        spawn_local(async move {
            let loaded = async {
                let cause = api.get::<Cause>(&format!("/causes/{slug}"), &[]).await?;
                let organisations = api
                    .get::<Page<Organisation>>(
                        "/organisations",
                        &[("cause", slug.clone()), ("sort", "followers".into())],
                    )
                    .await?
                    .items;
                let updates = api
                    .get::<Page<Update>>(
                        &format!("/causes/{slug}/updates"),
                        &[("limit", "5".into())],
                    )
                    .await?
                    .items;
                let following = if api.signed_in() {
                    api.get::<Following>("/me/following", &[])
                        .await
                        .is_ok_and(|f| f.causes.iter().any(|c| c.slug == slug))
                } else {
                    false
                };
                Ok((cause, organisations, updates, following))
            };
            data.set(Some(loaded.await));
        });
    };
    Effect::new(move |_| {
        slug();
        reload();
    });
    move || {
        match data.get() {
        None => view! { <p class="muted" role="status">{t.organisations_loading}</p> }.into_any(),
        Some(Err(error)) => view! {
            <ApiErrorNotice summary=t.organisations_load_failed error on_retry=Callback::new(move |()| reload()) />
        }
        .into_any(),
        Some(Ok((cause, organisations, updates, following))) => {
            let followed = RwSignal::new(following);
            let slug = StoredValue::new(cause.slug.clone());
            let toggle = move |_| {
                let now = !followed.get_untracked();
                let method = if now { Method::PUT } else { Method::DELETE };
                let path = format!("/causes/{}/follow", slug.get_value());
                spawn_local(async move {
                    if api.send_no_content::<()>(method, &path, None).await.is_ok() {
                        followed.set(now);
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
            .into_any()
        }
    }
    }
}

/// Personal API tokens: listed, created (the secret shown once), revoked.
#[component]
fn ApiTokens() -> impl IntoView {
    use ensemble_wire::{ApiToken, CreatedApiToken, NewApiToken, TokenScope};
    let t = texts();
    let api = expect_context::<ApiClient>();
    let tokens = RwSignal::new(Vec::<ApiToken>::new());
    let created = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let write = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let load = move || {
        spawn_local(async move {
            if let Ok(page) = api.get::<Page<ApiToken>>("/me/tokens", &[]).await {
                tokens.set(page.items);
            }
        });
    };
    load();
    let create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewApiToken {
            name: name.get_untracked(),
            scope: if write.get_untracked() {
                TokenScope::Write
            } else {
                TokenScope::Read
            },
        };
        spawn_local(async move {
            match api
                .send::<_, CreatedApiToken>(Method::POST, "/me/tokens", Some(&body))
                .await
            {
                Ok(token) => {
                    created.set(Some(token.token));
                    name.set(String::new());
                    errors.set(Vec::new());
                    message.set(None);
                    load();
                }
                Err(error) => {
                    errors.set(error.field_errors());
                    message.set(Some(explain(t, &error)));
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="tokens-title">
            <h2 id="tokens-title">{t.tokens_title}</h2>
            <p>{t.tokens_intro}</p>
            <ul class="members">
                {move || tokens.get().into_iter().map(|token| {
                    let id = token.id.clone();
                    let revoke = move |_| {
                        let id = id.clone();
                        spawn_local(async move {
                            if api.send_no_content::<()>(Method::DELETE, &format!("/me/tokens/{id}"), None).await.is_ok() {
                                load();
                            }
                        });
                    };
                    view! {
                        <li class="member">
                            <span>{token.name.clone()}</span>
                            <span class="muted">{format_date(&token.created_at)}</span>
                            <button type="button" class="link-button" on:click=revoke>{fill(t.token_revoke, &[("name", &token.name)])}</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {move || created.get().map(|secret| view! {
                <div class="notice" role="status">
                    <p>{t.token_created}</p>
                    <p><code class="secret">{secret}</code></p>
                </div>
            })}
            <form on:submit=create novalidate>
                <crate::components::Field id="token-name" label=t.token_name_label value=name errors field="name" required=true />
                <div class="field-check">
                    <input id="token-write" type="checkbox" on:change=move |ev| write.set(event_target_checked(&ev)) />
                    <label for="token-write">{t.token_write_label}</label>
                </div>
                <button type="submit">{t.token_create}</button>
                <p role="alert" class="form-message">{move || message.get()}</p>
            </form>
        </section>
    }
}
