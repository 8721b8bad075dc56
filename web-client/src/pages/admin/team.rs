//! The team: its members and their roles, the invitations sent, and inviting someone.

use ensemble_wire::{Invitation, InvitationStatus, Member, MemberRole, NewMember, Role};
use leptos::prelude::*;

use super::Changes;
use crate::api::ApiClient;
use crate::components::role_name;
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
    let name = invitation.invitee.display_name;
    view! {
        <li class="member">
            <span>{name.clone()}</span>
            <span class="muted">{format!("{} · {}", role_name(t, invitation.role), invitation_status_text(t, invitation.status))}</span>
            {(invitation.status == InvitationStatus::Pending).then(|| view! {
                <button type="button" class="link-button" on:click=revoke>
                    {fill(t.admin_invitation_revoke, &[("name", &name)])}
                </button>
            })}
        </li>
    }
}

/// Inviting someone, by their user id, with a role.
#[component]
fn InviteForm(slug: String, changes: Changes) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let slug = StoredValue::new(slug);
    let user_id = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Editor);
    let invite = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = NewMember {
            user_id: user_id.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
        };
        let slug = slug.get_value();
        changes.run(t.admin_invited, async move {
            api.invite(&slug, &body).await.map(|_| ())
        });
    };
    view! {
        <form on:submit=invite class="filters">
            <div class="field">
                <label for="member-id">{t.admin_member_id}</label>
                <input id="member-id" type="text" inputmode="numeric" prop:value=move || user_id.get() on:input=move |ev| user_id.set(event_target_value(&ev)) />
            </div>
            <div class="field">
                <label for="member-role">{t.admin_member_role}</label>
                <select id="member-role" on:change=move |ev| role.set(parse_role(&event_target_value(&ev)))>
                    {[Role::Editor, Role::Admin, Role::Owner].into_iter().map(|r| view! {
                        <option value=role_value(r)>{role_name(t, r)}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit">{t.admin_member_add}</button>
        </form>
    }
}
