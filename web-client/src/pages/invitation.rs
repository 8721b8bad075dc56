//! `/invitation?token=…`: where the link mailed with an invitation to a team leads. It says
//! which organisation invites, to which role, and where the invitation stands. Signed in,
//! the person accepts or declines. Signed out, they create their account here, with the
//! invitation (an account made with the invited address needs no separate proof of it), or
//! sign in and come back, or decline without an account.

use ensemble_wire::{Code, Invitation, InvitationStatus, Me, RegisterRequest};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

use super::sign_in::sign_in_path;
use crate::api::{ApiClient, ApiError, encode};
use crate::components::{ApiErrorNotice, Field, Loading, explain, role_name, show_form_error};
use crate::texts::{Texts, current_lang, fill, format_date, texts};

#[component]
pub fn InvitationPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let token = use_query_map()
        .with_untracked(|query| query.get("token"))
        .filter(|token| !token.is_empty());
    let Some(token) = token else {
        return view! { <BadLink /> }.into_any();
    };
    let token = StoredValue::new(token);
    let found =
        LocalResource::new(move || async move { api.linked_invitation(&token.get_value()).await });
    view! {
        <Transition fallback=|| view! { <Loading /> }>
            {move || found.get().map(|result| match result {
                Ok(invitation) => view! { <Answer invitation token=token.get_value() /> }.into_any(),
                // The server made no such link.
                Err(error) if error.code() == Some(Code::NotFound) => view! { <BadLink /> }.into_any(),
                Err(error) => view! {
                    <section class="page narrow" aria-labelledby="page-title">
                        <h1 id="page-title">{t.invitations_title}</h1>
                        <ApiErrorNotice summary=t.invitation_load_failed error on_retry=Callback::new(move |()| found.refetch()) />
                    </section>
                }
                .into_any(),
            })}
        </Transition>
    }
    .into_any()
}

/// A link the server did not make (cut short, or made up): only the team can send another.
#[component]
fn BadLink() -> impl IntoView {
    let t = texts();
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{t.verify_failed}</h1>
            <div class="notice notice-error" role="alert">
                <p>{t.invitation_link_invalid}</p>
            </div>
        </section>
    }
}

