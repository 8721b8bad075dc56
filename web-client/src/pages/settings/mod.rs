//! `/settings`: whether my follows are public, my data, what I receive by mail, my
//! signed-in devices, my address, my password, my API tokens, and deleting my account.

mod mail;

pub use mail::category_name;

use ensemble_wire::email::ChangeEmail;
use ensemble_wire::{ChangePassword, Code, Me, NewApiToken, TokenScope, UpdateMe};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{ApiClient, encode};
use crate::components::{Field, Img, PictureInput, SignInFirst, explain, show_form_error};
use crate::texts::{fill, format_date, texts};

#[component]
pub fn SettingsPage() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    if !api.signed_in() {
        return view! { <SignInFirst title=t.settings_title /> }.into_any();
    }
    let message = RwSignal::new(None::<String>);
    // Saves one change to the profile, and shows the profile the server answers.
    let save = move |changes: UpdateMe| {
        spawn_local(async move {
            match api.update_me(&changes).await {
                Ok(updated) => {
                    me.set(Some(updated));
                    message.set(Some(t.settings_saved.to_owned()));
                }
                Err(error) => message.set(Some(explain(t, &error))),
            }
        });
    };
    let set_public = move |public: bool| {
        save(UpdateMe {
            follows_public: Some(public),
            ..Default::default()
        });
    };
    let set_avatar = move |avatar: Option<String>| {
        save(UpdateMe {
            avatar: Some(avatar),
            ..Default::default()
        });
    };
    let chose_avatar =
        Callback::new(move |upload: ensemble_wire::Upload| set_avatar(Some(upload.id)));
    view! {
        <section class="page narrow" aria-labelledby="page-title">
            <h1 id="page-title">{t.settings_title}</h1>
            {move || me.get().and_then(|m| m.avatar).map(|picture| view! {
                <Img picture alt="" sizes="96px" class="logo logo-large" />
                <button type="button" on:click=move |_| set_avatar(None)>{t.avatar_remove}</button>
            })}
            <PictureInput id="avatar" label=t.avatar_label square=true chosen=chose_avatar />
            <div class="field-check">
                <input id="follows-public" type="checkbox"
                    prop:checked=move || me.with(|m| m.as_ref().is_none_or(|m| m.follows_public))
                    on:change=move |ev| set_public(event_target_checked(&ev)) />
                <label for="follows-public">{t.settings_follows_public}</label>
            </div>
            <p role="status" class="form-message">{move || message.get()}</p>
            <ExportLink />
            <mail::MailSettings />
            <Sessions />
            <Blocks />
            <EmailForm />
            <PasswordForm />
            <ApiTokens />
            <DeleteAccount message />
        </section>
    }
    .into_any()
}

/// Everything the account holds, to download, once the server has written it.
#[component]
fn ExportLink() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let export = LocalResource::new(move || async move { api.export().await });
    view! {
        <Transition>
            {move || export.get().and_then(Result::ok).map(|data| {
                let text = serde_json::to_string_pretty(&data).unwrap_or_default();
                let href = format!("data:application/json;charset=utf-8,{}", encode(&text));
                view! { <p><a href=href download="ensemble-export.json">{t.settings_export}</a></p> }
            })}
        </Transition>
    }
}

