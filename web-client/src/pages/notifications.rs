//! `/notifications`: what happened that concerns me, and the invitations to a team waiting
//! for my answer.

use ensemble_wire::{MarkRead, Notification, NotificationKind};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;

use crate::api::ApiClient;
use crate::components::{Loading, SignInFirst, explain, loaded, role_name};
use crate::texts::{Texts, fill, format_date, texts};

/// The most notifications shown.
const LIMIT: u32 = 50;

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    if !api.signed_in() {
        return view! { <SignInFirst title=t.notifications_title /> }.into_any();
    }
    let notifications = LocalResource::new(move || async move { api.notifications(LIMIT).await });
    let mark_read = move |_| {
        spawn_local(async move {
            if api
                .mark_notifications_read(&MarkRead::default())
                .await
                .is_ok()
            {
                notifications.refetch();
            }
        });
    };
    view! {
        <section class="page" aria-labelledby="page-title">
            <h1 id="page-title">{t.notifications_title}</h1>
            <Invitations />
            <button type="button" on:click=mark_read>{t.notifications_mark_read}</button>
            <Transition fallback=|| view! { <Loading /> }>
                {loaded(notifications, t.organisations_load_failed, |page| view! {
                    <NotificationList notifications=page.items />
                })}
            </Transition>
        </section>
    }
    .into_any()
}

#[component]
fn NotificationList(notifications: Vec<Notification>) -> impl IntoView {
    let t = texts();
    if notifications.is_empty() {
        return view! { <p class="empty">{t.notifications_empty}</p> }.into_any();
    }
    view! {
        <ul class="organisation-list">
            {notifications.into_iter().map(|n| {
                let text = notification_text(t, &n);
                let link = notification_link(&n);
                view! {
                    <li class="card">
                        {(!n.read).then(|| view! { <span class="badge">{t.notification_unread}</span> " " })}
                        <A href=link>{text}</A>
                        <p class="muted">{format_date(&n.created_at)}</p>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// Where a notification leads: the update it is about, else the organisation's page, or for
/// its verification (notified to its owners) the team's page, where a new review is asked.
fn notification_link(n: &Notification) -> String {
    let verification = matches!(
        n.kind,
        NotificationKind::VerificationChanged
            | NotificationKind::VerificationApproved
            | NotificationKind::VerificationRejected
    );
    match (&n.update_id, &n.organisation) {
        (Some(update), _) => format!("/updates/{update}"),
        (None, Some(o)) if verification => format!("/organisations/{}/admin", o.slug),
        (None, Some(o)) => format!("/organisations/{}", o.slug),
        _ => "/".to_owned(),
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
    let role = n.role.map_or(t.role_editor, |role| role_name(t, role));
    match n.kind {
        NotificationKind::CommentReply => fill(t.notification_reply, &[("actor", &actor)]),
        NotificationKind::UpdateComment => fill(
            t.notification_comment,
            &[("actor", &actor), ("organisation", &organisation)],
        ),
        NotificationKind::RoleGranted => fill(
            t.notification_role,
            &[("role", role), ("organisation", &organisation)],
        ),
        NotificationKind::Invitation => fill(
            t.notification_invitation,
            &[
                ("actor", &actor),
                ("role", role),
                ("organisation", &organisation),
            ],
        ),
        NotificationKind::VerificationChanged => fill(
            t.notification_verification_changed,
            &[("organisation", &organisation)],
        ),
        NotificationKind::VerificationApproved => fill(
            t.notification_verification_approved,
            &[("organisation", &organisation)],
        ),
        NotificationKind::VerificationRejected => fill(
            t.notification_verification_rejected,
            &[("organisation", &organisation)],
        ),
        NotificationKind::ReportUpheld => t.notification_report_upheld.to_owned(),
        NotificationKind::ReportDismissed => t.notification_report_dismissed.to_owned(),
    }
}

/// The invitations waiting for the person's answer: nobody joins a team without one.
#[component]
fn Invitations() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let waiting = LocalResource::new(move || async move { api.my_invitations().await });
    let message = RwSignal::new(None::<String>);
    let answer = move |id: String, organisation: String, accept: bool| {
        spawn_local(async move {
            match api.answer_invitation(&id, accept).await {
                Ok(_) => {
                    message.set(Some(if accept {
                        fill(t.invitation_accepted, &[("organisation", &organisation)])
                    } else {
                        t.invitation_declined.to_owned()
                    }));
                    waiting.refetch();
                }
                Err(error) => message.set(Some(explain(t, &error))),
            }
        });
    };
    view! {
        <p role="status" class="form-message">{move || message.get()}</p>
        <Transition>
            {move || waiting.get().and_then(Result::ok).filter(|page| !page.items.is_empty()).map(|page| view! {
                <section class="card" aria-labelledby="invitations-title">
                    <h2 id="invitations-title">{t.invitations_title}</h2>
                    <ul class="members">
                        {page.items.into_iter().map(|invitation| {
                            let name = invitation.organisation.name.clone();
                            let (id, id2) = (invitation.id.clone(), invitation.id.clone());
                            let (org, org2) = (name.clone(), name.clone());
                            view! {
                                <li class="member">
                                    <span>{fill(t.invitation_line, &[
                                        ("organisation", &name),
                                        ("role", role_name(t, invitation.role)),
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
            })}
        </Transition>
    }
}