/// Why an invitation in this state can no longer be answered.
fn closed_reason(t: &'static Texts, status: InvitationStatus) -> Option<&'static str> {
    match status {
        InvitationStatus::Pending => None,
        InvitationStatus::Accepted => Some(t.invitation_was_accepted),
        InvitationStatus::Declined => Some(t.invitation_was_declined),
        InvitationStatus::Revoked => Some(t.invitation_was_revoked),
        InvitationStatus::Expired => Some(t.invitation_was_expired),
    }
}

/// Why the server refused an answer, when the fault is the invitation's (answering again
/// cannot help): taken by another account, answered, lapsed or withdrawn meanwhile.
fn refusal(t: &'static Texts, error: &ApiError) -> Option<&'static str> {
    // A sign-up with the invitation names its faults on the `invitation` field.
    let field = error
        .field_errors()
        .into_iter()
        .find(|(field, _)| field == "invitation")
        .map(|(_, code)| Code::parse(&code).unwrap_or(Code::InvalidToken));
    Some(match field.or(error.code())? {
        Code::NotFound => t.invitation_taken,
        Code::InvalidToken => t.invitation_link_invalid,
        Code::InvitationAnswered => t.invitation_answered,
        Code::InvitationExpired => t.invitation_was_expired,
        Code::InvitationWithdrawn => t.invitation_withdrawn,
        _ => return None,
    })
}

/// The invitation, and answering it.
#[component]
fn Answer(invitation: Invitation, token: String) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let token = StoredValue::new(token);
    let organisation = invitation.organisation.name.clone();
    let line = fill(
        t.invitation_line,
        &[
            ("organisation", &organisation),
            ("role", role_name(t, invitation.role)),
        ],
    );
    // Why it cannot be answered here; `None` while it can.
    let closed = RwSignal::new(closed_reason(t, invitation.status));
    // What an answer, or the sign-up, came to.
    let said = RwSignal::new(None::<String>);
    let answered = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let accept_button = NodeRef::<leptos::html::Button>::new();
    // An account took it already (whoever signed up from the link): only that one answers.
    let taker = StoredValue::new(invitation.invitee.map(|person| person.user_id));
    let taken_by_another = move || {
        taker.with_value(|taker| {
            taker.as_ref().is_some_and(|taker| {
                api.signed_in() && me.with(|me| me.as_ref().is_some_and(|me| &me.id != taker))
            })
        })
    };
    let open = move || !answered.get() && closed.get().is_none() && !taken_by_another();
    let answer = move |accept: bool| {
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        message.set(None);
        let organisation = organisation.clone();
        spawn_local(async move {
            let token = token.get_value();
            let result = if accept {
                api.accept_linked_invitation(&token).await
            } else {
                api.decline_linked_invitation(&token).await
            };
            match result {
                Ok(_) => {
                    answered.set(true);
                    said.set(Some(if accept {
                        fill(t.invitation_accepted, &[("organisation", &organisation)])
                    } else {
                        t.invitation_declined.to_owned()
                    }));
                }
                Err(error) => match refusal(t, &error) {
                    Some(reason) => closed.set(Some(reason)),
                    None => message.set(Some(explain(t, &error))),
                },
            }
            busy.set(false);
        });
    };
    let answer = StoredValue::new(answer);
    let signed_up = move |()| {
        said.set(Some(t.invitation_account_ready.to_owned()));
        // The form is gone: the keyboard goes on from the answer it was for.
        request_animation_frame(move || {
            if let Some(button) = accept_button.get_untracked() {
                let _ = button.focus();
            }
        });
    };
    let name = &invitation.organisation.name;
    let title = fill(t.invitation_title, &[("organisation", name)]);
    let see_organisation = fill(t.invitation_see_organisation, &[("organisation", name)]);
    let accept_label = fill(t.invitation_accept, &[("organisation", name)]);
    let organisation_page = format!("/organisations/{}", invitation.organisation.slug);
    let sent_to = invitation.email.clone();
    let sent_by = invitation.invited_by.map(|person| person.display_name);
    let expires_at = invitation.expires_at;
    let sign_in = sign_in_path(&format!("/invitation?token={}", encode(&token.get_value())));
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{title}</h1>
            <p class="lead">{line}</p>
            {sent_by.map(|name| view! { <p class="muted member-name">{fill(t.invitation_sent_by, &[("name", &name)])}</p> })}
            {sent_to.clone().map(|email| view! { <p class="muted member-name">{fill(t.invitation_sent_to, &[("email", &email)])}</p> })}
            {move || open().then(|| view! {
                <p class="muted">{fill(t.invitation_answer_by, &[("date", &format_date(&expires_at))])}</p>
            })}
            <p><A href=organisation_page>{see_organisation}</A></p>
            // Live regions that stay in the page, so that what they come to say is read out.
            <p role="status" class="form-message">{move || said.get()}</p>
            <div role="alert">
                {move || message.get().map(|message| view! { <p class="form-message">{message}</p> })}
                {move || closed.get().or_else(|| taken_by_another().then_some(t.invitation_taken)).map(|reason| view! {
                    <div class="notice notice-error"><p>{reason}</p></div>
                })}
            </div>
            {move || match (open(), api.signed_in()) {
                (false, _) => None,
                (true, true) => Some(view! {
                    <div class="actions">
                        <button type="button" node_ref=accept_button aria-disabled=move || busy.get().to_string()
                            on:click=move |_| answer.with_value(|answer| answer(true))>
                            {accept_label.clone()}
                        </button>
                        <button type="button" class="button-secondary" aria-disabled=move || busy.get().to_string()
                            on:click=move |_| answer.with_value(|answer| answer(false))>
                            {t.invitation_decline}
                        </button>
                    </div>
                    {move || me.get().map(|me| view! {
                        <p class="hint member-name">{fill(t.invitation_signed_in_as, &[("email", &me.email)])}</p>
                    })}
                }
                .into_any()),
                (true, false) => Some(view! {
                    {if taker.with_value(Option::is_some) {
                        // Taken by an account: the one who signed up from the link, surely.
                        view! { <p>{t.invitation_sign_in_to_answer}</p> }.into_any()
                    } else {
                        view! { <SignUp token=token.get_value() email=sent_to.clone().unwrap_or_default() closed on_done=Callback::new(signed_up) /> }.into_any()
                    }}
                    <p><A href=sign_in.clone()>{t.invitation_have_account}</A></p>
                    <h2>{t.invitation_not_for_you}</h2>
                    <p>{t.invitation_decline_without_account}</p>
                    <button type="button" class="button-secondary" aria-disabled=move || busy.get().to_string()
                        on:click=move |_| answer.with_value(|answer| answer(false))>
                        {t.invitation_decline}
                    </button>
                }
                .into_any()),
            }}
        </section>
    }
}

/// Creating an account from the invitation: it then waits for this account's answer.
#[component]
fn SignUp(
    token: String,
    email: String,
    /// Set when the server refuses the invitation itself.
    closed: RwSignal<Option<&'static str>>,
    on_done: Callback<()>,
) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let token = StoredValue::new(token);
    let name = RwSignal::new(String::new());
    let email = RwSignal::new(email);
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let body = RegisterRequest {
            email: email.get_untracked().trim().to_owned(),
            password: password.get_untracked(),
            display_name: name.get_untracked(),
            locale: Some(current_lang().code().to_owned()),
            invitation: Some(token.get_value()),
        };
        spawn_local(async move {
            match api.register(&body).await {
                Ok(auth) => {
                    api.sign_in(&auth);
                    me.set(Some(auth.user));
                    on_done.run(());
                }
                Err(error) => {
                    if let Some(reason) = refusal(t, &error) {
                        closed.set(Some(reason));
                    } else if error.code() == Some(Code::EmailTaken) {
                        errors.set(vec![("email".to_owned(), Code::EmailTaken.to_string())]);
                        message.set(Some(t.invitation_email_taken.to_owned()));
                    } else {
                        show_form_error(t, &error, errors, message);
                    }
                }
            }
            busy.set(false);
        });
    };
    view! {
        <h2 id="sign-up-title">{t.invitation_sign_up_title}</h2>
        <p>{t.invitation_sign_up_intro}</p>
        <form on:submit=submit aria-labelledby="sign-up-title" novalidate>
            <Field id="display-name" label=t.display_name_label autocomplete="name" value=name errors field="display_name" required=true />
            <Field id="email" label=t.email_label kind="email" autocomplete="email" value=email errors field="email" required=true />
            <Field
                id="password"
                label=t.password_label
                kind="password"
                hint=t.password_hint
                autocomplete="new-password"
                value=password
                errors
                field="password"
                required=true
            />
            <button type="submit" aria-disabled=move || busy.get().to_string()>{t.sign_up_button}</button>
            <p role="alert" class="form-message">{move || message.get()}</p>
        </form>
    }
}