/// The devices signed in to the account, each of which can be signed out.
#[component]
fn Sessions() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let sessions = LocalResource::new(move || async move { api.sessions(50).await });
    let revoke = move |id: String, current: bool| {
        spawn_local(async move {
            if api.revoke_session(&id).await.is_ok() {
                if current {
                    api.forget();
                    let _ = window().location().assign("/");
                } else {
                    sessions.refetch();
                }
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{t.sessions_title}</h2>
            <ul class="members">
                <Transition>
                    {move || sessions.get().and_then(Result::ok).map(|page| page.items.into_iter().map(|session| {
                        let id = session.id.clone();
                        let current = session.current;
                        let device = if session.user_agent.is_empty() { "—".to_owned() } else {
                            session.user_agent.chars().take(60).collect::<String>()
                        };
                        view! {
                            <li class="member">
                                <span>{device}{current.then(|| format!(" ({})", t.session_current))}</span>
                                <span class="muted">{fill(t.session_since, &[("date", &format_date(&session.created_at))])}</span>
                                <button type="button" class="link-button" on:click=move |_| revoke(id.clone(), current)>{t.session_revoke}</button>
                            </li>
                        }
                    }).collect_view())}
                </Transition>
            </ul>
        </section>
    }
}

/// The people blocked, each of whom can be unblocked.
#[component]
fn Blocks() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let blocks = LocalResource::new(move || async move { api.blocks().await });
    let unblock = move |id: String| {
        spawn_local(async move {
            if api.set_block(&id, false).await.is_ok() {
                blocks.refetch();
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="blocks-title">
            <h2 id="blocks-title">{t.blocks_title}</h2>
            <p class="muted">{t.blocks_intro}</p>
            <Transition>
                {move || blocks.get().and_then(Result::ok).map(|page| {
                    if page.items.is_empty() {
                        return view! { <p class="empty">{t.blocks_empty}</p> }.into_any();
                    }
                    view! {
                        <ul class="members">
                            {page.items.into_iter().map(|person| {
                                let id = person.user_id.clone();
                                view! {
                                    <li class="member">
                                        <span>{person.display_name.clone()}</span>
                                        <span class="muted">{format_date(&person.blocked_at)}</span>
                                        <button type="button" class="link-button" on:click=move |_| unblock(id.clone())>
                                            {t.blocks_unblock}<span class="visually-hidden">{format!(" {}", person.display_name)}</span>
                                        </button>
                                    </li>
                                }
                            }).collect_view()}
                        </ul>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// A new address: the password is asked again, and the address changes once the link
/// mailed to the new one is opened (at `/verify-email`).
#[component]
fn EmailForm() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let email = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let sent = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let new = email.get_untracked().trim().to_owned();
        let given = password.get_untracked();
        // Accounts made through a provider have no password to give.
        let body = ChangeEmail {
            email: new.clone(),
            password: (!given.is_empty()).then_some(given),
        };
        sent.set(None);
        spawn_local(async move {
            match api.change_email(&body).await {
                Ok(()) => {
                    email.set(String::new());
                    password.set(String::new());
                    errors.set(Vec::new());
                    message.set(None);
                    sent.set(Some(fill(t.email_change_sent, &[("email", &new)])));
                }
                // Refused as a whole (403, 409), but one field is at fault: it is marked.
                Err(error) => match error.code() {
                    Some(code @ (Code::WrongPassword | Code::EmailTaken)) => {
                        let field = if code == Code::WrongPassword {
                            "password"
                        } else {
                            "email"
                        };
                        errors.set(vec![(field.to_owned(), code.as_str().to_owned())]);
                        message.set(Some(t.form_fix_errors.to_owned()));
                    }
                    _ => show_form_error(t, &error, errors, message),
                },
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="email-title">
            <h2 id="email-title">{t.email_change_title}</h2>
            <p>{move || me.with(|me| me.as_ref().map(|me| fill(t.email_change_current, &[("email", &me.email)])))}</p>
            <form on:submit=submit novalidate>
                <Field id="new-email" label=t.email_change_new kind="email" value=email errors field="email" autocomplete="email" required=true />
                <Field id="email-password" label=t.email_change_password kind="password" value=password errors field="password" autocomplete="current-password" />
                <button type="submit">{t.email_change_button}</button>
                <p role="status" class="form-message">{move || sent.get()}</p>
                <p role="alert" class="form-message">{move || message.get()}</p>
            </form>
        </section>
    }
}

/// A new password: the current one is asked again; the other devices are signed out.
#[component]
fn PasswordForm() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let body = ChangePassword {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        spawn_local(async move {
            match api.change_password(&body).await {
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

/// Personal API tokens: listed, created (the secret shown once), revoked.
#[component]
fn ApiTokens() -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let tokens = LocalResource::new(move || async move { api.tokens().await });
    let created = RwSignal::new(None::<String>);
    let name = RwSignal::new(String::new());
    let write = RwSignal::new(false);
    let errors = RwSignal::new(Vec::<(String, String)>::new());
    let message = RwSignal::new(None::<String>);
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
            match api.create_token(&body).await {
                Ok(token) => {
                    created.set(Some(token.token));
                    name.set(String::new());
                    errors.set(Vec::new());
                    message.set(None);
                    tokens.refetch();
                }
                Err(error) => {
                    errors.set(error.field_errors());
                    message.set(Some(explain(t, &error)));
                }
            }
        });
    };
    let revoke = move |id: String| {
        spawn_local(async move {
            if api.revoke_token(&id).await.is_ok() {
                tokens.refetch();
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="tokens-title">
            <h2 id="tokens-title">{t.tokens_title}</h2>
            <p>{t.tokens_intro}</p>
            <ul class="members">
                <Transition>
                    {move || tokens.get().and_then(Result::ok).map(|page| page.items.into_iter().map(|token| {
                        let id = token.id.clone();
                        view! {
                            <li class="member">
                                <span>{token.name.clone()}</span>
                                <span class="muted">{format_date(&token.created_at)}</span>
                                <button type="button" class="link-button" on:click=move |_| revoke(id.clone())>
                                    {fill(t.token_revoke, &[("name", &token.name)])}
                                </button>
                            </li>
                        }
                    }).collect_view())}
                </Transition>
            </ul>
            {move || created.get().map(|secret| view! {
                <div class="notice" role="status">
                    <p>{t.token_created}</p>
                    <p><code class="secret">{secret}</code></p>
                </div>
            })}
            <form on:submit=create novalidate>
                <Field id="token-name" label=t.token_name_label value=name errors field="name" required=true />
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

/// Deleting the account, once confirmed; what went wrong is said in the page's `message`.
#[component]
fn DeleteAccount(message: RwSignal<Option<String>>) -> impl IntoView {
    let t = texts();
    let api = expect_context::<ApiClient>();
    let me = expect_context::<RwSignal<Option<Me>>>();
    let confirming = RwSignal::new(false);
    let delete = move |_| {
        spawn_local(async move {
            match api.delete_account().await {
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
        <section class="card" aria-labelledby="delete-title">
            <h2 id="delete-title">{t.settings_delete}</h2>
            <p>{t.settings_delete_warning}</p>
            {move || if confirming.get() {
                view! { <button type="button" on:click=delete>{t.settings_delete_confirm}</button> }.into_any()
            } else {
                view! { <button type="button" on:click=move |_| confirming.set(true)>{t.settings_delete}</button> }.into_any()
            }}
        </section>
    }
}
