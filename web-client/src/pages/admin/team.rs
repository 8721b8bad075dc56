//! The team: its members and their roles, the invitations sent, and inviting someone by
//! their email address.

use ensemble_wire::{Code, Invitation, InvitationStatus, Member, MemberRole, NewMember, Role};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::Changes;
use crate::api::{ApiClient, ApiError};
use crate::components::{Field, role_name, show_form_error};
use crate::texts::{Texts, fill, texts};

/// A role as the forms' `<select>`s write it.
fn role_value(role: Role) -> &'static str {
    match role {
        Role::Owner => "owner",
        Role::Admin => "admin",
        Role::Editor => "editor",
    }
}

fn parse_role(value: &str) -> Role {
    match value {
        "owner" => Role::Owner,
        "admin" => Role::Admin,
        _ => Role::Editor,
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

/// `invitations` are `None` for whom may not see them.
#[component]
pub(super) fn TeamSection(
    slug: String,
    members: Vec<Member>,
    invitations: Option<Vec<Invitation>>,
    changes: Changes,
) -> impl IntoView {
    let t = texts();
    let slug = StoredValue::new(slug);
    view! {
        <section class="card" aria-labelledby="admin-members">
            <h2 id="admin-members">{t.admin_members}</h2>
            <ul class="members">
                {members.into_iter().map(|member| view! { <MemberRow slug=slug.get_value() member changes /> }).collect_view()}
            </ul>
            {invitations.filter(|i| !i.is_empty()).map(|invitations| view! {
                <h3>{t.admin_invitations}</h3>
                <ul class="members">
                    {invitations.into_iter().map(|invitation| view! {
                        <InvitationRow slug=slug.get_value() invitation changes />
                    }).collect_view()}
                </ul>
            })}
            <InviteForm slug=slug.get_value() changes />
        </section>
    }
}

/// A member, their role to change, and removing them.
#[component]
fn MemberRow(slug: String, member: Member, changes: Changes) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let target = StoredValue::new((slug, member.user_id.clone()));
    let change_role = move |ev: leptos::ev::Event| {
        let body = MemberRole {
            role: parse_role(&event_target_value(&ev)),
        };
        let (slug, user) = target.get_value();
        changes.run(t.settings_saved, async move {
            api.set_member_role(&slug, &user, &body).await.map(|_| ())
        });
    };
    let remove = move |_| {
        let (slug, user) = target.get_value();
        changes.run(t.settings_saved, async move {
            api.remove_member(&slug, &user).await
        });
    };
    let select_id = format!("role-{}", member.user_id);
    let current = member.role;
    view! {
        <li class="member">
            <span>{member.display_name.clone()}</span>
            <label for=select_id.clone() class="visually-hidden">{fill(t.admin_member_role_of, &[("name", &member.display_name)])}</label>
            <select id=select_id on:change=change_role>
                {[Role::Owner, Role::Admin, Role::Editor].into_iter().map(|r| view! {
                    <option value=role_value(r) selected=r == current>{role_name(t, r)}</option>
                }).collect_view()}
            </select>
            <button type="button" class="link-button" on:click=remove>{fill(t.admin_member_remove, &[("name", &member.display_name)])}</button>
        </li>
    }
}

/// An invitation sent, and while it waits for an answer, taking it back.
#[component]
fn InvitationRow(slug: String, invitation: Invitation, changes: Changes) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let target = StoredValue::new((slug, invitation.id.clone()));
    let revoke = move |_| {
        let (slug, id) = target.get_value();
        changes.run(t.settings_saved, async move {
            api.revoke_invitation(&slug, &id).await
        });
    };
    // Whoever took it (an account), else the address it was sent to.
    let name = invitation
        .invitee
        .as_ref()
        .map(|person| person.display_name.clone())
        .or_else(|| invitation.email.clone())
        .unwrap_or_default();
    let address = invitation
        .invitee
        .is_some()
        .then_some(invitation.email)
        .flatten();
    view! {
        <li class="member">
            <span class="member-name">{name.clone()}</span>
            {address.map(|address| view! { <span class="muted member-name">{address}</span> })}
            <span class="muted">{format!("{} · {}", role_name(t, invitation.role), invitation_status_text(t, invitation.status))}</span>
            {(invitation.status == InvitationStatus::Pending).then(|| view! {
                <button type="button" class="link-button" on:click=revoke>
                    {fill(t.admin_invitation_revoke, &[("name", &name)])}
                </button>
            })}
        </li>
    }
}

/// Why an invitation was not sent, when the team can do something about it.
fn invite_refusal(t: &'static Texts, error: &ApiError) -> Option<&'static str> {
    Some(match error.code()? {
        Code::AlreadyInvited => t.admin_already_invited,
        Code::AlreadyMember => t.admin_already_member,
        Code::TooManyInvitations => t.admin_too_many_invitations,
        Code::RateLimited => t.admin_invite_rate_limited,
        _ => return None,
    })
}

/// Inviting someone, by their email address (what a team knows of its volunteers), with a
/// role: the address is mailed a link from which they sign up or sign in, and answer.
#[component]
fn InviteForm(slug: String, changes: Changes) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let slug = StoredValue::new(slug);
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Editor);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let address = email.get_untracked().trim().to_owned();
        let body = NewMember {
            user_id: None,
            email: Some(address.clone()),
            role: role.get_untracked(),
        };
        let slug = slug.get_value();
        spawn_local(async move {
            match api.invite(&slug, &body).await {
                // The page is drawn again with the invitation listed, this form empty.
                Ok(_) => changes.done(fill(t.admin_invited, &[("email", &address)])),
                Err(error) => match invite_refusal(t, &error) {
                    Some(reason) => {
                        errors.set(Vec::new());
                        message.set(Some(reason.to_owned()));
                    }
                    None => show_form_error(t, &error, errors, message),
                },
            }
            busy.set(false);
        });
    };
    view! {
        <h3 id="invite-title">{t.admin_invite_title}</h3>
        <form on:submit=invite class="filters" aria-labelledby="invite-title" novalidate>
            <Field
                id="member-email"
                label=t.admin_member_email
                kind="email"
                autocomplete="off"
                hint=t.admin_invite_hint
                value=email
                errors
                field="email"
                required=true
            />
            <div class="field">
                <label for="member-role">{t.admin_member_role}</label>
                <select id="member-role" on:change=move |ev| role.set(parse_role(&event_target_value(&ev)))>
                    {[Role::Editor, Role::Admin, Role::Owner].into_iter().map(|r| view! {
                        <option value=role_value(r)>{role_name(t, r)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" aria-disabled=move || busy.get().to_string()>{t.admin_member_add}</button>
        </form>
        <p role="alert" class="form-message">{move || message.get()}</p>
    }
}
